import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { authorizeStore } from '../access/request-principal';

/** A multipart upload as the upload service sees it: the body stream and what it needs around it, not the Express request. */
export interface UploadSource {
  readonly body: Readable;
  readonly headers: IncomingHttpHeaders;
  readonly isMultipart: boolean;
  /** A storeId given in the query string (the form field, when present, is the one that counts). */
  readonly queryStoreId?: string;
  /** The `mode` query parameter as given (all-or-nothing by default; `partial` keeps committed batches). */
  readonly queryMode?: unknown;
  /** Throws 403 unless the caller may reach the store, and records it as the request's store (for the audit row). */
  authorizeStore(storeId: string): void;
}

export function uploadSourceOf(request: Request): UploadSource {
  return {
    body: request,
    headers: request.headers,
    isMultipart: Boolean(request.is('multipart/form-data')),
    queryStoreId: typeof request.query.storeId === 'string' ? request.query.storeId : undefined,
    queryMode: request.query.mode,
    authorizeStore: (storeId) => authorizeStore(request, storeId),
  };
}

/** The request's multipart upload. */
export const Upload = createParamDecorator((_data: unknown, context: ExecutionContext): UploadSource => uploadSourceOf(context.switchToHttp().getRequest<Request>()));
