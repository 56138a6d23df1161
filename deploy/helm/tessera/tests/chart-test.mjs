#!/usr/bin/env node
// Unit tests for the tessera Helm chart (the helm-unittest plugin cannot be downloaded
// here, so these are plain node:test tests over `helm template` output).
//
//   node --test deploy/helm/tessera/tests/chart-test.mjs
//
// The helm binary comes from $HELM, else from scripts/helm-tools.sh. YAML is parsed with
// the `yaml` package (repo node_modules, else the helm-tools cache) or `js-yaml`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HUB, SENSITIVE, SERVICES, STORE, USES_BUS, USES_DATABASE, allScenarios, chartDir, ciDir, component, crossReleaseProblems, deploymentsBy, dialProblems, envOf, grpcUrls,
  mustRender, ofKind, parseAll, render, scenarioValues, scenarios, tools, valueOf, wiringProblems,
} from './helpers.mjs';

// ---------------------------------------------------------------- tests
describe('roles', () => {
  test('every ci scenario renders', () => {
    assert.ok(scenarios.length >= 6, `expected at least 6 ci scenarios, found ${scenarios.length}`);
    for (const s of allScenarios) mustRender({ values: s.values });
  });

  test('default values render all eight services', () => {
    const docs = mustRender();
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), Object.keys(SERVICES).sort());
    assert.deepEqual(ofKind(docs, 'Service').map(component).sort(), Object.keys(SERVICES).sort());
  });

  test('hub values render gateway, auth, federation, insights, scheduler and no store-node service', () => {
    const docs = mustRender({ values: ['hub-values.yaml'] });
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), HUB);
    assert.deepEqual(ofKind(docs, 'Service').map(component).sort(), HUB);
    assert.ok(!docs.some((d) => /ingestion|mining|privacy/.test(d.metadata.name)));
  });

  test('store-node values render the store\'s gateway, ingestion, mining, privacy and the store\'s own insights and scheduler only', () => {
    const docs = mustRender({ values: ['store-node-values.yaml'] });
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), STORE);
    assert.deepEqual(ofKind(docs, 'Service').map(component).sort(), STORE);
  });

  test('a service can be disabled within its role', () => {
    const docs = mustRender({ values: ['hub-values.yaml'], set: ['services.insights.enabled=false'] });
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), HUB.filter((s) => s !== 'insights'));
  });
});

describe('service-to-service addresses', () => {
  test('gateway, role=all: every downstream service of the release', () => {
    const { gateway } = deploymentsBy(mustRender({ values: ['all-values.yaml'] }));
    assert.deepEqual(grpcUrls(gateway), {
      AUTH_GRPC_URL: 'rel-tessera-auth:50051',
      FEDERATION_GRPC_URL: 'rel-tessera-federation:50054',
      SCHEDULER_GRPC_URL: 'rel-tessera-scheduler:50057',
      INGESTION_GRPC_URL: 'rel-tessera-ingestion:50052',
      MINING_GRPC_URL: 'rel-tessera-mining:50053',
      PRIVACY_GRPC_URL: 'rel-tessera-privacy:50055',
      INSIGHTS_GRPC_URL: 'rel-tessera-insights:50056',
      INSIGHTS_HUB_GRPC_URL: 'rel-tessera-insights:50056',
    });
  });

  test('gateway, role=hub: only hub services (the hub\'s insights as INSIGHTS_HUB_GRPC_URL), never a store node\'s; its node front on node-api', () => {
    const { gateway } = deploymentsBy(mustRender({ values: ['hub-values.yaml'] }));
    assert.deepEqual(grpcUrls(gateway), {
      AUTH_GRPC_URL: 'rel-tessera-auth:50051',
      FEDERATION_GRPC_URL: 'rel-tessera-federation:50054',
      SCHEDULER_GRPC_URL: 'rel-tessera-scheduler:50057',
      INSIGHTS_HUB_GRPC_URL: 'rel-tessera-insights:50056',
    });
    for (const k of ['INGESTION_GRPC_URL', 'MINING_GRPC_URL', 'PRIVACY_GRPC_URL', 'INSIGHTS_GRPC_URL', 'HUB_URL', 'NODE_STORE_IDS', 'HUB_KEYS_CACHE_FILE']) assert.equal(envOf(gateway)[k], undefined, `the hub's gateway has no ${k}`);
    assert.equal(valueOf(gateway, 'GATEWAY_ROLE'), 'hub');
    assert.equal(valueOf(gateway, 'NODE_API_PORT'), '8443');
    assert.ok(envOf(gateway).JWT_VERIFY_KEYS.valueFrom.secretKeyRef);
    const bare = deploymentsBy(mustRender({ set: ['role=hub', 'secrets.existingSecret=s', 'mtls.mode=plaintext'] }));
    assert.deepEqual(grpcUrls(bare.scheduler), { AUTH_GRPC_URL: 'rel-tessera-auth:50051', FEDERATION_GRPC_URL: 'rel-tessera-federation:50054' }, 'the hub\'s scheduler never dials a store node');
  });

  test('gateway, role=store-node: the store\'s front door dials its own services (its scheduler too) and the hub\'s node front (HUB_URL), with its stores and the hub-keys cache on a volume', () => {
    const { gateway } = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    assert.deepEqual(grpcUrls(gateway), {
      INGESTION_GRPC_URL: 'rel-tessera-ingestion:50052',
      MINING_GRPC_URL: 'rel-tessera-mining:50053',
      PRIVACY_GRPC_URL: 'rel-tessera-privacy:50055',
      INSIGHTS_GRPC_URL: 'rel-tessera-insights:50056',
      SCHEDULER_GRPC_URL: 'rel-tessera-scheduler:50057',
    });
    assert.equal(valueOf(gateway, 'GATEWAY_ROLE'), 'store-node');
    assert.equal(valueOf(gateway, 'HUB_URL'), 'https://tessera-hub-gateway.tessera-hub.svc.cluster.local:8443');
    assert.equal(valueOf(gateway, 'NODE_STORE_IDS'), 'store-0042');
    assert.equal(valueOf(gateway, 'NODE_API_PORT'), undefined, 'a store node serves no node front (its role does not even read NODE_API_PORT)');
    assert.equal(envOf(gateway).JWT_VERIFY_KEYS, undefined, 'verify keys come from the hub (GET /api/auth/keys), cached');
    assert.equal(valueOf(gateway, 'HUB_KEYS_CACHE_FILE'), '/var/lib/tessera/hub-keys/hub-keys.json');
    const pod = gateway.spec.template.spec;
    assert.deepEqual(pod.containers[0].volumeMounts.find((m) => m.name === 'hub-keys'), { name: 'hub-keys', mountPath: '/var/lib/tessera/hub-keys' });
    assert.ok(pod.volumes.find((v) => v.name === 'hub-keys').emptyDir);
    assert.deepEqual(pod.containers[0].ports.map((p) => p.name), ['http']);
    const claimed = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.gateway.hubKeysCache.existingClaim=hub-keys'] })).gateway;
    assert.deepEqual(claimed.spec.template.spec.volumes.find((v) => v.name === 'hub-keys').persistentVolumeClaim, { claimName: 'hub-keys' });
    const all = deploymentsBy(mustRender({ values: ['all-values.yaml'] })).gateway;
    assert.equal(valueOf(all, 'GATEWAY_ROLE'), 'all');
    assert.equal(all.spec.template.spec.volumes.find((v) => v.name === 'hub-keys'), undefined);
  });

  test('who dials whom: no hub service gets a store-node address; a store node\'s scheduler dials its own mining; nobody else dials', () => {
    const expected = {
      all: { scheduler: ['AUTH', 'FEDERATION', 'MINING'], insights: ['INGESTION', 'MINING', 'FEDERATION'], mining: ['INGESTION'], privacy: ['MINING'] },
      hub: { scheduler: ['AUTH', 'FEDERATION'], insights: ['FEDERATION'] },
      'store-node': { scheduler: ['MINING'], insights: ['INGESTION', 'MINING'], mining: ['INGESTION'], privacy: ['MINING'] },
    };
    // FEDERATION_HUB_URL, the hub federation's node port: privacy's stream and a store node's insights (published patterns).
    const nodePort = { all: ['privacy'], hub: [], 'store-node': ['insights', 'privacy'] };
    for (const [role, values] of [['all', []], ['hub', ['hub-values.yaml']], ['store-node', ['store-node-values.yaml']]]) {
      const ds = deploymentsBy(mustRender({ values, set: values.length ? [] : ['secrets.existingSecret=s'] }));
      assert.equal(Boolean(ds.gateway), true, `${role}: a gateway on every side`);
      for (const [name, d] of Object.entries(ds)) {
        if (name === 'gateway') continue;
        assert.deepEqual(Object.keys(grpcUrls(d)).sort(), (expected[role][name] ?? []).map((t) => `${t}_GRPC_URL`).sort(), `${role}: ${name}`);
        assert.equal(valueOf(d, 'HUB_URL'), undefined, `only the store node's gateway dials the hub's node front, not ${name}`);
      }
      assert.deepEqual(Object.keys(ds).filter((name) => valueOf(ds[name], 'FEDERATION_HUB_URL') !== undefined).sort(), nodePort[role], `${role}: who dials federation's node port`);
    }
  });

  test('hub scheduler: SCHEDULER_ROLE=hub, dials auth and federation only (no MINING_GRPC_URL), no CUSTOMER_HASH_KEY, no store work; queue schema, run and hub retention settings; several replicas roll', () => {
    const ds = deploymentsBy(mustRender({ values: ['hub-values.yaml'] }));
    const s = ds.scheduler;
    assert.equal(valueOf(s, 'SCHEDULER_ROLE'), 'hub');
    assert.deepEqual(grpcUrls(s), {
      AUTH_GRPC_URL: 'rel-tessera-auth:50051',
      FEDERATION_GRPC_URL: 'rel-tessera-federation:50054',
    });
    for (const k of ['MINING_GRPC_URL', 'CUSTOMER_HASH_KEY', 'NODE_STORE_IDS', 'ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS', 'DEMO_SCHEDULES']) {
      assert.equal(envOf(s)[k], undefined, `the hub's scheduler has no ${k}`);
    }
    assert.equal(valueOf(s, 'BOSS_SCHEMA'), 'scheduler_boss');
    assert.deepEqual(
      ['TICK_SECONDS', 'RUN_EXPIRE_SECONDS', 'RUN_RETRY_LIMIT', 'RUN_RETRY_DELAY_SECONDS', 'MAINTENANCE_SECONDS', 'POLLING_SECONDS'].map((k) => valueOf(s, k)),
      ['5', '900', '2', '30', '60', '2'],
    );
    assert.deepEqual(['RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS'].map((k) => valueOf(s, k)), ['400', '30']);
    assert.equal(s.spec.replicas, 2, 'replicaCount applies');
    assert.equal(s.spec.strategy.type, 'RollingUpdate');
    assert.equal(s.metadata.labels['tessera.io/side'], 'both');
    // Even given a customer hash key (a chart-created Secret holding one), the hub's scheduler does not read it.
    const keyed = deploymentsBy(mustRender({ values: ['hub-values.yaml'], set: ['secrets.customerHashKey=ci-only-customer-hash-key-0123456789abcdef'] })).scheduler;
    assert.equal(envOf(keyed).CUSTOMER_HASH_KEY, undefined, 'customer ids and their hashes never reach the hub');
    const tuned = deploymentsBy(
      mustRender({
        values: ['hub-values.yaml'],
        set: ['config.database.schemaPrefix=c1_', 'services.scheduler.retention.auditDays=1000', 'services.scheduler.tickSeconds=9'],
      }),
    ).scheduler;
    assert.equal(valueOf(tuned, 'BOSS_SCHEMA'), 'c1_scheduler_boss', 'the queue schema follows the prefix');
    assert.equal(valueOf(tuned, 'DATABASE_SCHEMA'), 'c1_scheduler');
    assert.equal(valueOf(tuned, 'RETENTION_AUDIT_DAYS'), '1000');
    assert.equal(valueOf(tuned, 'TICK_SECONDS'), '9');
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-values.yaml'], set: ['services.scheduler.bossSchema=queue'] })).scheduler, 'BOSS_SCHEMA'), 'queue');
  });

  test('config.kafka.namespace: every service on the bus gets BUS_NAMESPACE (a store node sharing a Kafka cluster), the gateway none; unset, nobody', () => {
    const ds = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['config.kafka.namespace=store-0042'] }));
    const onBus = Object.entries(ds).filter(([, d]) => valueOf(d, 'KAFKA_BROKERS') !== undefined);
    assert.ok(onBus.length >= 4, `services on the bus: ${onBus.map(([name]) => name)}`);
    for (const [name, d] of onBus) assert.equal(valueOf(d, 'BUS_NAMESPACE'), 'store-0042', name);
    assert.equal(valueOf(ds.gateway, 'BUS_NAMESPACE'), undefined, 'the gateway is not on the bus');
    for (const [name, d] of Object.entries(deploymentsBy(mustRender({ values: ['store-node-values.yaml'] })))) assert.equal(valueOf(d, 'BUS_NAMESPACE'), undefined, name);
  });

  test('store-node scheduler: SCHEDULER_ROLE=store-node, the stores the gateway serves, the release\'s mining, the store\'s customer hash key (optional), its own schemas and the node\'s Kafka', () => {
    const ds = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    const s = ds.scheduler;
    assert.ok(s, 'a store-node release runs the scheduler');
    assert.equal(valueOf(s, 'SCHEDULER_ROLE'), 'store-node');
    assert.deepEqual(grpcUrls(s), { MINING_GRPC_URL: 'rel-tessera-mining:50053' }, 'the release\'s own mining, nothing of the hub');
    assert.equal(valueOf(s, 'NODE_STORE_IDS'), 'store-0042');
    assert.equal(valueOf(s, 'NODE_STORE_IDS'), valueOf(ds.gateway, 'NODE_STORE_IDS'), 'exactly the stores the gateway serves');
    assert.deepEqual(envOf(s).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, { ...envOf(ds.ingestion).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, optional: true }, 'ingestion\'s key, from the same Secret, optional');
    assert.equal(envOf(s).CUSTOMER_HASH_KEY.value, undefined);
    assert.equal(valueOf(s, 'KAFKA_BROKERS'), valueOf(ds.ingestion, 'KAFKA_BROKERS'), 'the node\'s Kafka');
    assert.deepEqual(
      ['ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS'].map((k) => valueOf(s, k)),
      ['30', 'ingestion,mining', '730', '90'],
    );
    for (const k of ['AUTH_GRPC_URL', 'FEDERATION_GRPC_URL', 'FEDERATION_HUB_URL', 'HUB_URL', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS', 'NODE_TLS_MODE']) {
      assert.equal(envOf(s)[k], undefined, `the store node's scheduler has no ${k}`);
    }
    assert.equal(valueOf(ds.gateway, 'SCHEDULER_GRPC_URL'), 'rel-tessera-scheduler:50057', 'the store\'s gateway reaches its scheduler');
    // Production: the schema prefix, the node's Kafka, the store's own Secret.
    const prod = deploymentsBy(mustRender({ values: ['store-node-production-values.yaml'] }));
    assert.deepEqual(['DATABASE_SCHEMA', 'BOSS_SCHEMA', 'KAFKA_BROKERS'].map((k) => valueOf(prod.scheduler, k)), ['store_0042_scheduler', 'store_0042_scheduler_boss', 'kafka.store-data.svc:9092']);
    assert.deepEqual(envOf(prod.scheduler).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, { name: 'tessera-store', key: 'CUSTOMER_HASH_KEY', optional: true });
    // Several stores, as a list or a string: the same list as the gateway's.
    for (const set of [['services.privacy.federation.storeIds={store-1,store-2}'], ['services.privacy.federation.storeIds=store-1\\, store-2']]) {
      const several = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set }));
      assert.equal(valueOf(several.scheduler, 'NODE_STORE_IDS'), 'store-1,store-2');
      assert.equal(valueOf(several.scheduler, 'NODE_STORE_IDS'), valueOf(several.gateway, 'NODE_STORE_IDS'));
    }
    const keyed = deploymentsBy(mustRender({ values: ['external-secret-values.yaml'] })).scheduler;
    assert.deepEqual(envOf(keyed).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'customer-hash-key', optional: true }, 'the key name follows secrets.keys.customerHashKey');
    const tuned = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.scheduler.erasure.services={ingestion,mining,insights}', 'services.scheduler.retention.rawTransactionsDays=365', 'services.mining.ports.grpc=50099'] }));
    assert.equal(valueOf(tuned.scheduler, 'ERASURE_SERVICES'), 'ingestion,mining,insights');
    assert.equal(valueOf(tuned.scheduler, 'RETENTION_RAW_TRANSACTIONS_DAYS'), '365');
    assert.equal(valueOf(tuned.scheduler, 'MINING_GRPC_URL'), 'rel-tessera-mining:50099', 'the mining port declared once');
    assert.equal(envOf(deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.mining.enabled=false'] })).scheduler).MINING_GRPC_URL, undefined, 'no mining in the release: no address is invented');
  });

  test('role=all: one scheduler does both (SCHEDULER_ROLE=all): the release\'s auth, federation and mining, hub and store retention, erasure', () => {
    const { scheduler: s } = deploymentsBy(mustRender({ values: ['all-values.yaml'] }));
    assert.equal(valueOf(s, 'SCHEDULER_ROLE'), 'all');
    assert.deepEqual(grpcUrls(s), { AUTH_GRPC_URL: 'rel-tessera-auth:50051', FEDERATION_GRPC_URL: 'rel-tessera-federation:50054', MINING_GRPC_URL: 'rel-tessera-mining:50053' });
    for (const k of ['ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS']) assert.ok(valueOf(s, k), k);
    assert.equal(envOf(s).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef.optional, true);
    assert.equal(envOf(s).NODE_STORE_IDS, undefined, 'the all-in-one scheduler serves every store (SCHEDULER_ROLE=all reads no NODE_STORE_IDS)');
  });

  test('insights on both sides: the hub\'s reads federation\'s coordinator API in its release, the store\'s reads its ingestion and mining and the hub federation\'s node port (mTLS), never the coordinator API', () => {
    const hub = deploymentsBy(mustRender({ values: ['hub-values.yaml'] })).insights;
    assert.equal(valueOf(hub, 'INSIGHTS_ROLE'), 'hub');
    assert.deepEqual(grpcUrls(hub), { FEDERATION_GRPC_URL: 'rel-tessera-federation:50054' });
    assert.equal(valueOf(hub, 'FEDERATION_HUB_URL'), undefined, 'the hub role never reads the node port');
    const ds = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    const store = ds.insights;
    assert.equal(valueOf(store, 'INSIGHTS_ROLE'), 'store-node');
    assert.deepEqual(grpcUrls(store), {
      INGESTION_GRPC_URL: 'rel-tessera-ingestion:50052',
      MINING_GRPC_URL: 'rel-tessera-mining:50053',
    });
    // These values also give hub.federationApiAddress (privacy's auto-enrolment): insights must not take it.
    assert.equal(valueOf(store, 'FEDERATION_GRPC_URL'), undefined, 'a store node never dials the hub-internal coordinator API (unset: with FEDERATION_HUB_URL the store-node role does not read it)');
    assert.equal(valueOf(store, 'FEDERATION_HUB_URL'), 'tessera-hub-federation.tessera-hub.svc.cluster.local:50058');
    assert.equal(valueOf(store, 'FEDERATION_HUB_URL'), valueOf(ds.privacy, 'FEDERATION_HUB_URL'), 'the node port privacy dials');
    const coordinatorApi = scenarioValues('store-node-values.yaml').hub.federationApiAddress;
    for (const e of Object.values(envOf(store))) assert.notEqual(e.value, coordinatorApi, `${e.name} points at the hub's coordinator API`);
    const noHub = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['hub.federationAddress=', 'services.privacy.enabled=false'] })).insights;
    assert.equal(valueOf(noHub, 'FEDERATION_HUB_URL'), undefined, 'no hub address is invented');
    assert.equal(valueOf(noHub, 'FEDERATION_GRPC_URL'), undefined, 'not even the coordinator API');
    assert.equal(store.metadata.labels['tessera.io/side'], 'both');
    const tuned = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.insights.topItems=50', 'services.insights.serviceLevel=99', 'services.insights.leadTimeDays=3'] })).insights;
    assert.deepEqual(['INSIGHTS_TOP_ITEMS', 'INSIGHTS_SERVICE_LEVEL', 'INSIGHTS_LEAD_TIME_DAYS', 'INSIGHTS_REFRESH_DEBOUNCE_MS'].map((k) => valueOf(tuned, k)), ['50', '99', '3', '2000']);
  });

  test('retention switches on auth and federation; mining caps and gateway limits of issue 11 reach the containers', () => {
    const ds = deploymentsBy(mustRender({ values: ['all-values.yaml'] }));
    assert.deepEqual(['RETENTION_SWEEPS_ENABLED', 'AUDIT_RETENTION_MIN_DAYS'].map((k) => valueOf(ds.auth, k)), ['true', '90']);
    assert.equal(valueOf(ds.federation, 'RETENTION_SWEEPS_ENABLED'), 'true');
    assert.deepEqual(
      ['MINING_MAX_ITEMSETS', 'MINING_MAX_ITEMSET_ITEMS', 'MINING_MEMORY_BUDGET_MB', 'MINING_WORKER_MAX_OLD_GENERATION_MB', 'MINING_THREAD_NICENESS'].map((k) => valueOf(ds.mining, k)),
      ['200000', '2000000', '1024', '1024', '10'],
    );
    assert.deepEqual(['JSON_MAX_DEPTH', 'JWT_MAX_LIFETIME_SECONDS'].map((k) => valueOf(ds.gateway, k)), ['32', '3600']);
    const tuned = deploymentsBy(
      mustRender({
        values: ['all-values.yaml'],
        set: ['services.auth.retention.sweepsEnabled=false', 'services.auth.retention.auditMinDays=365', 'services.mining.limits.memoryBudgetMb=512', 'services.mining.limits.threadNiceness=0', 'services.gateway.jsonMaxDepth=8', 'services.gateway.jwtMaxLifetimeSeconds=900'],
      }),
    );
    assert.deepEqual(['RETENTION_SWEEPS_ENABLED', 'AUDIT_RETENTION_MIN_DAYS'].map((k) => valueOf(tuned.auth, k)), ['false', '365']);
    assert.deepEqual(['MINING_MEMORY_BUDGET_MB', 'MINING_THREAD_NICENESS'].map((k) => valueOf(tuned.mining, k)), ['512', '0']);
    assert.deepEqual(['JSON_MAX_DEPTH', 'JWT_MAX_LIFETIME_SECONDS'].map((k) => valueOf(tuned.gateway, k)), ['8', '900']);
  });

  test('store node: privacy dials the hub with its store ids; mining reads from ingestion, privacy from mining', () => {
    const ds = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    assert.equal(valueOf(ds.privacy, 'FEDERATION_HUB_URL'), 'tessera-hub-federation.tessera-hub.svc.cluster.local:50058');
    assert.equal(valueOf(ds.privacy, 'FEDERATION_STORE_IDS'), 'store-0042');
    assert.equal(valueOf(ds.privacy, 'FEDERATION_AUTO_ENROL_URL'), 'tessera-hub-federation.tessera-hub.svc.cluster.local:50054', 'auto-enrolment dials the coordinator API');
    assert.deepEqual(grpcUrls(ds.privacy), { MINING_GRPC_URL: 'rel-tessera-mining:50053' });
    assert.deepEqual(grpcUrls(ds.mining), { INGESTION_GRPC_URL: 'rel-tessera-ingestion:50052' });
    assert.deepEqual(grpcUrls(ds.ingestion), {});
    const several = deploymentsBy(mustRender({ values: ['external-secret-values.yaml'] }));
    assert.equal(valueOf(several.privacy, 'FEDERATION_STORE_IDS'), 'store-0001,store-0002');
    const asString = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.privacy.federation.storeIds=store-1\\, store-2'] }));
    assert.equal(valueOf(asString.privacy, 'FEDERATION_STORE_IDS'), 'store-1,store-2', 'a comma-separated string works too');
  });

  test('role=all: privacy dials the federation service of the release; auto-enrolment is off by default', () => {
    const { privacy } = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s'] }));
    assert.equal(valueOf(privacy, 'FEDERATION_HUB_URL'), 'rel-tessera-federation:50058', 'the node port, not the coordinator API');
    const { federation } = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s'] }));
    assert.equal(valueOf(federation, 'NODE_GRPC_PORT'), '50058');
    assert.equal(federation.spec.template.spec.containers[0].ports.find((p) => p.name === 'grpc-node').containerPort, 50058);
    const fedService = ofKind(mustRender({ set: ['secrets.existingSecret=s'] }), 'Service').find((x) => component(x) === 'federation');
    assert.deepEqual(fedService.spec.ports.map((p) => [p.name, p.port]), [['http', 8084], ['grpc', 50054], ['grpc-node', 50058]]);
    assert.equal(valueOf(privacy, 'FEDERATION_AUTO_ENROL_URL'), undefined);
    const enrolling = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s', 'services.privacy.federation.autoEnrol=true'] }));
    assert.equal(valueOf(enrolling.privacy, 'FEDERATION_AUTO_ENROL_URL'), 'rel-tessera-federation:50054');
    assert.equal(valueOf(privacy, 'FEDERATION_STORE_IDS'), undefined);
    const noFed = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s', 'services.federation.enabled=false'] }));
    assert.equal(valueOf(noFed.privacy, 'FEDERATION_HUB_URL'), undefined, 'empty disables federation');
  });
});

describe('ports: declared once, every dialled address reaches a declared port', () => {
  // Each port is declared once (services.<name>.ports). These checks read only the rendered
  // objects (helpers.mjs wiringProblems, dialProblems), so a port that drifts anywhere fails.
  const release = (values, name, namespace, set = []) => ({ namespace, prefix: name.includes('tessera') ? name : `${name}-tessera`, docs: mustRender({ values, release: name, namespace, set }) });
  const pairs = [
    { hub: [['hub-values.yaml'], 'tessera-hub', 'tessera-hub'], store: [['store-node-values.yaml'], 'tessera-store', 'tessera-store'], external: [] },
    // The production store node reaches the hub's node fronts through their ExternalDNS names, and nothing else of the hub.
    { hub: [['hub-production-values.yaml'], 'rel', 'tessera-hub'], store: [['store-node-production-values.yaml'], 'store-0042', 'store-0042'], external: [] },
  ];
  for (const { hub, store, external } of pairs) {
    test(`helm template ${hub[0][0]} + ${store[0][0]}: every address resolves to a declared port of the right name`, () => {
      const h = release(...hub);
      const st = release(...store);
      assert.deepEqual([...wiringProblems(h), ...wiringProblems(st)], []);
      const out = dialProblems([h, st]);
      assert.deepEqual(out.problems, []);
      assert.deepEqual(out.external.filter((e) => !/^(KAFKA_BROKERS|REDIS_URL|S3_ENDPOINT|OTEL_EXPORTER_OTLP_ENDPOINT)=/.test(e)), external);
      // Every link from the store node to the hub was resolved, at the port it must reach.
      const resolved = out.resolved.join('\n');
      assert.match(resolved, /^HUB_URL=https:\/\/\S+ -> Service [^ ]+-gateway(-node)? .*node-api$/m);
      assert.match(resolved, /^FEDERATION_HUB_URL=\S+ -> Service [^ ]+-federation(-node)? .*grpc-node$/m);
      // The store node's gateway reaches its own scheduler, and that scheduler its own mining, inside the release.
      assert.match(resolved, /^SCHEDULER_GRPC_URL=[^ ]+-scheduler:50057 -> Service [^ ]+-scheduler grpc$/m);
      const schedulerLinks = out.links.filter((l) => l.component === 'scheduler').map((l) => `${l.from} ${l.variable} -> ${l.to} ${l.port}${l.crossesReleases ? ' (crosses)' : ''}`).sort();
      assert.deepEqual(schedulerLinks, [
        `${h.namespace}/${h.prefix}-scheduler AUTH_GRPC_URL -> Service ${h.namespace}/${h.prefix}-auth grpc`,
        `${h.namespace}/${h.prefix}-scheduler FEDERATION_GRPC_URL -> Service ${h.namespace}/${h.prefix}-federation grpc`,
        `${st.namespace}/${st.prefix}-scheduler MINING_GRPC_URL -> Service ${st.namespace}/${st.prefix}-mining grpc`,
      ].sort());
      // Between the releases only the node-facing links cross, all from the store node: the hub never dials into a store.
      assert.deepEqual(crossReleaseProblems(out.links), []);
      assert.deepEqual(out.links.filter((l) => l.crossesReleases && l.toNamespace === st.namespace), [], 'nothing of the hub reaches the store node');
      const crossing = (c) => out.links.filter((l) => l.crossesReleases && l.component === c).map((l) => `${l.variable} ${l.port}`).sort();
      assert.deepEqual(crossing('insights'), ['FEDERATION_HUB_URL grpc-node'], 'the store\'s insights reach the hub at federation\'s node port only');
      assert.deepEqual(crossing('gateway'), ['HUB_URL node-api']);
      assert.ok(crossing('privacy').includes('FEDERATION_HUB_URL grpc-node'));
      assert.deepEqual(crossing('scheduler'), [], 'no scheduler crosses between the releases');
    });
  }

  test('every scenario, alone: Services, containerPorts, *_PORT variables, probes, NetworkPolicies, Ingresses and in-release addresses agree', () => {
    for (const s of allScenarios) {
      const r = { namespace: 'tessera', prefix: 'rel-tessera', docs: mustRender({ values: s.values }) };
      assert.deepEqual(wiringProblems(r), [], s.name);
      assert.deepEqual(dialProblems([r]).problems, [], s.name);
    }
  });

  test('a port changed in services.<name>.ports moves everywhere at once', () => {
    const moved = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', ['services.mining.ports.grpc=50099', 'services.gateway.ports.http=9090']);
    assert.deepEqual(wiringProblems(moved), []);
    const out = dialProblems([moved]);
    assert.deepEqual(out.problems, []);
    assert.ok(out.resolved.includes('MINING_GRPC_URL=tessera-store-mining:50099 -> Service tessera-store/tessera-store-mining grpc'), out.resolved.join('\n'));
    assert.equal(valueOf(deploymentsBy(moved.docs).gateway, 'HTTP_PORT'), '9090');
  });

  // The check must be able to fail: deliberately wrong ports are caught.
  test('negative: a store node dialling an undeclared port of the hub is caught', () => {
    const h = release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub');
    const st = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', ['hub.federationAddress=tessera-hub-federation.tessera-hub.svc.cluster.local:50059']);
    const { problems } = dialProblems([h, st]);
    assert.equal(problems.length, 2, problems.join('\n'));
    for (const who of ['privacy', 'insights']) {
      assert.ok(problems.some((p) => new RegExp(`tessera-store-${who} FEDERATION_HUB_URL=tessera-hub-federation\\.tessera-hub\\.svc\\.cluster\\.local:50059: Service tessera-hub/tessera-hub-federation declares no port 50059`).test(p)), `${who}: ${problems.join('\n')}`);
    }
  });

  test('negative: the drift of issue 10 (FEDERATION_HUB_URL at the coordinator API, HUB_URL at the REST port) is caught', () => {
    const h = release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub');
    const st = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', [
      'hub.federationAddress=tessera-hub-federation.tessera-hub.svc.cluster.local:50054',
      'hub.gatewayUrl=https://tessera-hub-gateway.tessera-hub.svc.cluster.local:8080',
    ]);
    const { problems } = dialProblems([h, st]);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((p) => /HUB_URL=.*port 8080 of Service tessera-hub\/tessera-hub-gateway is http, but HUB_URL must reach the node-api port/.test(p)), problems.join('\n'));
    for (const who of ['privacy', 'insights']) {
      assert.ok(problems.some((p) => new RegExp(`tessera-store-${who} FEDERATION_HUB_URL=.*port 50054 .* is grpc, but FEDERATION_HUB_URL must reach the grpc-node port`).test(p)), `${who}: ${problems.join('\n')}`);
    }
  });

  test('negative: a store node\'s insights dialling the hub\'s coordinator API (a declared port, but hub-internal) is caught', () => {
    const h = release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub');
    // The old wiring (chart 0.4.0): FEDERATION_GRPC_URL at the hub federation's grpc port.
    const st = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', ['services.insights.env[0].name=FEDERATION_GRPC_URL', 'services.insights.env[0].value=tessera-hub-federation.tessera-hub.svc.cluster.local:50054']);
    const out = dialProblems([h, st]);
    assert.deepEqual(out.problems, [], 'the port exists and is the grpc port FEDERATION_GRPC_URL names: the port check alone cannot see it');
    const problems = crossReleaseProblems(out.links);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^tessera-store\/tessera-store-insights FEDERATION_GRPC_URL=tessera-hub-federation\.tessera-hub\.svc\.cluster\.local:50054 reaches Service tessera-hub\/tessera-hub-federation grpc in another release/);
    assert.deepEqual(crossReleaseProblems(dialProblems([h, release(['store-node-values.yaml'], 'tessera-store', 'tessera-store')]).links), [], 'the chart\'s own wiring passes');
  });

  test('negative: the hub\'s scheduler dialling a store\'s mining (the wiring of chart 0.4.x, a declared port) is caught', () => {
    // The old services.scheduler.miningAddress, smuggled in through services.scheduler.env.
    const h = release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub', ['services.scheduler.env[0].name=MINING_GRPC_URL', 'services.scheduler.env[0].value=tessera-store-mining.tessera-store.svc.cluster.local:50053']);
    const st = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store');
    const out = dialProblems([h, st]);
    assert.deepEqual(out.problems, [], 'the port exists and is mining\'s grpc port: the port check alone cannot see it');
    const problems = crossReleaseProblems(out.links);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^tessera-hub\/tessera-hub-scheduler MINING_GRPC_URL=tessera-store-mining\.tessera-store\.svc\.cluster\.local:50053 reaches Service tessera-store\/tessera-store-mining grpc in another release: only gateway HUB_URL \(node-api\), privacy FEDERATION_HUB_URL \(grpc-node\), insights FEDERATION_HUB_URL \(grpc-node\), privacy FEDERATION_AUTO_ENROL_URL \(grpc\) may cross$/);
    // A store node's gateway pointed at the hub's scheduler (instead of its own) is caught too.
    const misrouted = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', ['services.gateway.env[0].name=SCHEDULER_GRPC_URL', 'services.gateway.env[0].value=tessera-hub-scheduler.tessera-hub.svc.cluster.local:50057']);
    const gatewayProblems = crossReleaseProblems(dialProblems([release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub'), misrouted]).links);
    assert.ok(gatewayProblems.some((p) => /^tessera-store\/tessera-store-gateway SCHEDULER_GRPC_URL=tessera-hub-scheduler\.tessera-hub\.svc\.cluster\.local:50057 reaches Service tessera-hub\/tessera-hub-scheduler grpc in another release/.test(p)), gatewayProblems.join('\n'));
  });

  test('negative: a name of the chart\'s that no release renders, and a Service whose port drifted from its pods, are caught', () => {
    const h = release(['hub-values.yaml'], 'tessera-hub', 'tessera-hub');
    const st = release(['store-node-values.yaml'], 'tessera-store', 'tessera-store', ['hub.federationAddress=tessera-hub-federation-old.tessera-hub.svc.cluster.local:50058']);
    assert.match(dialProblems([h, st]).problems.join('\n'), /no rendered Service is called tessera-hub-federation-old/);
    const tampered = structuredClone(st);
    const mining = ofKind(tampered.docs, 'Service').find((x) => component(x) === 'mining');
    mining.spec.ports.find((p) => p.name === 'grpc').port = 50099;
    assert.match(wiringProblems(tampered).join('\n'), /Service\/tessera-store-mining port grpc is 50099 but tessera-store\/Deployment\/tessera-store-mining listens on 50053/);
    assert.match(dialProblems([tampered]).problems.join('\n'), /MINING_GRPC_URL=tessera-store-mining:50053: Service tessera-store\/tessera-store-mining declares no port 50053/);
    const env = structuredClone(st);
    const fed = deploymentsBy(env.docs).privacy.spec.template.spec.containers[0];
    fed.env.find((e) => e.name === 'GRPC_PORT').value = '50056';
    assert.match(wiringProblems(env).join('\n'), /containerPort grpc is 50055 but GRPC_PORT=50056/);
  });

  test('validation: unknown, duplicate, missing or out-of-range ports, and the per-port keys of 0.3.0', () => {
    const fails = (set, pattern) => {
      const out = render({ set: ['secrets.existingSecret=s', ...set] });
      assert.equal(out.ok, false, set.join(' '));
      assert.match(out.stderr, pattern);
    };
    fails(['services.mining.ports.admin=9000'], /services\.mining\.ports\.admin: mining listens on no such port/);
    fails(['services.mining.ports.grpc=8083'], /services\.mining\.ports: (grpc and http|http and grpc) are both 8083/);
    fails(['services.mining.ports.grpc=70000'], /must be a port number 1-65535/);
    fails(['services.federation.ports.grpc-node=null'], /services\.federation\.ports\.grpc-node is required/);
    fails(['services.mining.grpcPort=50053'], /services\.mining\.grpcPort was removed in chart 0\.4\.0/);
    fails(['services.gateway.storeNodeAddresses.ingestion=x:1'], /storeNodeAddresses was removed in chart 0\.4\.0/);
    fails(['networkPolicy.hub.port=443'], /networkPolicy\.hub\.port was removed/);
    fails(['mtls.enabled=true'], /mtls\.enabled was replaced/);
    fails(['services.scheduler.miningAddress=m:50053'], /services\.scheduler\.miningAddress was removed in chart 0\.5\.0/);
    fails(['networkPolicy.hub.schedulerPeers[0].ipBlock.cidr=10.0.0.0/8'], /networkPolicy\.hub\.schedulerPeers was removed in chart 0\.5\.0/);
  });
});

describe('every Deployment, in every scenario', () => {
  const scenarioRole = (s) => (s.values.length ? scenarioValues(s.values[0]).role : undefined) ?? 'all';
  for (const s of allScenarios) {
    test(`${s.name}: probes, resources, non-root, image and command`, () => {
      const docs = mustRender({ values: s.values });
      const deployments = ofKind(docs, 'Deployment');
      assert.ok(deployments.length > 0);
      for (const d of deployments) {
        const name = component(d);
        const pod = d.spec.template.spec;
        const [c] = pod.containers;
        assert.equal(c.livenessProbe.httpGet.path, '/health/live', name);
        assert.equal(c.readinessProbe.httpGet.path, '/health/ready', name);
        assert.equal(c.livenessProbe.httpGet.port, 'http', name);
        assert.equal(c.readinessProbe.httpGet.port, 'http', name);
        assert.ok(c.resources?.requests?.cpu, `${name} cpu request`);
        assert.ok(c.resources?.requests?.memory, `${name} memory request`);
        assert.ok(c.resources?.limits?.memory, `${name} memory limit`);
        assert.equal(pod.securityContext.runAsNonRoot, true, name);
        assert.ok(pod.securityContext.runAsUser > 0, name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], name);
        assert.ok(pod.volumes.some((v) => v.name === 'tmp' && v.emptyDir), `${name} writable /tmp`);
        assert.deepEqual(c.command, ['node', 'apps/cli/bin/tessera.js', 'serve', name]);
        assert.match(c.image, /tessera[:@]/);
        assert.deepEqual(d.spec.selector.matchLabels, {
          'app.kubernetes.io/name': 'tessera',
          'app.kubernetes.io/instance': 'rel',
          'app.kubernetes.io/component': name,
        });
        for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
      }
    });

    test(`${s.name}: metrics are scraped (annotations or ServiceMonitor)`, () => {
      const docs = mustRender({ values: s.values });
      const monitors = ofKind(docs, 'ServiceMonitor');
      for (const d of ofKind(docs, 'Deployment')) {
        const a = d.spec.template.metadata.annotations ?? {};
        const annotated = a['prometheus.io/scrape'] === 'true' && a['prometheus.io/path'] === '/metrics' && Number(a['prometheus.io/port']) === SERVICES[component(d)].http;
        assert.ok(annotated || monitors.length >= 1, `${component(d)} is neither annotated nor covered by a ServiceMonitor`);
      }
    });

    test(`${s.name}: env, ports and secrets follow the service conventions`, () => {
      const docs = mustRender({ values: s.values });
      const services = Object.fromEntries(ofKind(docs, 'Service').filter((x) => !x.metadata.labels['tessera.io/node-front']).map((x) => [component(x), x]));
      for (const d of ofKind(docs, 'Deployment')) {
        const name = component(d);
        const spec = SERVICES[name];
        const env = envOf(d);
        const [c] = d.spec.template.spec.containers;
        assert.equal(c.env.length, Object.keys(env).length, `${name}: no variable is set twice`);
        assert.equal(env.HTTP_PORT.value, String(spec.http), name);
        assert.equal(c.ports.find((p) => p.name === 'http').containerPort, spec.http, name);
        assert.equal(services[name].spec.ports.find((p) => p.name === 'http').port, spec.http, name);
        for (const v of ['LOG_LEVEL', 'OTEL_EXPORTER']) assert.ok(env[v]?.value, `${name} ${v}`);
        for (const e of Object.values(env)) {
          if (SENSITIVE.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef?.name && e.value === undefined, `${name}: ${e.name} must come from a Secret`);
        }
        if (env.REDIS_URL?.value) assert.doesNotMatch(env.REDIS_URL.value, /:\/\/[^/@]*:[^/@]*@/, 'a Redis password only in a Secret');
        if (USES_BUS.has(name)) {
          assert.equal(env.BUS_DRIVER.value, 'kafka', name);
          assert.ok(env.KAFKA_BROKERS.value, name);
        } else {
          assert.equal(env.BUS_DRIVER, undefined, `${name} has no bus`);
          assert.equal(env.KAFKA_BROKERS, undefined, `${name} has no bus`);
        }
        if (USES_DATABASE.has(name)) {
          assert.ok(env.DATABASE_URL.valueFrom?.secretKeyRef?.name, `${name} DATABASE_URL from a Secret`);
          assert.ok(Number(env.DATABASE_POOL_SIZE.value) > 0);
        } else {
          assert.equal(env.DATABASE_URL, undefined, `${name} has no database`);
        }
        if (name === 'gateway') {
          assert.equal(env.GRPC_PORT, undefined);
          assert.equal(c.ports.some((p) => p.name === 'grpc'), false);
          const role = env.GATEWAY_ROLE.value;
          if (role === 'store-node') assert.equal(env.JWT_VERIFY_KEYS, undefined, 'a store node verifies with the keys it fetches from the hub');
          else assert.ok(env.JWT_VERIFY_KEYS.valueFrom.secretKeyRef, 'the hub gateway refuses to boot without JWT_VERIFY_KEYS');
          assert.equal(env.NODE_API_PORT?.value, role === 'hub' ? String(spec.nodeApi) : role === 'store-node' ? undefined : '0', 'the node front only on the hub');
          assert.equal(c.ports.some((p) => p.name === 'node-api'), role === 'hub');
          assert.equal(env.JWT_SIGNING_KEYS, undefined, 'the gateway never holds signing keys');
          assert.ok(env.REDIS_URL, 'redis rate limits need REDIS_URL');
        } else {
          assert.equal(env.GRPC_PORT.value, String(spec.grpc), name);
          assert.equal(c.ports.find((p) => p.name === 'grpc').containerPort, spec.grpc, name);
          assert.equal(services[name].spec.ports.find((p) => p.name === 'grpc').port, spec.grpc, name);
        }
        if (name === 'auth') {
          assert.ok(env.JWT_SIGNING_KEYS.valueFrom.secretKeyRef, 'auth signs with JWT_SIGNING_KEYS');
          assert.equal(env.JWT_VERIFY_KEYS, undefined);
        }
        if (name === 'scheduler') {
          const role = env.SCHEDULER_ROLE.value;
          assert.equal(role, scenarioRole(s), 'SCHEDULER_ROLE is the release\'s role');
          if (role === 'hub') assert.equal(env.CUSTOMER_HASH_KEY, undefined, 'the hub\'s scheduler never holds the customer hash key');
          else assert.equal(env.CUSTOMER_HASH_KEY.valueFrom?.secretKeyRef?.optional, true, 'the scheduler boots without the customer hash key');
          assert.equal(env.MINING_GRPC_URL === undefined, role === 'hub', 'MINING_GRPC_URL exactly off the hub');
          if (role === 'store-node') assert.ok(env.NODE_STORE_IDS.value, 'a store node\'s scheduler knows its stores');
        }
        if (name === 'ingestion') {
          assert.ok(env.CUSTOMER_HASH_KEY.valueFrom?.secretKeyRef?.name, 'CUSTOMER_HASH_KEY from a Secret');
          assert.ok(Number(env.MAX_UPLOAD_BYTES.value) > 0);
          assert.match(env.S3_ENDPOINT.value, /^https?:\/\//);
          for (const k of ['S3_ACCESS_KEY', 'S3_SECRET_KEY']) assert.ok(env[k].valueFrom?.secretKeyRef?.name && env[k].value === undefined, `${k} from a Secret`);
        }
        if (name === 'federation') assert.equal(env.NODE_GRPC_PORT.value, String(spec.grpcNode));
        if (name === 'insights' && env.INSIGHTS_ROLE.value === 'store-node') {
          assert.equal(env.FEDERATION_GRPC_URL, undefined, 'a store node\'s insights never get the hub\'s coordinator API');
          if (env.FEDERATION_HUB_URL) assert.ok(env.NODE_TLS_MODE?.value, 'FEDERATION_HUB_URL goes with NODE_TLS_*');
        }
      }
      if (scenarioRole(s) === 'store-node') for (const d of ofKind(docs, 'Deployment')) assert.equal(envOf(d).FEDERATION_GRPC_URL, undefined, `${component(d)}: no store-node service dials the hub's coordinator API`);
    });
  }
});

describe('secrets', () => {
  test('values.yaml ships no secret defaults', () => {
    const [values] = parseAll(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
    const keys = ['existingSecret', 'jwtExistingSecret', 'databaseUrl', 'customerHashKey', 'jwtSigningKeys', 'jwtVerifyKeys', 'metricsToken', 'bootstrapAdminEmail', 'bootstrapAdminPassword', 'redisUrl', 's3AccessKey', 's3SecretKey'];
    for (const k of keys) assert.equal(values.secrets[k], '', k);
    assert.equal(ofKind(mustRender(), 'Secret').length, 0, 'default values create no Secret');
  });

  test('the chart stores given values in its own Secret and rolls pods when it changes', () => {
    const docs = mustRender({ values: ['all-values.yaml'] });
    const [secret] = ofKind(docs, 'Secret');
    assert.equal(secret.metadata.name, 'rel-tessera');
    assert.equal(Buffer.from(secret.data.DATABASE_URL, 'base64').toString(), 'postgres://tessera:ci-only-password@postgres:5432/tessera');
    assert.ok(secret.data.CUSTOMER_HASH_KEY);
    assert.deepEqual(Object.keys(secret.data).sort(), ['CUSTOMER_HASH_KEY', 'DATABASE_URL', 'JWT_SIGNING_KEYS', 'JWT_VERIFY_KEYS', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']);
    assert.equal(Buffer.from(secret.data.S3_SECRET_KEY, 'base64').toString(), 'ci-only-minio-secret-key');
    for (const d of ofKind(docs, 'Deployment')) {
      assert.match(d.spec.template.metadata.annotations['checksum/secret'], /^[0-9a-f]{64}$/);
      const env = envOf(d);
      if (env.DATABASE_URL) assert.deepEqual(env.DATABASE_URL.valueFrom.secretKeyRef, { name: 'rel-tessera', key: 'DATABASE_URL' });
    }
  });

  test('an existing Secret with custom keys is referenced, never created; the JWT keys come from their own Secret', () => {
    const docs = mustRender({ values: ['external-secret-values.yaml'] });
    assert.equal(ofKind(docs, 'Secret').length, 0);
    const ds = deploymentsBy(docs);
    assert.deepEqual(envOf(ds.auth).DATABASE_URL.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'database-url' });
    assert.deepEqual(envOf(ds.ingestion).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'customer-hash-key' });
    assert.deepEqual(envOf(ds.gateway).REDIS_URL.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'redis-url' });
    assert.deepEqual(envOf(ds.auth).JWT_SIGNING_KEYS.valueFrom.secretKeyRef, { name: 'tessera-jwt', key: 'jwt-signing-keys' });
    assert.deepEqual(envOf(ds.gateway).JWT_VERIFY_KEYS.valueFrom.secretKeyRef, { name: 'tessera-jwt', key: 'jwt-verify-keys' });
    assert.deepEqual(envOf(ds.gateway).METRICS_TOKEN.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'metrics-token', optional: true });
    assert.deepEqual(envOf(ds.auth).BOOTSTRAP_ADMIN_PASSWORD.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'bootstrap-admin-password', optional: true });
    assert.deepEqual(envOf(ds.ingestion).S3_ACCESS_KEY.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 's3-access-key', optional: true });
    assert.deepEqual(envOf(ds.ingestion).S3_SECRET_KEY.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 's3-secret-key', optional: true });
  });

  test('JWT wiring: auth reads the private keys, the gateway only the public ones, from the values given', () => {
    const values = scenarioValues('hub-values.yaml');
    const docs = mustRender({ values: ['hub-values.yaml'] });
    const [secret] = ofKind(docs, 'Secret');
    const signing = JSON.parse(Buffer.from(secret.data.JWT_SIGNING_KEYS, 'base64').toString());
    const verify = JSON.parse(Buffer.from(secret.data.JWT_VERIFY_KEYS, 'base64').toString());
    assert.deepEqual(signing, JSON.parse(values.secrets.jwtSigningKeys));
    assert.ok(signing.every((k) => k.d && k.kid && /test-only/.test(k.kid)), 'the CI keys are marked test-only');
    assert.ok(verify.every((k) => !('d' in k)), 'public halves only');
    assert.equal(verify[0].kid, signing[0].kid);
    const ds = deploymentsBy(docs);
    assert.deepEqual(envOf(ds.auth).JWT_SIGNING_KEYS.valueFrom.secretKeyRef, { name: 'rel-tessera', key: 'JWT_SIGNING_KEYS' });
    assert.deepEqual(envOf(ds.gateway).JWT_VERIFY_KEYS.valueFrom.secretKeyRef, { name: 'rel-tessera', key: 'JWT_VERIFY_KEYS' });
    for (const [name, d] of Object.entries(ds)) {
      if (name !== 'auth') assert.equal(envOf(d).JWT_SIGNING_KEYS, undefined, `${name} never sees the signing keys`);
    }
    assert.equal(valueOf(ds.auth, 'JWT_ISSUER'), valueOf(ds.gateway, 'JWT_ISSUER'));
    assert.equal(valueOf(ds.auth, 'JWT_AUDIENCE'), valueOf(ds.gateway, 'JWT_AUDIENCE'));
  });

  test('optional secrets (METRICS_TOKEN, bootstrap admin) are optional references; given as values they land in the Secret', () => {
    const plain = deploymentsBy(mustRender({ values: ['hub-values.yaml'] }));
    assert.equal(envOf(plain.gateway).METRICS_TOKEN.valueFrom.secretKeyRef.optional, true);
    assert.equal(envOf(plain.auth).BOOTSTRAP_ADMIN_EMAIL.valueFrom.secretKeyRef.optional, true);
    const docs = mustRender({ values: ['hub-values.yaml'], set: ['secrets.metricsToken=ci-only-metrics-token', 'secrets.bootstrapAdminEmail=admin@example.com', 'secrets.bootstrapAdminPassword=ci only bootstrap passphrase'] });
    const [secret] = ofKind(docs, 'Secret');
    assert.equal(Buffer.from(secret.data.METRICS_TOKEN, 'base64').toString(), 'ci-only-metrics-token');
    assert.equal(Buffer.from(secret.data.BOOTSTRAP_ADMIN_EMAIL, 'base64').toString(), 'admin@example.com');
    assert.ok(secret.data.BOOTSTRAP_ADMIN_PASSWORD);
  });
});

describe('service settings', () => {
  test('defaults reach the containers: gateway limits, auth policy, mining and privacy settings', () => {
    const ds = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s'] }));
    const expect = {
      gateway: { RATE_LIMIT_DRIVER: 'redis', RATE_LIMIT_PER_IP: '600', RATE_LIMIT_PER_USER: '300', RATE_LIMIT_PER_API_KEY: '1200', CIRCUIT_ERROR_PERCENT: '50', CORS_ORIGINS: '', MAX_UPLOAD_BYTES: '104857600' },
      auth: { SCRYPT_COST: '15', ACCESS_TOKEN_TTL_SECONDS: '900', LOCKOUT_THRESHOLD: '5', PASSWORD_MIN_LENGTH: '12' },
      mining: { MINING_THREADS: '2', MAX_CONCURRENT_JOBS: '1', MAX_PATTERNS_STORED: '200000' },
      privacy: { DEFAULT_EPSILON_CAP: '10', DEFAULT_DELTA: '1e-5', DEFAULT_ROUND_EPSILON: '1' },
    };
    for (const [svc, vars] of Object.entries(expect)) for (const [k, v] of Object.entries(vars)) assert.equal(valueOf(ds[svc], k), v, `${svc} ${k}`);
  });

  test('overrides reach the containers', () => {
    const ds = deploymentsBy(
      mustRender({
        set: [
          'secrets.existingSecret=s',
          'services.gateway.corsOrigins={https://a.example,https://b.example}',
          'services.gateway.rateLimit.perIp=50',
          'services.auth.scryptCost=16',
          'services.mining.threads=8',
          'services.privacy.defaultDelta=1e-6',
          'config.jwt.issuer=hub.example',
        ],
      }),
    );
    assert.equal(valueOf(ds.gateway, 'CORS_ORIGINS'), 'https://a.example,https://b.example');
    assert.equal(valueOf(ds.gateway, 'RATE_LIMIT_PER_IP'), '50');
    assert.equal(valueOf(ds.auth, 'SCRYPT_COST'), '16');
    assert.equal(valueOf(ds.mining, 'MINING_THREADS'), '8');
    assert.equal(valueOf(ds.privacy, 'DEFAULT_DELTA'), '1e-6');
    assert.equal(valueOf(ds.auth, 'JWT_ISSUER'), 'hub.example');
    assert.equal(valueOf(ds.gateway, 'JWT_ISSUER'), 'hub.example');
  });

  test('DATABASE_SCHEMA: unset by default, prefixed per service, or overridden for one service', () => {
    for (const d of ofKind(mustRender(), 'Deployment')) assert.equal(envOf(d).DATABASE_SCHEMA, undefined, component(d));
    const ds = deploymentsBy(mustRender({ values: ['store-node-production-values.yaml'], set: ['services.mining.databaseSchema=shared_mining'] }));
    assert.equal(valueOf(ds.ingestion, 'DATABASE_SCHEMA'), 'store_0042_ingestion');
    assert.equal(valueOf(ds.privacy, 'DATABASE_SCHEMA'), 'store_0042_privacy');
    assert.equal(valueOf(ds.mining, 'DATABASE_SCHEMA'), 'shared_mining');
  });

  test('the in-memory rate limiter drops REDIS_URL; Redis with a password comes from the Secret', () => {
    const mem = deploymentsBy(mustRender({ set: ['secrets.existingSecret=s', 'services.gateway.rateLimit.driver=memory'] }));
    assert.equal(valueOf(mem.gateway, 'RATE_LIMIT_DRIVER'), 'memory');
    assert.equal(envOf(mem.gateway).REDIS_URL, undefined);
  });
});

describe('TRUST_PROXY', () => {
  test('unset without an ingress (the client IP is the socket peer)', () => {
    assert.equal(envOf(deploymentsBy(mustRender({ values: ['hub-values.yaml'] })).gateway).TRUST_PROXY, undefined);
  });
  test('1 behind the chart\'s ingress, so clients do not share one rate-limit budget', () => {
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-production-values.yaml'] })).gateway, 'TRUST_PROXY'), '1');
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-values.yaml'], set: ['ingress.enabled=true'] })).gateway, 'TRUST_PROXY'), '1');
  });
  test('an explicit value wins (2 hops, or false to trust none)', () => {
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-production-values.yaml'], set: ['services.gateway.trustProxy=2'] })).gateway, 'TRUST_PROXY'), '2');
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-production-values.yaml'], set: ['services.gateway.trustProxy=false'] })).gateway, 'TRUST_PROXY'), 'false');
    assert.equal(valueOf(deploymentsBy(mustRender({ values: ['hub-values.yaml'], set: ['services.gateway.trustProxy=10.0.0.0/8'] })).gateway, 'TRUST_PROXY'), '10.0.0.0/8');
  });
});

describe('optional features', () => {
  const optionalKinds = ['ServiceMonitor', 'PrometheusRule', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Ingress', 'ConfigMap'];

  test('all off by default', () => {
    const docs = mustRender();
    for (const kind of optionalKinds) assert.equal(ofKind(docs, kind).length, 0, kind);
    for (const d of ofKind(docs, 'Deployment')) {
      const env = envOf(d);
      assert.equal(env.OTEL_EXPORTER.value, 'none');
      assert.equal(env.GRPC_TLS_CERT_FILE, undefined, 'mTLS is off by default');
      assert.equal(d.spec.replicas, 1);
    }
    assert.equal(valueOf(deploymentsBy(docs).privacy, 'FEDERATION_AUTO_ENROL_URL'), undefined);
  });

  test('with-servicemonitor: ServiceMonitors scrape /metrics on every Service, the gateway with its METRICS_TOKEN', () => {
    const docs = mustRender({ values: ['with-servicemonitor-values.yaml'] });
    const monitors = Object.fromEntries(ofKind(docs, 'ServiceMonitor').map((m) => [m.metadata.name, m]));
    assert.deepEqual(Object.keys(monitors).sort(), ['rel-tessera', 'rel-tessera-gateway']);
    const selects = (m, svc) =>
      Object.entries(m.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels[k] === v) &&
      (m.spec.selector.matchExpressions ?? []).every((e) => e.operator === 'NotIn' && !e.values.includes(svc.metadata.labels[e.key]));
    for (const svc of ofKind(docs, 'Service')) {
      const by = Object.values(monitors).filter((m) => selects(m, svc)).map((m) => m.metadata.name);
      assert.deepEqual(by, [component(svc) === 'gateway' ? 'rel-tessera-gateway' : 'rel-tessera'], `${svc.metadata.name} scraped exactly once`);
    }
    for (const m of Object.values(monitors)) {
      assert.equal(m.metadata.labels.release, 'kube-prometheus-stack');
      assert.deepEqual(m.spec.endpoints.map((e) => [e.port, e.path]), [['http', '/metrics']]);
    }
    assert.deepEqual(monitors['rel-tessera-gateway'].spec.endpoints[0].authorization, { type: 'Bearer', credentials: { name: 'tessera-secrets', key: 'METRICS_TOKEN' } });
    assert.equal(monitors['rel-tessera'].spec.endpoints[0].authorization, undefined);
    assert.equal(ofKind(docs, 'PrometheusRule').length, 1);
    const [dash] = ofKind(docs, 'ConfigMap');
    assert.equal(dash.metadata.labels.grafana_dashboard, '1');
    assert.equal(JSON.parse(dash.data['tessera-overview.json']).uid, 'tessera-overview');
    const plain = ofKind(mustRender({ values: ['with-servicemonitor-values.yaml'], set: ['metrics.serviceMonitor.gatewayBearerToken=false'] }), 'ServiceMonitor');
    assert.equal(plain.length, 1);
    assert.equal(plain[0].spec.selector.matchExpressions, undefined);
  });

  test('with-otel: every service exports traces over OTLP', () => {
    for (const d of ofKind(mustRender({ values: ['with-otel-values.yaml'] }), 'Deployment')) {
      const env = envOf(d);
      assert.equal(env.OTEL_EXPORTER.value, 'otlp');
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT.value, 'http://otel-collector.observability.svc:4318/v1/traces');
    }
  });

  test('HPA replaces replicas, and the scheduler is never autoscaled', () => {
    const docs = mustRender({ values: ['hub-production-values.yaml'] });
    const hpas = ofKind(docs, 'HorizontalPodAutoscaler');
    assert.deepEqual(hpas.map(component).sort(), HUB.filter((s) => s !== 'scheduler'));
    for (const h of hpas) {
      assert.equal(h.spec.scaleTargetRef.name, `rel-tessera-${component(h)}`);
      assert.equal(h.spec.minReplicas, 2);
    }
    const ds = deploymentsBy(docs);
    assert.equal(ds.gateway.spec.replicas, undefined);
    assert.equal(ds.scheduler.spec.replicas, 2, 'the scheduler keeps its replicaCount');
    assert.equal(ds.scheduler.spec.strategy.type, 'RollingUpdate', 'several scheduler replicas are safe, so rollouts may overlap');
    assert.deepEqual(ofKind(docs, 'PodDisruptionBudget').map(component).sort(), HUB.filter((s) => s !== 'scheduler'));
  });

  test('object storage: S3 settings from values, the keys from the Secret', () => {
    const { ingestion } = deploymentsBy(mustRender({ values: ['store-node-production-values.yaml'] }));
    assert.deepEqual(
      ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_PATH_STYLE', 'FILE_RETENTION_DAYS'].map((k) => valueOf(ingestion, k)),
      ['http://minio.store-data.svc:9000', 'us-east-1', 'store-0042-uploads', 'true', '365'],
    );
    assert.deepEqual(envOf(ingestion).S3_SECRET_KEY.valueFrom.secretKeyRef, { name: 'tessera-store', key: 'S3_SECRET_KEY', optional: true }, 'optional: an anonymous bucket needs no keys');
    const aws = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['services.ingestion.objectStorage.endpoint=https://s3.eu-west-1.amazonaws.com', 'services.ingestion.objectStorage.region=eu-west-1', 'services.ingestion.objectStorage.pathStyle=false'] })).ingestion;
    assert.deepEqual(['S3_ENDPOINT', 'S3_REGION', 'S3_PATH_STYLE'].map((k) => valueOf(aws, k)), ['https://s3.eu-west-1.amazonaws.com', 'eu-west-1', 'false']);
    for (const [name, d] of Object.entries(deploymentsBy(mustRender({ values: ['all-values.yaml'] })))) if (name !== 'ingestion') assert.equal(envOf(d).S3_ENDPOINT, undefined, `${name} has no object storage`);
  });

  test('mTLS on every node link: the hub\'s federation and gateway (server certificate), the store node\'s privacy, insights and gateway (client certificate); nothing else', () => {
    const vol = (d) => d.spec.template.spec.volumes.find((v) => v.name === 'mtls');
    const files = (d) => ['NODE_TLS_MODE', 'NODE_TLS_CA_FILE', 'NODE_TLS_CERT_FILE', 'NODE_TLS_KEY_FILE'].map((k) => valueOf(d, k));
    const tls = ['mtls', '/etc/tessera/tls/ca.crt', '/etc/tessera/tls/tls.crt', '/etc/tessera/tls/tls.key'];
    const hub = deploymentsBy(mustRender({ values: ['hub-production-values.yaml'] }));
    for (const name of ['federation', 'gateway']) {
      assert.equal(vol(hub[name]).secret.secretName, 'hub-node-tls', name);
      assert.deepEqual(files(hub[name]), tls, name);
      assert.deepEqual(hub[name].spec.template.spec.containers[0].volumeMounts.find((m) => m.name === 'mtls'), { name: 'mtls', mountPath: '/etc/tessera/tls', readOnly: true });
    }
    for (const name of ['auth', 'insights', 'scheduler']) {
      assert.equal(vol(hub[name]), undefined, `${name} holds no node link`);
      assert.equal(envOf(hub[name]).NODE_TLS_MODE, undefined, name);
    }
    const store = deploymentsBy(mustRender({ values: ['store-node-production-values.yaml'] }));
    for (const name of ['privacy', 'insights', 'gateway']) {
      assert.equal(vol(store[name]).secret.secretName, 'store-0042-node-tls', name);
      assert.deepEqual(vol(store[name]), vol(store.privacy), `${name} mounts the node certificate as privacy does`);
      assert.deepEqual(files(store[name]), tls, name);
      assert.deepEqual(store[name].spec.template.spec.containers[0].volumeMounts.find((m) => m.name === 'mtls'), { name: 'mtls', mountPath: '/etc/tessera/tls', readOnly: true }, name);
    }
    assert.equal(valueOf(store.insights, 'FEDERATION_HUB_URL'), 'federation-node.hub.tessera.example.com:50058', 'insights speaks mTLS to the node port with these files');
    for (const name of ['ingestion', 'mining', 'scheduler']) {
      assert.equal(vol(store[name]), undefined, `${name} never dials the hub`);
      assert.equal(envOf(store[name]).NODE_TLS_MODE, undefined, name);
    }
    // mtls is the default for a hub or a store node; plaintext only when set, or in the one-namespace role=all.
    const defaulted = deploymentsBy(mustRender({ values: ['store-node-values.yaml'], set: ['mtls.mode=', 'mtls.clientCertSecretName=node-tls'] }));
    assert.equal(valueOf(defaulted.privacy, 'NODE_TLS_MODE'), 'mtls');
    const dev = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    assert.deepEqual(files(dev.privacy), ['plaintext', undefined, undefined, undefined]);
    assert.equal(vol(dev.privacy), undefined);
    const all = deploymentsBy(mustRender({ values: ['all-values.yaml'] }));
    for (const name of ['federation', 'gateway', 'privacy', 'insights']) assert.equal(valueOf(all[name], 'NODE_TLS_MODE'), 'plaintext', name);
    const allTls = deploymentsBy(mustRender({ values: ['all-values.yaml'], set: ['mtls.mode=mtls', 'mtls.serverCertSecretName=hub-tls', 'mtls.clientCertSecretName=node-tls'] }));
    assert.equal(vol(allTls.federation).secret.secretName, 'hub-tls');
    assert.equal(vol(allTls.privacy).secret.secretName, 'node-tls');
  });

  test('nodeFront: the hub\'s node-facing ports on L4 Services of their own (ports from the same map), with their ExternalDNS names', () => {
    const docs = mustRender({ values: ['hub-production-values.yaml'] });
    const fronts = ofKind(docs, 'Service').filter((x) => x.metadata.labels['tessera.io/node-front'] === 'true');
    assert.deepEqual(fronts.map((f) => [f.metadata.name, f.spec.type, f.spec.ports.map((p) => [p.name, p.port, p.targetPort]), f.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']]), [
      ['rel-tessera-gateway-node', 'LoadBalancer', [['node-api', 8443, 'node-api']], 'gateway-node.hub.tessera.example.com'],
      ['rel-tessera-federation-node', 'LoadBalancer', [['grpc-node', 50058, 'grpc-node']], 'federation-node.hub.tessera.example.com'],
    ]);
    assert.deepEqual(fronts[0].spec.loadBalancerSourceRanges, ['198.51.100.0/24']);
    assert.equal(fronts[0].metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type'], 'nlb');
    const moved = ofKind(mustRender({ values: ['hub-production-values.yaml'], set: ['services.gateway.ports.node-api=9443'] }), 'Service').find((x) => x.metadata.name === 'rel-tessera-gateway-node');
    assert.deepEqual(moved.spec.ports.map((p) => p.port), [9443]);
    assert.equal(ofKind(mustRender({ values: ['store-node-production-values.yaml'], set: ['nodeFront.enabled=true'] }), 'Service').filter((x) => x.metadata.labels['tessera.io/node-front']).length, 0, 'a store node has no node front');
  });
});

describe('ingress', () => {
  const ingresses = (opts) => Object.fromEntries(ofKind(mustRender(opts), 'Ingress').map((i) => [i.metadata.name, i]));
  const paths = (ing) => ing.spec.rules.flatMap((r) => r.http.paths);

  test('the REST ingress routes only /api to the gateway: never /metrics, /health or /', () => {
    for (const opts of [{ values: ['hub-production-values.yaml'] }, { values: ['hub-values.yaml'], set: ['ingress.enabled=true'] }]) {
      const rest = ingresses(opts)['rel-tessera-gateway'];
      assert.ok(rest, 'rendered');
      const ps = paths(rest);
      assert.ok(ps.length > 0);
      for (const p of ps) {
        assert.ok(p.path === '/api' || p.path.startsWith('/api/'), p.path);
        assert.ok(['Prefix', 'Exact'].includes(p.pathType), p.pathType);
        assert.deepEqual(p.backend.service, { name: 'rel-tessera-gateway', port: { name: 'http' } });
      }
      assert.deepEqual(ps.map((p) => p.path), ['/api']);
    }
  });

  test('a host without paths gets /api; /api/docs alone is allowed', () => {
    const rest = ingresses({ values: ['hub-values.yaml'], set: ['ingress.enabled=true', 'ingress.hosts[0].host=docs.example.com', 'ingress.hosts[0].paths[0].path=/api/docs', 'ingress.hosts[1].host=api.example.com'] })['rel-tessera-gateway'];
    assert.deepEqual(rest.spec.rules.map((r) => [r.host, r.http.paths.map((p) => p.path)]), [['docs.example.com', ['/api/docs']], ['api.example.com', ['/api']]]);
  });

  test('the gRPC ingress routes only the store nodes\' FederationNodeService, not the coordinator API', () => {
    const grpcIng = ingresses({ values: ['hub-values.yaml'], set: ['grpcIngress.enabled=true'] })['rel-tessera-federation-grpc'];
    assert.equal(grpcIng.metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol'], 'GRPC');
    assert.deepEqual(paths(grpcIng), [{ path: '/tessera.federation.v1.FederationNodeService', pathType: 'Prefix', backend: { service: { name: 'rel-tessera-federation', port: { name: 'grpc-node' } } } }]);
  });

  test('uploads pass the ingress: the production example raises the body limit to the gateway\'s', () => {
    const rest = ingresses({ values: ['hub-production-values.yaml'] })['rel-tessera-gateway'];
    assert.equal(rest.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'], '100m');
  });

  test('a store node\'s REST ingress reaches its own gateway (the store\'s front door); never a gRPC ingress', () => {
    const ing = ingresses({ values: ['store-node-production-values.yaml'] });
    assert.deepEqual(Object.keys(ing), ['rel-tessera-gateway']);
    assert.deepEqual(ing['rel-tessera-gateway'].spec.rules.map((r) => r.host), ['store-0042.tessera.example.com']);
    assert.deepEqual(paths(ing['rel-tessera-gateway']).map((p) => [p.path, p.backend.service.port.name]), [['/api', 'http']]);
    assert.deepEqual(Object.keys(ingresses({ values: ['store-node-values.yaml'], set: ['grpcIngress.enabled=true'] })), []);
  });
});

describe('network policy', () => {
  const policies = (opts) => Object.fromEntries(ofKind(mustRender(opts), 'NetworkPolicy').map((x) => [component(x), x]));
  const gatewayPods = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tessera', 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': 'gateway' } } };
  const hubGateway = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tessera-hub' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tessera', 'app.kubernetes.io/component': 'gateway' } },
  };
  const monitoring = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];

  test('store-node services accept only from their namespace and Prometheus (http); the store\'s gateway also from the ingress controller; nothing from the hub', () => {
    const p = policies({ values: ['store-node-production-values.yaml'] });
    assert.deepEqual(Object.keys(p).sort(), STORE);
    const ingressNginx = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }];
    for (const [name, policy] of Object.entries(p)) {
      assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
      assert.deepEqual(policy.spec.ingress, [
        { from: [{ podSelector: {} }] },
        ...(name === 'gateway' ? [{ ports: [{ port: 'http', protocol: 'TCP' }], from: ingressNginx }] : []),
        { ports: [{ port: 'http', protocol: 'TCP' }], from: monitoring },
      ], name);
    }
    for (const [name, policy] of Object.entries(policies({ values: ['store-node-values.yaml'], set: ['networkPolicy.enabled=true'] }))) {
      if (name === 'gateway') continue;
      assert.deepEqual(policy.spec.ingress, [{ from: [{ podSelector: {} }] }], `${name}: nothing from outside the namespace; the hub never dials in`);
    }
  });

  test('store node: the gateway reaches its scheduler and the scheduler its mining inside the release, at their declared grpc ports (ingress and egress)', () => {
    for (const set of [[], ['services.scheduler.ports.grpc=50077', 'services.mining.ports.grpc=50099']]) {
      const docs = mustRender({ values: ['store-node-production-values.yaml'], set });
      const p = Object.fromEntries(ofKind(docs, 'NetworkPolicy').map((x) => [component(x), x]));
      const ds = deploymentsBy(docs);
      const podLabels = (name) => ds[name].spec.template.metadata.labels;
      const portOf = (name, portName) => ds[name].spec.template.spec.containers[0].ports.find((x) => x.name === portName).containerPort;
      const selects = (sel, labels) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
      // A peer in the same namespace: a podSelector alone (no namespaceSelector, no ipBlock).
      const peerAllows = (peer, labels) => peer.podSelector && !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector, labels);
      const portAllows = (rulePorts, name, number) => !rulePorts || rulePorts.some((x) => x.port === name || x.port === number);
      const ingressAllows = (to, from, portName) => p[to].spec.ingress.some((r) => portAllows(r.ports, portName, portOf(to, portName)) && (r.from ?? []).some((peer) => peerAllows(peer, podLabels(from))));
      const egressAllows = (from, to, portName) => p[from].spec.egress.some((r) => portAllows(r.ports, portName, portOf(to, portName)) && (r.to ?? []).some((peer) => peerAllows(peer, podLabels(to))));
      for (const [from, to] of [['gateway', 'scheduler'], ['scheduler', 'mining']]) {
        assert.ok(ingressAllows(to, from, 'grpc'), `${set}: ${to} accepts ${from} on grpc`);
        assert.ok(egressAllows(from, to, 'grpc'), `${set}: ${from} may dial ${to} on grpc`);
        const address = valueOf(ds[from], `${to.toUpperCase()}_GRPC_URL`);
        assert.equal(address, `rel-tessera-${to}:${portOf(to, 'grpc')}`, `${from} dials ${to} at its declared port`);
      }
      assert.deepEqual(p.scheduler.spec.egress.filter((r) => r.to?.some((t) => t.ipBlock)), [], 'the store node\'s scheduler never leaves the node');
      // Nothing outside the namespace reaches the scheduler or mining (the hub never dials in); only Prometheus the http port.
      for (const name of ['scheduler', 'mining']) {
        for (const r of p[name].spec.ingress) {
          if (r.from.some((peer) => peer.namespaceSelector)) assert.deepEqual(r.ports, [{ port: 'http', protocol: 'TCP' }], `${name}: from another namespace only /metrics`);
        }
      }
    }
  });

  test('store node: the gateway, privacy and insights dial out to the hub at the ports of the hub addresses; nothing else leaves, nothing to the whole internet', () => {
    const p = policies({ values: ['store-node-production-values.yaml'] });
    const toHub = (policy) => policy.spec.egress.filter((r) => r.to?.some((t) => t.ipBlock));
    const hubCidr = [{ ipBlock: { cidr: '203.0.113.0/28' } }];
    assert.deepEqual(toHub(p.gateway), [{ ports: [{ port: 8443, protocol: 'TCP' }], to: hubCidr }], 'HUB_URL, the node front');
    assert.deepEqual(toHub(p.privacy), [{ ports: [{ port: 50058, protocol: 'TCP' }], to: hubCidr }], 'FEDERATION_HUB_URL, the node port');
    assert.deepEqual(toHub(p.insights), [{ ports: [{ port: 50058, protocol: 'TCP' }], to: hubCidr }], 'FEDERATION_HUB_URL, the node port: nothing hub-internal');
    assert.deepEqual(toHub(p.ingestion), []);
    assert.deepEqual(toHub(p.mining), []);
    // Given the hub's coordinator API (for privacy's development auto-enrolment), insights still gets no egress to it; privacy does, with autoEnrol only.
    const withApi = policies({ values: ['store-node-production-values.yaml'], set: ['hub.federationApiAddress=federation-api.tessera.example.com:50054'] });
    assert.deepEqual(toHub(withApi.insights), [{ ports: [{ port: 50058, protocol: 'TCP' }], to: hubCidr }], 'not the coordinator API');
    assert.deepEqual(toHub(withApi.privacy), [{ ports: [{ port: 50058, protocol: 'TCP' }], to: hubCidr }], 'without autoEnrol privacy does not dial it either');
    const enrolling = policies({ values: ['store-node-production-values.yaml'], set: ['hub.federationApiAddress=federation-api.tessera.example.com:50054', 'services.privacy.federation.autoEnrol=true'] });
    assert.deepEqual(toHub(enrolling.privacy)[0].ports.map((x) => x.port), [50058, 50054], 'autoEnrol (development): the coordinator API, for privacy');
    assert.deepEqual(toHub(enrolling.insights)[0].ports.map((x) => x.port), [50058]);
    const moved = policies({ values: ['store-node-production-values.yaml'], set: ['hub.federationAddress=federation-node.hub.tessera.example.com:443'] });
    assert.deepEqual(toHub(moved.insights)[0].ports, [{ port: 443, protocol: 'TCP' }], 'the port follows hub.federationAddress');
    const movedGateway = policies({ values: ['store-node-production-values.yaml'], set: ['hub.gatewayUrl=https://gateway-node.hub.tessera.example.com'] });
    assert.deepEqual(toHub(movedGateway.gateway)[0].ports, [{ port: 443, protocol: 'TCP' }], 'an https URL without a port is 443');
    for (const policy of Object.values(p)) {
      for (const r of policy.spec.egress) assert.ok(!r.to?.some((t) => t.ipBlock?.cidr === '0.0.0.0/0'), 'no egress to the whole internet');
      assert.ok(policy.spec.egress.some((r) => r.to?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'store-data'), 'extraEgress to Postgres/Kafka/MinIO');
    }
  });

  test('hub: only the gateway and the scheduler reach auth\'s gRPC port; the namespace reaches auth\'s health port', () => {
    for (const opts of [{ values: ['hub-production-values.yaml'] }, { values: ['all-values.yaml'], set: ['networkPolicy.enabled=true'] }]) {
      const { auth } = policies(opts);
      const grpcRules = auth.spec.ingress.filter((r) => r.ports?.some((x) => x.port === 'grpc'));
      const schedulerPods = { podSelector: { matchLabels: { ...gatewayPods.podSelector.matchLabels, 'app.kubernetes.io/component': 'scheduler' } } };
      assert.deepEqual(grpcRules, [{ ports: [{ port: 'grpc', protocol: 'TCP' }], from: [gatewayPods, schedulerPods] }]);
      for (const r of auth.spec.ingress) {
        assert.ok(r.from?.length, 'auth has no open ingress');
        assert.ok(r.ports?.length, 'every auth rule names its port');
      }
      assert.ok(auth.spec.ingress.some((r) => r.ports[0].port === 'http' && r.from[0].podSelector && Object.keys(r.from[0].podSelector).length === 0));
    }
  });

  test('hub: the gateway\'s http from the ingress controller; its node-api and federation\'s grpc-node from the store nodes (nodeFrom); others only from the namespace', () => {
    const p = policies({ values: ['hub-production-values.yaml'] });
    assert.deepEqual(Object.keys(p).sort(), HUB);
    const ingressNginx = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }];
    const stores = [{ ipBlock: { cidr: '198.51.100.0/24' } }];
    assert.ok(p.gateway.spec.ingress.some((r) => r.ports?.[0].port === 'http' && JSON.stringify(r.from) === JSON.stringify(ingressNginx)));
    assert.ok(p.gateway.spec.ingress.some((r) => r.ports?.[0].port === 'node-api' && JSON.stringify(r.from) === JSON.stringify(stores)));
    assert.ok(p.federation.spec.ingress.some((r) => r.ports?.[0].port === 'grpc-node' && JSON.stringify(r.from) === JSON.stringify(stores)));
    assert.ok(!p.federation.spec.ingress.some((r) => r.ports?.[0].port === 'grpc' && r.from === undefined), 'the coordinator API is not open to the world');
    for (const name of ['insights', 'scheduler']) {
      for (const r of p[name].spec.ingress) assert.ok(r.from?.length, `${name}: no open ingress`);
    }
    for (const policy of Object.values(p)) assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
  });

  test('role=all: privacy reaches federation inside the namespace, no egress to a hub', () => {
    const p = policies({ values: ['all-values.yaml'], set: ['networkPolicy.enabled=true'] });
    assert.ok(!p.privacy.spec.egress.some((r) => r.to?.some((t) => t.ipBlock)));
  });
});

describe('validation', () => {
  const fails = (set, pattern, values = [], literal = []) => {
    const out = render({ values, set, literal });
    assert.equal(out.ok, false, `expected failure for ${[...set, ...literal].join(' ')}`);
    assert.match(out.stderr, pattern);
  };
  const keys = () => scenarioValues('hub-values.yaml').secrets;
  test('unknown role', () => fails(['role=edge'], /role must be hub, store-node or all/));
  test('store node without hub address', () => fails(['role=store-node'], /hub\.federationAddress/));
  test('store node without the hub gateway\'s node front', () => fails(['role=store-node', 'hub.federationAddress=hub:50058'], /hub\.gatewayUrl \(HUB_URL/));
  test('hub addresses that are not host:port or an https URL', () => {
    fails(['role=store-node', 'hub.federationAddress=hub:50058', 'hub.gatewayUrl=http://hub:8443'], /hub\.gatewayUrl must be an https URL/);
    fails(['role=store-node', 'hub.federationAddress=https://hub:50058', 'hub.gatewayUrl=https://hub:8443'], /hub\.federationAddress must be host:port/);
  });
  test('store node without store ids', () => {
    fails(['role=store-node', 'hub.federationAddress=hub:443', 'hub.gatewayUrl=https://hub:8443'], /services\.privacy\.federation\.storeIds/);
    // The scheduler needs them even without privacy (NODE_STORE_IDS is required by SCHEDULER_ROLE=store-node).
    fails(['role=store-node', 'hub.gatewayUrl=https://hub:8443', 'services.privacy.enabled=false'], /NODE_STORE_IDS of the gateway and the scheduler/);
  });
  test('auto-enrolment on a store node without the hub\'s coordinator API', () => fails(['role=store-node', 'hub.federationAddress=hub:443', 'hub.gatewayUrl=https://hub:8443', 'services.privacy.federation.storeIds={s1}', 'services.privacy.federation.autoEnrol=true'], /hub\.federationApiAddress/));
  test('object storage: no endpoint, a bad one, no bucket, no keys in a chart-created Secret', () => {
    fails(['services.ingestion.objectStorage.endpoint='], /objectStorage\.endpoint \(S3_ENDPOINT\)/, ['store-node-values.yaml']);
    fails(['services.ingestion.objectStorage.endpoint=minio:9000'], /objectStorage\.endpoint \(S3_ENDPOINT\) must be the http\(s\) URL/, ['store-node-values.yaml']);
    fails(['services.ingestion.objectStorage.bucket='], /objectStorage\.bucket \(S3_BUCKET\) is required/, ['store-node-values.yaml']);
    fails(['secrets.s3SecretKey='], /secrets\.s3AccessKey and secrets\.s3SecretKey are required/, ['store-node-values.yaml']);
    fails(['services.ingestion.objectStorage.fileRetentionDays=-1'], /fileRetentionDays must be 0/, ['store-node-values.yaml']);
  });
  test('malformed store id', () => fails(['services.privacy.federation.storeIds={bad id}'], /is not a store id/));
  test('removed hub.authAddress', () => fails(['hub.authAddress=auth.hub:50051'], /removed in chart 0\.2\.0/));
  test('short customer hash key', () => fails(['secrets.customerHashKey=short'], /at least 32 characters/));
  test('log level', () => fails(['config.logLevel=verbose'], /config\.logLevel/));
  test('otlp without endpoint', () => fails(['config.otel.exporter=otlp'], /otlpEndpoint/));
  test('in-process bus', () => fails(['config.bus.driver=memory'], /must be kafka/));
  test('bad DATABASE_SCHEMA', () => fails(['config.database.schemaPrefix=Store-'], /lower-case Postgres identifier/));
  test('bad Kafka namespace', () => fails(['config.kafka.namespace=store.0042'], /config\.kafka\.namespace must be 1-64 letters/));
  test('memory rate limits with several gateways', () => fails(['services.gateway.rateLimit.driver=memory', 'services.gateway.replicaCount=2'], /rateLimit\.driver=memory/));
  test('Redis password in plain values', () => fails(['config.redis.url=redis://:hunter2@redis:6379'], /holds a password/));
  test('ingress path outside /api', () => {
    fails(['ingress.enabled=true', 'ingress.hosts[0].paths[0].path=/'], /would expose more than the REST API/, ['hub-values.yaml']);
    fails(['ingress.enabled=true', 'ingress.hosts[0].paths[0].path=/metrics'], /would expose more than the REST API/, ['hub-values.yaml']);
    fails(['ingress.enabled=true', 'ingress.hosts[0].paths[0].path=/api', 'ingress.hosts[0].paths[0].pathType=ImplementationSpecific'], /pathType must be Prefix or Exact/, ['hub-values.yaml']);
  });
  test('mTLS (the default for a hub and a store node) without certificates', () => {
    fails(['mtls.mode='], /mTLS on the hub side .* needs mtls\.serverCertSecretName/, ['hub-values.yaml']);
    fails(['mtls.mode=mtls'], /mTLS on the store-node side .* needs mtls\.clientCertSecretName/, ['store-node-values.yaml']);
    fails(['mtls.mode=mtls', 'mtls.serverCertSecretName=hub-tls'], /needs mtls\.clientCertSecretName/, ['all-values.yaml']);
    fails(['mtls.mode=tls'], /mtls\.mode must be mtls, plaintext or empty/, ['hub-values.yaml']);
  });
  test('a chart-created Secret missing what a running service requires', () => {
    fails(['secrets.customerHashKey=0123456789abcdef0123456789abcdef'], /secrets\.databaseUrl is required/);
    fails(['secrets.jwtSigningKeys='], /secrets\.jwtSigningKeys is required/, ['hub-values.yaml']);
    fails(['secrets.jwtVerifyKeys='], /secrets\.jwtVerifyKeys is required/, ['hub-values.yaml']);
    fails(['secrets.customerHashKey='], /secrets\.customerHashKey is required/, ['store-node-values.yaml']);
    fails(['secrets.bootstrapAdminEmail=admin@example.com'], /go together/, ['hub-values.yaml']);
  });
  test('JWT keys: swapped halves, a kid the gateway cannot verify, not JSON, both values and a Secret', () => {
    const { jwtSigningKeys, jwtVerifyKeys } = keys();
    fails([], /holds a private key/, ['hub-values.yaml'], [`secrets.jwtVerifyKeys=${jwtSigningKeys}`]);
    fails([], /is a public key \(no "d"\)/, ['hub-values.yaml'], [`secrets.jwtSigningKeys=${jwtVerifyKeys}`]);
    const other = JSON.stringify(JSON.parse(jwtVerifyKeys).map((k) => ({ ...k, kid: 'another-key' })));
    fails([], /has no key with kid "ci-test-only-not-a-secret"/, ['hub-values.yaml'], [`secrets.jwtVerifyKeys=${other}`]);
    fails([], /must be a JSON array of JWKs/, ['hub-values.yaml'], ['secrets.jwtSigningKeys=not json']);
    fails([], /is not a JWK with a "kid"/, ['hub-values.yaml'], ['secrets.jwtSigningKeys=[{"kty":"EC"}]']);
    fails(['secrets.jwtExistingSecret=tessera-jwt'], /not both/, ['hub-values.yaml']);
  });
  test('the CI key pair renders as one JWK object too', () => {
    const { jwtSigningKeys, jwtVerifyKeys } = keys();
    const out = render({ values: ['hub-values.yaml'], literal: [`secrets.jwtSigningKeys=${JSON.stringify(JSON.parse(jwtSigningKeys)[0])}`, `secrets.jwtVerifyKeys=${jwtVerifyKeys}`] });
    assert.ok(out.ok, out.stderr);
  });
});

describe('helm test', () => {
  test('the test Pod checks the readiness endpoint of every service of the release', () => {
    const docs = mustRender({ values: ['store-node-values.yaml'] });
    const [pod] = ofKind(docs, 'Pod');
    assert.equal(pod.metadata.annotations['helm.sh/hook'], 'test');
    const targets = pod.spec.containers[0].env.find((e) => e.name === 'TARGETS').value.split(' ');
    assert.deepEqual(targets, [
      'http://rel-tessera-gateway:8080/health/ready',
      'http://rel-tessera-insights:8086/health/ready',
      'http://rel-tessera-scheduler:8087/health/ready',
      'http://rel-tessera-ingestion:8082/health/ready',
      'http://rel-tessera-mining:8083/health/ready',
      'http://rel-tessera-privacy:8085/health/ready',
    ]);
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    assert.equal(ofKind(mustRender({ set: ['helmTest.enabled=false'] }), 'Pod').length, 0);
  });
});

describe('NOTES.txt', () => {
  const notes = (values, set = []) => {
    const args = ['install', 'rel', chartDir, '--namespace', 'tessera', '--dry-run=client'];
    for (const v of values) args.push('-f', join(ciDir, v));
    for (const s of set) args.push('--set', s);
    const res = spawnSync(tools.helm, args, { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout.slice(res.stdout.indexOf('NOTES:'));
  };
  for (const s of allScenarios) {
    test(`${s.name}: renders`, () => assert.match(notes(s.values), /Tessera .* is installed as release "rel"/));
  }
  test('a hub is told the node front and the node port for its store nodes (and no mining address: it never dials a store)', () => {
    const hubText = notes([], ['role=hub', 'secrets.existingSecret=s', 'mtls.serverCertSecretName=hub-tls']);
    assert.doesNotMatch(hubText, /miningAddress|MINING_GRPC_URL/);
    assert.match(hubText, /hub\.gatewayUrl=https:\/\/<host>:8443 /);
    assert.match(hubText, /hub\.federationAddress=<host>:50058 /);
    assert.match(hubText, /mTLS with the server certificate from Secret "hub-tls"/);
    assert.match(hubText, /set nodeFront\.enabled=true/);
    const paired = notes([], ['role=hub', 'secrets.existingSecret=s', 'mtls.mode=plaintext']);
    assert.match(paired, /WITHOUT mTLS/);
    assert.match(notes(['hub-production-values.yaml']), /LoadBalancer Services rel-tessera-gateway-node and rel-tessera-federation-node/);
  });
  test('without secrets it says which Secret to create, with the JWT keys from the CLI', () => {
    const text = notes([]);
    assert.match(text, /WARNING: no secrets were given/);
    assert.match(text, /create secret generic rel-tessera/);
    assert.match(text, /npx tessera admin signing-key/);
    assert.match(text, /--from-literal=JWT_SIGNING_KEYS="\$JWT_SIGNING_KEYS"/);
    assert.match(text, /--from-literal=JWT_VERIFY_KEYS="\$JWT_VERIFY_KEYS"/);
    assert.match(text, /rel-tessera-federation\.tessera\.svc:50058/);
  });
  test('a hub with an existing Secret is told how to create the JWT key secret', () => {
    const text = notes([], ['role=hub', 'secrets.existingSecret=tessera-hub', 'mtls.mode=plaintext']);
    assert.match(text, /JWT keys: auth signs access tokens/);
    assert.match(text, /create secret generic rel-tessera-jwt/);
    assert.match(text, /--set secrets\.jwtExistingSecret=rel-tessera-jwt/);
    const own = notes(['hub-production-values.yaml']);
    assert.match(own, /create secret generic tessera-hub-jwt/);
    assert.match(own, /only \/api is routed/);
    assert.doesNotMatch(notes(['store-node-production-values.yaml']), /JWT keys/);
  });
  test('a store node without mTLS is told it is for development; auto-enrolment is flagged as development only', () => {
    const text = notes(['store-node-values.yaml']);
    assert.match(text, /WITHOUT mTLS \(mtls\.mode=plaintext: development only\)/);
    assert.match(text, /its gateway dials the hub at https:\/\/tessera-hub-gateway\.tessera-hub\.svc\.cluster\.local:8443/);
    assert.match(text, /bucket tessera-store-0042/);
    assert.match(notes(['store-node-production-values.yaml']), /with mTLS \(client certificate from Secret "store-0042-node-tls"\)/);
    assert.match(text, /autoEnrol=true is for development only/);
    assert.match(text, /serves stores store-0042/);
    assert.match(text, /Its scheduler \(SCHEDULER_ROLE=store-node\) runs these stores' scheduled mining, erasure requests/);
    assert.doesNotMatch(notes(['store-node-values.yaml'], ['services.scheduler.enabled=false']), /Its scheduler/);
    assert.doesNotMatch(notes(['all-values.yaml']), /WARNING/);
  });
});

describe('chart hygiene', () => {
  test('names stay within 63 characters with a long release name', () => {
    for (const values of [['store-node-production-values.yaml'], ['hub-production-values.yaml']]) {
      const docs = mustRender({ release: `store-0042-${'x'.repeat(42)}`, values });
      for (const d of docs) assert.ok(d.metadata.name.length <= 63, d.metadata.name);
      assert.ok(docs.some((d) => d.metadata.name.endsWith('-node')) === (values[0] === 'hub-production-values.yaml'), 'the node-front Services are among them');
    }
  });

  test('Chart.yaml is version 0.5.0, with its changes', () => {
    const [chart] = parseAll(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
    assert.equal(chart.version, '0.5.0');
    assert.match(chart.annotations['artifacthub.io/changes'], /SCHEDULER_ROLE=store-node/);
    assert.match(chart.annotations['artifacthub.io/changes'], /services\.scheduler\.miningAddress/);
    assert.match(chart.annotations['artifacthub.io/changes'], /insights .*FEDERATION_HUB_URL = hub\.federationAddress/);
    assert.match(chart.annotations['artifacthub.io/changes'], /GATEWAY_ROLE=store-node/);
    assert.equal(chart.apiVersion, 'v2');
  });

  test('every values.yaml key is documented', () => {
    const lines = readFileSync(join(chartDir, 'values.yaml'), 'utf8').split('\n');
    const undocumented = [];
    const stack = []; // { indent, documented }
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const m = /^(\s*)(- )?([A-Za-z0-9_./-]+):(\s.*)?$/.exec(line);
      if (!m) continue;
      const indent = m[1].length + (m[2] ? 2 : 0);
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      let j = i - 1;
      while (j >= 0 && lines[j].trim() === '') j--;
      const commented = j >= 0 && lines[j].trim().startsWith('#');
      const docAbove = commented && /#\s--/.test(lines[j]);
      const inherited = stack.some((s) => s.documented) || Boolean(m[2]);
      const inlineValue = (m[4] ?? '').trim() !== '';
      if (inlineValue && !commented && !inherited) undocumented.push(`${i + 1}: ${line.trim()}`);
      stack.push({ indent, documented: docAbove || inherited });
    }
    assert.deepEqual(undocumented, []);
  });

  test('the CI scenarios hold only marked test-only secrets', () => {
    for (const f of scenarios) {
      const text = readFileSync(join(ciDir, f), 'utf8');
      const v = parseAll(text)[0];
      const given = Object.entries(v.secrets ?? {}).filter(([k, x]) => typeof x === 'string' && x && !['existingSecret', 'jwtExistingSecret'].includes(k));
      if (given.length === 0) continue;
      assert.match(text, /TEST-ONLY/, `${f} says its secrets are test-only`);
      for (const [k, x] of given) if (k !== 'jwtVerifyKeys' && k !== 'jwtSigningKeys') assert.match(x, /ci-only/, `${f}: ${k}`);
      for (const k of ['jwtSigningKeys', 'jwtVerifyKeys']) if (v.secrets[k]) for (const jwk of JSON.parse(v.secrets[k])) assert.match(jwk.kid, /test-only/, `${f}: ${k}`);
    }
  });
});
