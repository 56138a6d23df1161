import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { authV1 } from '@tessera/proto';
import type { Principal } from '../access/access-policy';
import { accessOf, principalOf, requestContext, visibleStores } from '../access/request-principal';
import { requestIdOf } from './request-id';

/**
 * Who is calling, as services see it: the request id (sent downstream in gRPC metadata), the
 * principal the access guard established, and the audit context for the auth service. Built
 * from the request by the `@CurrentCaller()` parameter decorator, so no service takes an
 * Express request.
 */
export interface Caller {
  readonly requestId?: string;
  readonly principal?: Principal;
  /** Who, from where, under which request id: sent with every write to the auth service. */
  readonly context: authV1.RequestContext;
  /** The stores a listing may show: undefined means every store. */
  readonly visibleStores: string[] | undefined;
  /**
   * Names the store the request acted on, once a service has looked it up (a schedule's store,
   * say): the audit row records it as the store, or as the store a refused request attempted.
   */
  recordStore(storeId: string, refused: boolean): void;
}

export function callerOf(request: Request): Caller {
  return {
    requestId: requestIdOf(request),
    principal: principalOf(request),
    context: requestContext(request),
    visibleStores: visibleStores(request),
    recordStore: (storeId, refused) => {
      accessOf(request)[refused ? 'attemptedStoreId' : 'storeId'] = storeId;
    },
  };
}

/** The caller of this request (after the access guard ran, so its principal is known). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => callerOf(context.switchToHttp().getRequest<Request>()));
