import type { Logger, ServiceMetrics } from '@tessera/common';
import { slidingWindowDecision, windowPosition, type RateDecision } from './sliding-window.util';
import type { WindowStore } from './window-store';

export type RateScope = 'ip' | 'user' | 'api_key';

/**
 * Checks one hit against a limit. When the counter store fails (Redis down), requests are
 * let through and the failure is logged and counted: an outage of the limiter must not
 * become an outage of the API (documented in docs/security.md).
 */
export class RateLimiter {
  private readonly limited?: ReturnType<ServiceMetrics['counter']>;
  private readonly storeErrors?: ReturnType<ServiceMetrics['counter']>;
  private lastWarning = 0;

  constructor(
    private readonly store: WindowStore,
    readonly windowMs: number,
    private readonly logger?: Logger,
    metrics?: ServiceMetrics,
    private readonly clock: () => number = Date.now,
  ) {
    this.limited = metrics?.counter('gateway_rate_limited_total', 'Requests refused with 429 by the gateway rate limits', ['scope']);
    this.storeErrors = metrics?.counter('gateway_rate_limit_store_errors_total', 'Rate-limit checks that failed open because the counter store did not answer');
  }

  async check(scope: RateScope, id: string, limit: number): Promise<RateDecision> {
    const { index, elapsedMs } = windowPosition(this.clock(), this.windowMs);
    let decision: RateDecision;
    try {
      decision = slidingWindowDecision(await this.store.hit(`${scope}:${id}`, index, this.windowMs), limit, this.windowMs, elapsedMs);
    } catch (error) {
      this.storeErrors?.inc();
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger?.warn({ err: (error as Error).message }, 'rate-limit store unavailable: requests are let through without limits');
      }
      return { allowed: true, limit, remaining: limit, retryAfterMs: 0 };
    }
    if (!decision.allowed) this.limited?.inc({ scope });
    return decision;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

const SCOPE_WORDS: Record<RateScope, string> = { ip: 'this IP address', user: 'your account', api_key: 'this API key' };

export function rateLimitMessage(scope: RateScope, decision: RateDecision, windowMs: number): string {
  return `rate limit of ${decision.limit} requests per ${Math.round(windowMs / 1000)} s reached for ${SCOPE_WORDS[scope]}; retry after ${Math.ceil(decision.retryAfterMs / 1000)} s`;
}
