#!/usr/bin/env node
// The plain manifests build offline with `kubectl kustomize` and are equivalent to the
// chart: base = default values (role=all), overlays/hub = role=hub,
// overlays/store-node = role=store-node with the example hub address.
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

test('overlays/hub builds to the chart with role=hub', () => assertEquivalent('overlays/hub', ['--set', 'role=hub'], 'tessera-hub'));

test('overlays/store-node builds to the chart with role=store-node', () =>
  assertEquivalent('overlays/store-node', ['--set', 'role=store-node', '--set', 'hub.federationAddress=federation.tessera.example.com:443'], 'tessera-store'));
