import type { INestApplication } from '@nestjs/common';

/** A started service, as the CLI and tests hold it (libs/nest-core's bootNestService makes them). */
export interface RunningService {
  name: string;
  app: INestApplication;
  httpPort: number;
  grpcPort?: number;
  /** `app.close()`: lifecycle hooks stop the service's work, its servers, then its connections. */
  close(): Promise<void>;
}
