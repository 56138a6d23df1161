import { HttpException, HttpStatus } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { RetryAfterException, httpErrorName } from './retry-after';

const HTTP_FOR_GRPC: Partial<Record<grpc.status, HttpStatus>> = {
  [grpc.status.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [grpc.status.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [grpc.status.ALREADY_EXISTS]: HttpStatus.CONFLICT,
  [grpc.status.PERMISSION_DENIED]: HttpStatus.FORBIDDEN,
  [grpc.status.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [grpc.status.RESOURCE_EXHAUSTED]: HttpStatus.PAYLOAD_TOO_LARGE,
  [grpc.status.FAILED_PRECONDITION]: HttpStatus.CONFLICT,
  [grpc.status.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [grpc.status.DEADLINE_EXCEEDED]: HttpStatus.GATEWAY_TIMEOUT,
};

/** Metadata key of the seconds to wait, which the auth service sets on a lockout. */
export const RETRY_AFTER_METADATA = 'retry-after';

/**
 * Turns a downstream gRPC failure into the HTTP answer a client can act on. RESOURCE_EXHAUSTED
 * is a lockout (429 with Retry-After) when it says how long to wait, as the auth service's
 * does; otherwise something too large (413, an upload).
 */
export function httpErrorFromGrpc(error: unknown, service: string): HttpException {
  if (error instanceof HttpException) return error;
  const serviceError = error as Partial<grpc.ServiceError>;
  const details = serviceError.details ?? (error as Error).message;
  if (serviceError.code === grpc.status.RESOURCE_EXHAUSTED) {
    const retryAfter = serviceError.metadata?.get(RETRY_AFTER_METADATA)[0];
    if (retryAfter !== undefined || service === 'auth') return new RetryAfterException(HttpStatus.TOO_MANY_REQUESTS, details, Number(retryAfter ?? 1));
  }
  const status = HTTP_FOR_GRPC[serviceError.code as grpc.status] ?? HttpStatus.BAD_GATEWAY;
  const message = status === HttpStatus.SERVICE_UNAVAILABLE ? `the ${service} service is unavailable; try again shortly` : details;
  return new HttpException({ statusCode: status, error: httpErrorName(status), message }, status);
}
