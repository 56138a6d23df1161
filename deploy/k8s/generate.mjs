#!/usr/bin/env node
// Writes deploy/k8s/base from the Helm chart's default rendering, so the plain manifests
// stay equivalent to the chart. Run after changing the chart:
//   node deploy/k8s/generate.mjs           rewrite deploy/k8s/base
//   node deploy/k8s/generate.mjs --check   exit 1 if deploy/k8s/base is stale
// The overlays (deploy/k8s/overlays/*) are hand-written; deploy/k8s/tests checks that each
// builds to the chart's rendering of the same role.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, k8sDir, normalise, renderChart, tools, yamlLib } from './lib.mjs';

const check = process.argv.includes('--check');
const t = tools();
const yaml = yamlLib(t.dir);
const baseDir = join(k8sDir, 'base');

const header = '# Generated from deploy/helm/tessera (default values) by deploy/k8s/generate.mjs; do not edit.\n';
const dump = (docs) => header + docs.map((d) => yaml.stringify(d, { lineWidth: 0 })).join('---\n');

const docs = renderChart(t, yaml).map((d) => {
  const n = normalise(d);
  n.metadata.labels['app.kubernetes.io/managed-by'] = 'kustomize';
  if (n.spec?.template?.metadata?.labels) n.spec.template.metadata.labels['app.kubernetes.io/managed-by'] = 'kustomize';
  return n;
});

const files = new Map();
const byComponent = (svc) => docs.filter((d) => d.metadata.labels['app.kubernetes.io/component'] === svc);
const shared = docs.filter((d) => !d.metadata.labels['app.kubernetes.io/component']);
for (const d of shared) {
  if (d.kind !== 'ServiceAccount') throw new Error(`unexpected shared ${d.kind} in the default rendering`);
}
files.set('serviceaccount.yaml', dump(shared));
for (const svc of SERVICES) {
  const own = byComponent(svc).sort((a, b) => a.kind.localeCompare(b.kind));
  if (own.length !== 2) throw new Error(`${svc}: expected a Deployment and a Service, got ${own.map((d) => d.kind)}`);
  files.set(`${svc}.yaml`, dump(own));
}
files.set(
  'kustomization.yaml',
  header +
    '# All eight services (the chart\'s role=all). The pods read their secrets from the Secret\n' +
    '# "tessera", which is not part of these manifests: create it in each namespace with the keys\n' +
    '# DATABASE_URL, CUSTOMER_HASH_KEY (ingestion), JWT_SIGNING_KEYS (auth), JWT_VERIFY_KEYS\n' +
    '# (gateway) and optionally METRICS_TOKEN, BOOTSTRAP_ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD\n' +
    '# (see docs/deployment.md). overlays/hub and overlays/store-node select one side.\n' +
    yaml.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['serviceaccount.yaml', ...SERVICES.map((s) => `${s}.yaml`)],
    }),
);

if (check) {
  const stale = [];
  for (const [name, content] of files) {
    const path = join(baseDir, name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(name);
  }
  const extra = existsSync(baseDir) ? readdirSync(baseDir).filter((f) => !files.has(f)) : [];
  if (stale.length || extra.length) {
    console.error(`deploy/k8s/base is stale (${[...stale, ...extra].join(', ')}): run node deploy/k8s/generate.mjs`);
    process.exit(1);
  }
  console.log('deploy/k8s/base matches the chart');
} else {
  mkdirSync(baseDir, { recursive: true });
  for (const [name, content] of files) writeFileSync(join(baseDir, name), content);
  console.log(`wrote ${files.size} files to deploy/k8s/base`);
}
