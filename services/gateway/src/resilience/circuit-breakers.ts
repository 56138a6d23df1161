import { HttpStatus } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import * as grpc from '@grpc/grpc-js';
import type { Logger, ServiceMetrics } from '@tessera/common';
import { RetryAfterException } from '../http/retry-after';

export interface CircuitOptions {
  /** Failed share of calls in the rolling window (10 s) that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the circuit may open at all. */
  volumeThreshold: number;
  /** How long an open circuit fails fast before one trial call. */
  resetTimeoutMs: number;
}

/** Only "the service is not there" counts against a circuit; a 404 or a bad request does not. */
export function isOutage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED;
}

const STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * One circuit breaker (opossum) per downstream service. While a service keeps failing, its
 * circuit opens and calls fail fast with 503 and Retry-After instead of piling up until
 * their deadlines; after the reset time one trial call decides whether it closes again.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
  private readonly transitions?: ReturnType<ServiceMetrics['counter']>;

  constructor(
    private readonly options: CircuitOptions,
    private readonly logger?: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.transitions = metrics?.counter('gateway_circuit_transitions_total', 'Circuit breaker state changes per downstream service', ['service', 'state']);
  }

  run<T>(service: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.breaker(service);
    return (breaker.fire(call) as Promise<T>).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        const seconds = Math.ceil(this.options.resetTimeoutMs / 1000);
        throw new RetryAfterException(HttpStatus.SERVICE_UNAVAILABLE, `the ${service} service is unavailable (its circuit is open after repeated failures); try again in about ${seconds} s`, seconds);
      }
      throw error;
    });
  }

  state(service: string): keyof typeof STATE {
    const breaker = this.breakers.get(service);
    if (!breaker) return 'closed';
    return breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed';
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  onApplicationShutdown(): void {
    this.shutdown();
  }

  private breaker(service: string) {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
        name: service,
        timeout: false, // gRPC deadlines bound each call
        errorThresholdPercentage: this.options.errorThresholdPercentage,
        volumeThreshold: this.options.volumeThreshold,
        resetTimeout: this.options.resetTimeoutMs,
        rollingCountTimeout: 10_000,
        rollingCountBuckets: 10,
        errorFilter: (error: unknown) => !isOutage(error),
      });
      const report = (state: 'open' | 'halfOpen' | 'closed') => () => {
        this.transitions?.inc({ service, state });
        this.logger?.[state === 'open' ? 'warn' : 'info']({ service, state }, `circuit to ${service} is now ${state}`);
      };
      breaker.on('open', report('open'));
      breaker.on('halfOpen', report('halfOpen'));
      breaker.on('close', report('closed'));
      this.breakers.set(service, breaker);
    }
    return breaker;
  }
}
