import { ValidationPipe } from '@nestjs/common';

/**
 * The gateway's one validation pipe (global in configureGatewayApp, and in the controller
 * specs): unknown fields are refused, values converted to the DTO's types, and every
 * failing field reported (a 400 whose messages name the fields).
 */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false });
}
