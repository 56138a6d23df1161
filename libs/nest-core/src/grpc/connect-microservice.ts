import type { ExceptionFilter, INestApplication } from '@nestjs/common';
import type { CustomTransportStrategy, NestMicroservice } from '@nestjs/microservices';

/**
 * `app.connectMicroservice` with an exception filter of the transport's own. The filter must be
 * registered before the microservice's listeners are (Nest reads global filters when it wraps
 * each handler), so initialization is deferred and done here, once the filter is in place;
 * the app's init hooks still run only once (the HTTP app runs them).
 */
export function connectMicroserviceWithFilter(app: INestApplication, strategy: CustomTransportStrategy, filter: ExceptionFilter): NestMicroservice {
  const microservice = app.connectMicroservice({ strategy }, { inheritAppConfig: false, deferInitialization: true }) as unknown as NestMicroservice;
  microservice.useGlobalFilters(filter);
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  return microservice;
}
