import { Injectable } from '@nestjs/common';
import type { HealthCheck } from '@tessera/common';

/**
 * The dependencies a service needs before it takes traffic. The core module adds postgres
 * and the bus; a service adds its own (a gRPC peer, a cache) from a provider's constructor or
 * `onModuleInit`: `readiness.add({ name: 'auth', check: () => ... })`. Each is reported as a
 * terminus indicator under its name by `/health/ready`.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks: HealthCheck[] = [];

  add(check: HealthCheck): void {
    if (this.checks.some((existing) => existing.name === check.name)) throw new Error(`readiness check "${check.name}" is registered twice`);
    this.checks.push(check);
  }

  list(): readonly HealthCheck[] {
    return this.checks;
  }
}
