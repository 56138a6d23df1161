#!/usr/bin/env node
// The plain manifests build offline with `kubectl kustomize` and are equivalent to the
// chart: base = default values (role=all), overlays/hub = role=hub with the example store
// node's addresses, overlays/store-node = role=store-node with the example hub address and
// store id.
//   node --test deploy/k8s/tests/k8s-test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { k8sDir, normalise, renderChart, run, tools, yamlLib } from '../lib.mjs';

const t = tools();
const yaml = yamlLib(t.dir);

function kustomize(dir) {
  return yaml
    .parseAllDocuments(run(t.kubectl, ['kustomize', join(k8sDir, dir)]))
    .map((d) => d.toJS())
    .filter(Boolean);
}
const key = (d) => `${d.kind}/${d.metadata.name}`;
// Env order is irrelevant (no $(VAR) references) and a strategic-merge patch may reorder it.
function sortEnv(doc) {
  for (const c of doc.spec?.template?.spec?.containers ?? []) c.env?.sort((a, b) => a.name.localeCompare(b.name));
  return doc;
}
const index = (docs) => Object.fromEntries(docs.map((d) => [key(d), sortEnv(normalise(d))]));

function assertEquivalent(dir, helmArgs, namespace) {
  const built = kustomize(dir);
  if (namespace) for (const d of built) assert.equal(d.metadata.namespace, namespace, `${key(d)} namespace`);
  const fromKustomize = index(built);
  const fromChart = index(renderChart(t, yaml, helmArgs));
  assert.deepEqual(Object.keys(fromKustomize).sort(), Object.keys(fromChart).sort());
  for (const k of Object.keys(fromChart)) assert.deepEqual(fromKustomize[k], fromChart[k], k);
}

test('base is up to date with the chart (node deploy/k8s/generate.mjs --check)', () => {
  run(process.execPath, [join(k8sDir, 'generate.mjs'), '--check']);
});

test('base builds to the chart defaults (role=all)', () => assertEquivalent('base', [], undefined));

test('overlays/hub builds to the chart with role=hub', () =>
  assertEquivalent(
    'overlays/hub',
    [
      '--set', 'role=hub',
      '--set', 'services.gateway.storeNodeAddresses.ingestion=tessera-ingestion.tessera-store.svc.cluster.local:50052',
      '--set', 'services.gateway.storeNodeAddresses.mining=tessera-mining.tessera-store.svc.cluster.local:50053',
      '--set', 'services.gateway.storeNodeAddresses.privacy=tessera-privacy.tessera-store.svc.cluster.local:50055',
      '--set', 'services.gateway.storeNodeAddresses.insights=tessera-insights.tessera-store.svc.cluster.local:50056',
    ],
    'tessera-hub',
  ));

test('overlays/store-node builds to the chart with role=store-node', () =>
  assertEquivalent(
    'overlays/store-node',
    ['--set', 'role=store-node', '--set', 'hub.federationAddress=federation.tessera.example.com:443', '--set', 'services.privacy.federation.storeIds={store-0042}'],
    'tessera-store',
  ));

test('the pods of the plain manifests read the Secret "tessera"; auth and the gateway get the JWT keys', () => {
  const docs = kustomize('base');
  const refs = new Map();
  for (const d of docs.filter((x) => x.kind === 'Deployment')) {
    for (const e of d.spec.template.spec.containers[0].env) {
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref) continue;
      assert.equal(ref.name, 'tessera', `${d.metadata.name} ${e.name}`);
      refs.set(`${d.metadata.name}/${e.name}`, ref.key);
    }
  }
  assert.equal(refs.get('tessera-auth/JWT_SIGNING_KEYS'), 'JWT_SIGNING_KEYS');
  assert.equal(refs.get('tessera-gateway/JWT_VERIFY_KEYS'), 'JWT_VERIFY_KEYS');
  assert.equal(refs.get('tessera-ingestion/CUSTOMER_HASH_KEY'), 'CUSTOMER_HASH_KEY');
});
