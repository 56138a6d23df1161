// A gateway controller under test, in the style of immich's controller specs: a Nest testing
// module with the controller, the real AccessGuard (policy, roles, store scope, rate limits),
// the gateway's validation pipe and retry-after filter, and the feature's services replaced by
// fakes with overrideProvider. Only the credential check is faked: a bearer "token" names one of
// the principals below (JWT verification has its own tests and e2e/auth-matrix covers it
// end to end), an X-API-Key names an API key principal.
import { UnauthorizedException, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { AccessGuard } from '../access/access.guard';
import type { ApiKeyPrincipal, Principal, UserPrincipal } from '../access/access-policy';
import { JwtAuthGuard } from '../access/jwt.strategy';
import { PrincipalService } from '../access/principal.service';
import { AuditRecorder } from '../audit/audit-recorder';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { requestIdMiddleware } from '../http/request-id';
import { RetryAfterFilter } from '../http/retry-after';
import { gatewayValidationPipe } from '../http/validation-pipe';
import { RATE_LIMITER } from '../rate-limit/rate-limit.tokens';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { MemoryWindowStore } from '../rate-limit/window-store';

const user = (id: string, fields: Omit<UserPrincipal, 'kind' | 'id' | 'email'>): UserPrincipal => ({ kind: 'user', id, email: `${id}@shop.example`, ...fields });

/** Who can call in a controller spec: `Authorization: Bearer <name>` for users, `X-API-Key: <name>` for keys. */
export const PRINCIPALS = {
  'manager-s1': user('manager-s1', { role: 'store_manager', storeId: 's1', storeIds: ['s1'], allStores: false }),
  'manager-s2': user('manager-s2', { role: 'store_manager', storeId: 's2', storeIds: ['s2'], allStores: false }),
  'coordinator-north': user('coordinator-north', { role: 'regional_coordinator', regionId: 'north', storeIds: ['s1', 's2'], allStores: false }),
  admin: user('admin', { role: 'admin', storeIds: [], allStores: true }),
} satisfies Record<string, UserPrincipal>;

export const API_KEYS: Record<string, ApiKeyPrincipal> = {
  'tsk_s1_ingestion': { kind: 'apiKey', id: 'key-1', prefix: 'tsk_s1', storeId: 's1', scopes: ['ingestion'] },
};

export type PrincipalName = keyof typeof PRINCIPALS;

/** A fake service: each method records its arguments and answers what the test set (or a default). */
export class FakeService<Methods extends string> {
  readonly calls: { method: Methods; args: unknown[] }[] = [];
  private readonly answers = new Map<string, (...args: unknown[]) => unknown>();

  constructor(methods: readonly Methods[], defaults: Partial<Record<Methods, unknown>> = {}) {
    for (const method of methods) {
      (this as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        this.calls.push({ method, args });
        const answer = this.answers.get(method);
        return answer ? answer(...args) : defaults[method];
      };
    }
  }

  /** What `method` answers from now on (a function gets the call's arguments; it may throw). */
  answer(method: Methods, answer: (...args: unknown[]) => unknown): this {
    this.answers.set(method, answer);
    return this;
  }

  last(method: Methods): unknown[] {
    const calls = this.calls.filter((c) => c.method === method);
    if (!calls.length) throw new Error(`${method} was not called`);
    return calls[calls.length - 1].args;
  }
}

export interface ControllerTestApp {
  app: INestApplication;
  /** Writes refused by policy, as the AuditRecorder would record them. */
  denied: { action: string; reason: string }[];
  close(): Promise<void>;
}

/**
 * Builds and starts (in-process, no port) an app serving `controller`. `services` are the
 * controller's injected classes, each replaced by its fake.
 */
export async function controllerTestApp(controller: Type<unknown>, services: [Type<unknown>, unknown][], options: { perUserLimit?: number } = {}): Promise<ControllerTestApp> {
  const denied: { action: string; reason: string }[] = [];
  const windowStore = new MemoryWindowStore();
  const gatewayOptions = { rateLimits: { perUser: options.perUserLimit ?? 1000, perApiKey: 1000 }, metricsToken: '' } as GatewayOptions;
  const fakeJwt = {
    async canActivate(context: { switchToHttp(): { getRequest(): Request } }) {
      const request = context.switchToHttp().getRequest();
      const name = /^Bearer\s+(\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
      const principal = name ? (PRINCIPALS as Record<string, Principal>)[name] : undefined;
      if (!principal) throw new UnauthorizedException('access token rejected (invalid signature); sign in again');
      request.user = principal;
      return true;
    },
  };
  const fakePrincipals = {
    async forApiKey(key: string) {
      const principal = API_KEYS[key];
      if (!principal) throw new UnauthorizedException('unknown or revoked API key');
      return principal;
    },
  };
  const fakeAudit = {
    async denied(_caller: unknown, action: string, reason: string) {
      denied.push({ action, reason });
    },
  };
  let builder = Test.createTestingModule({
    controllers: [controller],
    providers: [
      ...services.map(([type]) => type as Provider),
      JwtAuthGuard,
      { provide: PrincipalService, useValue: {} },
      AuditRecorder,
      { provide: RATE_LIMITER, useValue: new RateLimiter(windowStore, 60_000) },
      { provide: GATEWAY_OPTIONS, useValue: gatewayOptions },
      { provide: APP_GUARD, useClass: AccessGuard },
      { provide: APP_FILTER, useClass: RetryAfterFilter },
    ],
  })
    .overrideProvider(JwtAuthGuard)
    .useValue(fakeJwt)
    .overrideProvider(PrincipalService)
    .useValue(fakePrincipals)
    .overrideProvider(AuditRecorder)
    .useValue(fakeAudit);
  for (const [type, fake] of services) builder = builder.overrideProvider(type).useValue(fake);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.use(requestIdMiddleware);
  app.useGlobalPipes(gatewayValidationPipe());
  await app.init();
  return {
    app,
    denied,
    async close() {
      await app.close();
      await windowStore.close();
    },
  };
}

/** The `message` of a Nest error body as one string (the validation pipe sends a list). */
export function messageOf(body: { message?: string | string[] }): string {
  return Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? '');
}

/** A DTO instance as plain data, without the optional fields the request left out. */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined));
}
