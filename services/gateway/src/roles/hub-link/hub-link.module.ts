import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { loadNodeTls, type Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import { nodeStoreIdsOf, type GatewayStoreNodeConfig } from '../../gateway.config';
import { PrincipalService } from '../../access/principal.service';
import { VERIFY_KEYS } from '../../access/verify-keys';
import { HUB_LINK, HubLink } from './hub-link';
import { HubKeys } from './hub-keys';
import { NODE_STORE_IDS, NodePrincipalService } from './node-principal.service';
import { HubConsortiumInsightsController, HubGlobalPatternsController, NodeAuthController } from './node-front-door.controllers';
import { NodeStoresController } from './node-stores.controller';

/**
 * A store-node gateway's link to the hub (HUB_URL, outbound only): the verify keys the hub
 * publishes, principals from the hub with an outage fallback, and the stores this node
 * serves (NODE_STORE_IDS). Global: the access guard and JWT strategy use them.
 */
@Global()
@Module({
  providers: [
    { provide: HUB_LINK, inject: [SERVICE_CONFIG], useFactory: (config: GatewayStoreNodeConfig) => new HubLink(config.HUB_URL, loadNodeTls('gateway', config, nodeStoreIdsOf(config)[0]), config.HUB_TIMEOUT_MS) },
    { provide: NODE_STORE_IDS, inject: [SERVICE_CONFIG], useFactory: (config: GatewayStoreNodeConfig) => nodeStoreIdsOf(config) },
    {
      provide: VERIFY_KEYS,
      inject: [HUB_LINK, SERVICE_CONFIG, LOGGER],
      useFactory: (hub: HubLink, config: GatewayStoreNodeConfig, logger: Logger) => new HubKeys(hub, { cacheFile: config.HUB_KEYS_CACHE_FILE, refreshMs: config.HUB_KEYS_REFRESH_SECONDS * 1000 }, logger),
    },
    { provide: PrincipalService, useClass: NodePrincipalService },
  ],
  exports: [HUB_LINK, NODE_STORE_IDS, VERIFY_KEYS, PrincipalService],
})
export class HubLinkModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(VERIFY_KEYS) private readonly keys: HubKeys,
    @Inject(HUB_LINK) private readonly hub: HubLink,
  ) {}

  async onModuleInit() {
    await this.keys.start();
  }

  onApplicationShutdown() {
    this.keys.stop();
    this.hub.close();
  }
}

/** The store node's front door to the hub: sign-in relayed, the read-only global results its users need, and its stores (counts from the node, names from the hub). */
@Module({
  controllers: [NodeAuthController, NodeStoresController, HubGlobalPatternsController, HubConsortiumInsightsController],
})
export class NodeFrontDoorModule {}
