#!/usr/bin/env node
// Writes deploy/k8s/base from the Helm chart's default rendering and deploy/k8s/overlays/hub
// and overlays/store-node from its role=hub and role=store-node renderings (OVERLAYS in
// lib.mjs: one hub and one store node that dial each other), so the plain manifests stay
// equivalent to the chart and no port is ever written by hand. Run after changing the chart:
//   node deploy/k8s/generate.mjs           rewrite deploy/k8s/base and deploy/k8s/overlays
//   node deploy/k8s/generate.mjs --check   exit 1 if any of them is stale
// deploy/k8s/tests checks that each builds to the chart's rendering and that every address
// the hub and the store node dial reaches a declared port.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { OVERLAYS, SERVICES, k8sDir, normalise, renderChart, tools, yamlLib } from './lib.mjs';

const check = process.argv.includes('--check');
const t = tools();
const yaml = yamlLib(t.dir);
const baseDir = join(k8sDir, 'base');
const kustomizeLabels = (d) => {
  const n = normalise(d);
  n.metadata.labels['app.kubernetes.io/managed-by'] = 'kustomize';
  if (n.spec?.template?.metadata?.labels) n.spec.template.metadata.labels['app.kubernetes.io/managed-by'] = 'kustomize';
  return n;
};

const header = '# Generated from deploy/helm/tessera (default values) by deploy/k8s/generate.mjs; do not edit.\n';
const overlayHeader = '# Generated from deploy/helm/tessera (OVERLAYS in deploy/k8s/lib.mjs) by deploy/k8s/generate.mjs; do not edit.\n';
const dump = (docs) => header + docs.map((d) => yaml.stringify(d, { lineWidth: 0 })).join('---\n');

const docs = renderChart(t, yaml).map(kustomizeLabels);

const files = new Map(); // path under deploy/k8s -> content
const byComponent = (svc) => docs.filter((d) => d.metadata.labels['app.kubernetes.io/component'] === svc);
const shared = docs.filter((d) => !d.metadata.labels['app.kubernetes.io/component']);
for (const d of shared) {
  if (d.kind !== 'ServiceAccount') throw new Error(`unexpected shared ${d.kind} in the default rendering`);
}
files.set('base/serviceaccount.yaml', dump(shared));
for (const svc of SERVICES) {
  const own = byComponent(svc).sort((a, b) => a.kind.localeCompare(b.kind));
  if (own.length !== 2) throw new Error(`${svc}: expected a Deployment and a Service, got ${own.map((d) => d.kind)}`);
  files.set(`base/${svc}.yaml`, dump(own));
}
files.set(
  'base/kustomization.yaml',
  header +
    '# All eight services (the chart\'s role=all). The pods read their secrets from the Secret\n' +
    '# "tessera", which is not part of these manifests: create it in each namespace with the keys\n' +
    '# DATABASE_URL, CUSTOMER_HASH_KEY, S3_ACCESS_KEY and S3_SECRET_KEY (ingestion), JWT_SIGNING_KEYS\n' +
    '# (auth), JWT_VERIFY_KEYS (gateway) and optionally METRICS_TOKEN, BOOTSTRAP_ADMIN_EMAIL,\n' +
    '# BOOTSTRAP_ADMIN_PASSWORD\n' +
    '# (see docs/deployment.md). overlays/hub and overlays/store-node select one side.\n' +
    yaml.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['serviceaccount.yaml', ...SERVICES.map((s) => `${s}.yaml`)],
    }),
);

// The overlays: one role each, the whole rendering (a role changes the environment of most
// Deployments, so patches over base would restate most of it), in the overlay's namespace.
for (const [dir, o] of Object.entries(OVERLAYS)) {
  const rendered = renderChart(t, yaml, o.args).map(kustomizeLabels);
  files.set(`overlays/${dir}/resources.yaml`, overlayHeader + dump(rendered).slice(header.length));
  files.set(
    `overlays/${dir}/kustomization.yaml`,
    overlayHeader +
      o.comment.map((l) => `# ${l}`.trimEnd()).join('\n') +
      '\n# Equivalent to\n#   helm template tessera deploy/helm/tessera \\\n' +
      o.args.filter((a) => a !== '--set').map((a) => `#     --set '${a}'`).join(' \\\n') +
      '\n# Build:  kubectl kustomize deploy/k8s/overlays/' + dir + ' | kubectl apply -f -\n' +
      yaml.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: o.namespace, resources: ['resources.yaml'] }),
  );
}

const dirs = ['base', ...Object.keys(OVERLAYS).map((d) => `overlays/${d}`)];
if (check) {
  const stale = [];
  for (const [name, content] of files) {
    const path = join(k8sDir, name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(name);
  }
  const extra = dirs.flatMap((d) => (existsSync(join(k8sDir, d)) ? readdirSync(join(k8sDir, d)).map((f) => `${d}/${f}`) : [])).filter((f) => !files.has(f));
  if (stale.length || extra.length) {
    console.error(`deploy/k8s is stale (${[...stale, ...extra].join(', ')}): run node deploy/k8s/generate.mjs`);
    process.exit(1);
  }
  console.log('deploy/k8s/base and deploy/k8s/overlays match the chart');
} else {
  for (const d of dirs) mkdirSync(join(k8sDir, d), { recursive: true });
  for (const [name, content] of files) writeFileSync(join(k8sDir, name), content);
  console.log(`wrote ${files.size} files to deploy/k8s/base and deploy/k8s/overlays`);
}
