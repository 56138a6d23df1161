import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';

export type ServiceName = 'gateway' | 'auth' | 'ingestion' | 'mining' | 'federation' | 'privacy' | 'insights' | 'scheduler';
type Env = Record<string, string | undefined>;

/**
 * Every service's entry point, loaded on demand, in the order they start when several share
 * a process: store data first, the hub's federation before the privacy service that enrols
 * with it, the gateway last.
 */
export const SERVICES: Record<ServiceName, (env: Env, bus?: Bus) => Promise<RunningService>> = {
  ingestion: async (env, bus) => (await import('@tessera/ingestion-service')).startIngestionService(env, { bus }),
  mining: async (env, bus) => (await import('@tessera/mining-service')).startMiningService(env, { bus }),
  federation: async (env, bus) => (await import('@tessera/federation-service')).startFederationService(env, { bus }),
  privacy: async (env, bus) => (await import('@tessera/privacy-service')).startPrivacyService(env, { bus }),
  auth: async (env, bus) => (await import('@tessera/auth-service')).startAuthService(env, { bus }),
  insights: async (env, bus) => (await import('@tessera/insights-service')).startInsightsService(env, { bus }),
  scheduler: async (env, bus) => (await import('@tessera/scheduler-service')).startSchedulerService(env, { bus }),
  gateway: async (env) => (await import('@tessera/gateway-service')).startGatewayService(env),
};

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
