// Shared helpers for deploy/k8s: find helm/kubectl (scripts/helm-tools.sh) and a YAML
// library (the repo's node_modules, else the copy scripts/helm-tools.sh caches).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const k8sDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(k8sDir, '../..');
export const chartDir = join(repoRoot, 'deploy/helm/tessera');

export function tools() {
  let helm = process.env.HELM;
  let kubectl = process.env.KUBECTL;
  if (!helm || !existsSync(helm) || !kubectl || !existsSync(kubectl)) {
    helm = execFileSync('bash', [join(repoRoot, 'scripts/helm-tools.sh'), '--path', 'helm'], { encoding: 'utf8' }).trim();
    kubectl = join(dirname(helm), 'kubectl');
  }
  return { helm, kubectl, dir: dirname(dirname(helm)) };
}

export function yamlLib(toolsDir) {
  // The helm-tools copy first: it is pinned, so generated files are the same everywhere.
  for (const base of [join(toolsDir, 'package.json'), join(repoRoot, 'package.json')]) {
    try {
      return createRequire(base)('yaml');
    } catch {
      /* next */
    }
  }
  throw new Error('the `yaml` package is missing: run scripts/helm-tools.sh (it caches one) or npm ci');
}

export function run(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr}`);
  return res.stdout;
}

/** Drops what only Helm adds (chart label, managed-by, namespace) so chart and kustomize output compare. */
export function normalise(doc) {
  const copy = structuredClone(doc);
  const strip = (labels) => {
    if (!labels) return;
    delete labels['helm.sh/chart'];
    delete labels['app.kubernetes.io/managed-by'];
  };
  delete copy.metadata.namespace;
  strip(copy.metadata.labels);
  strip(copy.spec?.template?.metadata?.labels);
  return copy;
}

export const SERVICES = ['gateway', 'auth', 'federation', 'insights', 'scheduler', 'ingestion', 'mining', 'privacy'];

/**
 * The generated overlays: a hub (namespace tessera-hub) and one store node (tessera-store) of
 * release "tessera", dialling each other inside the cluster over mTLS. Their certificates are
 * the Secret "tessera-node-tls" (tls.crt, tls.key, ca.crt) in each namespace.
 */
export const OVERLAYS = {
  hub: {
    namespace: 'tessera-hub',
    comment: [
      'The hub: gateway (GATEWAY_ROLE=hub, REST API and the node front on node-api), auth, federation,',
      'insights (INSIGHTS_ROLE=hub), scheduler (SCHEDULER_ROLE=hub; it never dials a store node).',
      'Create in the namespace the Secret "tessera"',
      '(DATABASE_URL, JWT_SIGNING_KEYS, JWT_VERIFY_KEYS) and the Secret "tessera-node-tls" (the hub',
      'certificate: `tessera admin hub-cert`); see docs/deployment.md. Generated: change the chart,',
      'or OVERLAYS in deploy/k8s/lib.mjs, and run node deploy/k8s/generate.mjs.',
    ],
    args: [
      '--set', 'role=hub',
      '--set', 'mtls.serverCertSecretName=tessera-node-tls',
    ],
  },
  'store-node': {
    namespace: 'tessera-store',
    comment: [
      'One store node: gateway (GATEWAY_ROLE=store-node, the store\'s front door), ingestion, mining,',
      'privacy, insights (INSIGHTS_ROLE=store-node), scheduler (SCHEDULER_ROLE=store-node: the node\'s',
      'scheduled mining and erasure requests); the gateway, privacy and insights dial the hub of',
      'overlays/hub. Create in the namespace the Secret "tessera" (DATABASE_URL, CUSTOMER_HASH_KEY,',
      'S3_ACCESS_KEY, S3_SECRET_KEY) and the Secret "tessera-node-tls" (this node\'s certificate:',
      '`tessera admin node-cert --store store-0042`). For another store: change OVERLAYS in',
      'deploy/k8s/lib.mjs (namespace, store ids, bucket) and run node deploy/k8s/generate.mjs.',
    ],
    args: [
      '--set', 'role=store-node',
      '--set', 'hub.gatewayUrl=https://tessera-gateway.tessera-hub.svc.cluster.local:8443',
      '--set', 'hub.federationAddress=tessera-federation.tessera-hub.svc.cluster.local:50058',
      '--set', 'services.privacy.federation.storeIds={store-0042}',
      '--set', 'services.ingestion.objectStorage.endpoint=http://minio.tessera-store.svc.cluster.local:9000',
      '--set', 'services.ingestion.objectStorage.bucket=tessera-store-0042',
      '--set', 'mtls.clientCertSecretName=tessera-node-tls',
    ],
  },
};

/** The chart's default rendering (role=all, release "tessera") as plain objects. */
export function renderChart(t, yaml, extraArgs = []) {
  const out = run(t.helm, ['template', 'tessera', chartDir, ...extraArgs]);
  return yaml
    .parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean)
    .filter((d) => !d.metadata?.annotations?.['helm.sh/hook']); // `helm test` Pods are Helm-only
}
