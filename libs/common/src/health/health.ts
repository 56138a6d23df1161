import { Controller, Get, HttpCode, Inject, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceMetrics } from '../metrics/metrics';

export interface HealthCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

export async function runHealthChecks(checks: HealthCheck[], timeoutMs = 2000) {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await Promise.race([
          check.check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
        ]);
        return { name: check.name, status: 'up' as const };
      } catch (error) {
        return { name: check.name, status: 'down' as const, reason: (error as Error).message };
      }
    }),
  );
  return { ready: results.every((result) => result.status === 'up'), checks: results };
}

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  /** Liveness: the process serves requests. */
  @Get(['health', 'health/live'])
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Readiness: every dependency this service needs answers. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const result = await runHealthChecks(this.checks);
    response.status(result.ready ? 200 : 503);
    return { status: result.ready ? 'ready' : 'not ready', checks: result.checks };
  }
}

@Controller()
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get('metrics')
  async scrape(@Res() response: Response) {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.send(await this.metrics.registry.metrics());
  }
}

/** Serves /health, /health/live, /health/ready and /metrics for one service. */
export class ObservabilityModule {
  static forService(metrics: ServiceMetrics, checks: HealthCheck[]): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HEALTH_CHECKS, useValue: checks },
      ],
      exports: [ServiceMetrics],
    };
  }
}
