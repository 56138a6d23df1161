import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** An HTTP error that tells the client when to try again (429, 503), as a Retry-After header. */
export class RetryAfterException extends HttpException {
  constructor(
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: status, error: httpErrorName(status), message, retryAfterSeconds }, status);
  }
}

@Catch(RetryAfterException)
export class RetryAfterFilter implements ExceptionFilter {
  catch(exception: RetryAfterException, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    response.status(exception.getStatus()).json(exception.getResponse());
  }
}

/** "Service Unavailable" for 503, as Nest names its built-in errors. */
export function httpErrorName(status: number): string {
  return (HttpStatus[status] ?? 'ERROR')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
