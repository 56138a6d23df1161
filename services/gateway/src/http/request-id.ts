import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const HEADER = 'x-request-id';
const VALID = /^[A-Za-z0-9._-]{1,128}$/;

/** Gives every request an id (the caller's, if well-formed), echoed back and passed downstream. */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction) {
  const incoming = request.header(HEADER);
  const id = incoming && VALID.test(incoming) ? incoming : randomUUID();
  (request as Request & { requestId: string }).requestId = id;
  response.setHeader(HEADER, id);
  next();
}

export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { requestId?: string }).requestId;
}
