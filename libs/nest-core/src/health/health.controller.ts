import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ReadinessChecks } from './readiness-checks';

/** How long one dependency may take to answer before it counts as down. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * `/health` and `/health/live`: liveness (the process serves HTTP; no dependency is asked, so
 * an outage of Postgres never gets a pod restarted). `/health/ready`: readiness, one terminus
 * indicator per registered dependency; 200 when all are up, 503 with each one's reason otherwise.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ReadinessChecks) private readonly readiness: ReadinessChecks,
  ) {}

  @Get(['health', 'health/live'])
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.readiness.list().map((dependency) => async (): Promise<HealthIndicatorResult> => {
        const session = this.indicators.check(dependency.name);
        try {
          await withTimeout(dependency.check(), READINESS_TIMEOUT_MS);
          return session.up();
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
