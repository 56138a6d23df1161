import { HttpException, HttpStatus } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { httpErrorName } from './retry-after';

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

/** Turns a downstream gRPC failure into the HTTP answer a client can act on. */
export function httpErrorFromGrpc(error: unknown, service: string): HttpException {
  if (error instanceof HttpException) return error;
  const code = (error as grpc.ServiceError).code;
  const status = HTTP_FOR_GRPC[code as grpc.status] ?? HttpStatus.BAD_GATEWAY;
  const details = (error as grpc.ServiceError).details ?? (error as Error).message;
  const message = status === HttpStatus.SERVICE_UNAVAILABLE ? `the ${service} service is unavailable; try again shortly` : details;
  return new HttpException({ statusCode: status, error: httpErrorName(status), message }, status);
}
