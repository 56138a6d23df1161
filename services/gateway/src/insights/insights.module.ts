import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CircuitBreakers } from '../resilience/circuit-breakers';
import { INSIGHTS_CLIENTS, type InsightsClients } from './insights.clients';
import { InsightsController } from './insights.controller';
import { InsightsGatewayService } from './insights.service';

export const INSIGHTS_CONTROLLERS: Type<unknown>[] = [InsightsController];

/** The gateway's insights routes (a feature module: its controller, service and clients). */
@Module({})
export class InsightsGatewayModule {
  static register(clients: InsightsClients, breakers: CircuitBreakers): DynamicModule {
    return {
      module: InsightsGatewayModule,
      controllers: INSIGHTS_CONTROLLERS,
      providers: [{ provide: INSIGHTS_CLIENTS, useValue: clients }, { provide: CircuitBreakers, useValue: breakers }, InsightsGatewayService],
    };
  }
}
