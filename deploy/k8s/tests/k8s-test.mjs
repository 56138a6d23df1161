#!/usr/bin/env node
// The plain manifests build offline with `kubectl kustomize` and are equivalent to the
// chart: base = default values (role=all), overlays/hub and overlays/store-node = the chart's
// role=hub and role=store-node renderings of OVERLAYS (deploy/k8s/lib.mjs), one hub and one
// store node dialling each other; every address they dial reaches a declared port.
//   node --test deploy/k8s/tests/k8s-test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OVERLAYS, k8sDir, normalise, renderChart, run, tools, yamlLib } from '../lib.mjs';
import { crossReleaseProblems, dialProblems, wiringProblems } from '../../helm/tessera/tests/helpers.mjs';

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

for (const [dir, o] of Object.entries(OVERLAYS)) {
  test(`overlays/${dir} builds to the chart with ${o.args[1]}`, () => assertEquivalent(`overlays/${dir}`, o.args, o.namespace));
}

test('ports: the base alone, and the hub and store-node overlays together, dial only declared ports of the right name', () => {
  const base = { namespace: 'default', prefix: 'tessera', docs: kustomize('base') };
  assert.deepEqual(wiringProblems(base), []);
  assert.deepEqual(dialProblems([base]).problems, []);
  const overlays = Object.entries(OVERLAYS).map(([dir, o]) => ({ namespace: o.namespace, prefix: 'tessera', docs: kustomize(`overlays/${dir}`) }));
  for (const r of overlays) assert.deepEqual(wiringProblems(r), [], r.namespace);
  const out = dialProblems(overlays);
  assert.deepEqual(out.problems, []);
  const resolved = out.resolved.join('\n');
  for (const link of [
    /^HUB_URL=https:\/\/tessera-gateway\.tessera-hub\.svc\.cluster\.local:8443 -> Service tessera-hub\/tessera-gateway node-api$/m,
    /^FEDERATION_HUB_URL=tessera-federation\.tessera-hub\.svc\.cluster\.local:50058 -> Service tessera-hub\/tessera-federation grpc-node$/m,
    /^SCHEDULER_GRPC_URL=tessera-scheduler:50057 -> Service tessera-store\/tessera-scheduler grpc$/m,
    /^MINING_GRPC_URL=tessera-mining:50053 -> Service tessera-store\/tessera-mining grpc$/m,
  ]) assert.match(resolved, link);
  // The hub never dials into the store node: its scheduler reaches only auth and federation; the store node's scheduler its own mining.
  const hubToStore = out.links.filter((l) => l.crossesReleases && l.from.startsWith('tessera-hub/'));
  assert.deepEqual(hubToStore, [], 'nothing of the hub reaches the store node');
  const schedulers = Object.fromEntries(out.links.filter((l) => l.component === 'scheduler').map((l) => [`${l.from} ${l.variable}`, l.to]));
  assert.deepEqual(schedulers, {
    'tessera-hub/tessera-scheduler AUTH_GRPC_URL': 'Service tessera-hub/tessera-auth',
    'tessera-hub/tessera-scheduler FEDERATION_GRPC_URL': 'Service tessera-hub/tessera-federation',
    'tessera-store/tessera-scheduler MINING_GRPC_URL': 'Service tessera-store/tessera-mining',
  });
  // The store node reaches the hub only at its node-facing ports: privacy and insights both at federation's node port, nothing at the coordinator API.
  assert.doesNotMatch(resolved, /^FEDERATION_GRPC_URL=tessera-federation\.tessera-hub\./m, 'no store-node service dials the hub\'s coordinator API');
  assert.deepEqual(crossReleaseProblems(out.links), []);
  const toNodePort = out.links.filter((l) => l.crossesReleases && l.variable === 'FEDERATION_HUB_URL' && l.port === 'grpc-node').map((l) => l.from).sort();
  assert.deepEqual(toNodePort, ['tessera-store/tessera-insights', 'tessera-store/tessera-privacy']);
});

test('negative: an overlay dialling a wrong port is caught', () => {
  const [hub, store] = Object.entries(OVERLAYS).map(([dir, o]) => ({ namespace: o.namespace, prefix: 'tessera', docs: kustomize(`overlays/${dir}`) }));
  const broken = structuredClone(store);
  const privacy = broken.docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'tessera-privacy').spec.template.spec.containers[0];
  privacy.env.find((e) => e.name === 'FEDERATION_HUB_URL').value = 'tessera-federation.tessera-hub.svc.cluster.local:50054';
  assert.match(dialProblems([hub, broken]).problems.join('\n'), /FEDERATION_HUB_URL=.*:50054: port 50054 of Service tessera-hub\/tessera-federation is grpc, but FEDERATION_HUB_URL must reach the grpc-node port/);
});

test('negative: the store node\'s insights at the hub\'s coordinator API (the wiring of chart 0.4.0) is caught', () => {
  const [hub, store] = Object.entries(OVERLAYS).map(([dir, o]) => ({ namespace: o.namespace, prefix: 'tessera', docs: kustomize(`overlays/${dir}`) }));
  const broken = structuredClone(store);
  const insights = broken.docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'tessera-insights').spec.template.spec.containers[0];
  insights.env = insights.env.filter((e) => e.name !== 'FEDERATION_HUB_URL');
  insights.env.push({ name: 'FEDERATION_GRPC_URL', value: 'tessera-federation.tessera-hub.svc.cluster.local:50054' });
  const out = dialProblems([hub, broken]);
  assert.deepEqual(out.problems, [], 'a declared grpc port: the port check alone passes it');
  assert.deepEqual(crossReleaseProblems(out.links).map((p) => p.split(' reaches ')[0]), ['tessera-store/tessera-insights FEDERATION_GRPC_URL=tessera-federation.tessera-hub.svc.cluster.local:50054']);
});

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
  assert.equal(refs.get('tessera-ingestion/S3_SECRET_KEY'), 'S3_SECRET_KEY');
  // The store node's scheduler hashes erasure requests' customer ids with the same key; the hub's never gets it.
  const keyOf = (dir, name) => kustomize(dir).find((x) => x.kind === 'Deployment' && x.metadata.name === name).spec.template.spec.containers[0].env.find((e) => e.name === 'CUSTOMER_HASH_KEY');
  assert.deepEqual(keyOf('overlays/store-node', 'tessera-scheduler').valueFrom.secretKeyRef, { name: 'tessera', key: 'CUSTOMER_HASH_KEY', optional: true });
  assert.equal(keyOf('overlays/hub', 'tessera-scheduler'), undefined);
});
