import { Catch, type ArgumentsHost, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, EventPattern, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { Bus, BusMessage, SubscribeOptions, Subscription } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { connectMicroserviceWithFilter } from '../grpc/connect-microservice';

/** The transport id of `@OnBusBatch` handlers, so the gRPC server never sees them and this one sees nothing else. */
export const BUS_TRANSPORT = Symbol('tessera-bus');
const SUBSCRIPTION_EXTRA = 'tesseraBusSubscription';

/** Decides a handler's subscription from the service's config at boot (topics and groups are configurable). */
export type SubscriptionOf<C = any> = (config: C) => SubscribeOptions;

/**
 * Marks a method as a batch handler of the bus (libs/bus semantics, unchanged): it receives one
 * batch (`BusMessage[]`, one topic-partition, in offset order) and the batch's offsets are
 * committed only after the returned promise resolves, so do the database commit inside; a
 * throw commits nothing and the batch comes again after a backoff. Kafka heartbeats go on
 * while it runs. `name` only names the handler (logs, uniqueness).
 *
 *   @OnBusBatch('pos-events', (config: IngestionConfig) => ({ groupId: config.POS_CONSUMER_GROUP, topics: [config.POS_TOPIC] }))
 *   handle(batch: BusMessage[]) { return this.pos.consume(batch); }
 */
export function OnBusBatch<C = any>(name: string, subscription: SubscriptionOf<C>): MethodDecorator {
  return EventPattern(name, BUS_TRANSPORT, { [SUBSCRIPTION_EXTRA]: subscription });
}

/** The context argument a handler gets after the batch. */
export class BusContext extends BaseRpcContext<[batch: BusMessage[], subscription: SubscribeOptions]> {}

/** Lets the handler's own error reach the bus (which then does not commit and redelivers) instead of Nest's generic one. */
@Catch()
class RethrowFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * libs/bus as a Nest transport: subscribes every `@OnBusBatch` handler of the app when the
 * microservices start, and closes the subscriptions (each waits for its in-flight batch and
 * commits it if it succeeded) when the app closes, before the core closes the bus and the
 * database. Not Nest's Kafka transport: that one hands over single messages and commits on
 * its own schedule; ours commits a batch only after its handler's database commit.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  override transportId = BUS_TRANSPORT;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: Bus | undefined,
    private readonly config: unknown,
    private readonly log: Logger,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [name, handler] of this.getHandlers()) {
        const subscriptionOf = handler.extras?.[SUBSCRIPTION_EXTRA] as SubscriptionOf | undefined;
        if (!subscriptionOf) continue;
        if (handler.next) throw new Error(`two bus handlers are named "${name}": give each its own name`);
        if (!this.bus) throw new Error(`bus handler "${name}" needs the bus: pass useBus: true to CoreModule.forService`);
        const options = subscriptionOf(this.config);
        this.subscriptions.push(await this.bus.subscribe(options, (batch) => this.deliver(handler, batch, options)));
        this.log.debug({ handler: name, groupId: options.groupId, topics: options.topics }, 'bus handler subscribed');
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async deliver(handler: MessageHandler, batch: BusMessage[], options: SubscribeOptions): Promise<void> {
    const result = await handler(batch, new BusContext([batch, options]));
    // A failed handler comes back as an erroring observable (Nest's exception zone): await it so the bus sees the throw.
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  async close(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
  }

  on(): never {
    throw new Error('the bus transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

/** Connects the bus transport to the app (done by `bootNestService` for every service). */
export function connectBusTransport(app: INestApplication, bus: Bus | undefined, config: unknown, log: Logger): BusTransport {
  const strategy = new BusTransport(bus, config, log);
  connectMicroserviceWithFilter(app, strategy, new RethrowFilter());
  return strategy;
}
