import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@tessera/common';
import { principalOf } from '../access/request-principal';
import { requestIdOf } from './request-id';

/**
 * One JSON line per API request with its request id (the same id travels to the services
 * in gRPC metadata, so their log lines join up), the caller's id and the outcome. Never
 * headers or bodies: they carry tokens, keys and transactions.
 */
export function accessLogMiddleware(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!request.path.startsWith('/api/') || request.path.startsWith('/api/docs')) return next();
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const principal = principalOf(request);
      logger.info(
        {
          requestId: requestIdOf(request),
          method: request.method,
          path: request.path,
          status: response.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
          ip: request.ip,
          caller: principal ? `${principal.kind === 'apiKey' ? 'api_key' : 'user'}:${principal.id}` : undefined,
        },
        'request',
      );
    });
    next();
  };
}
