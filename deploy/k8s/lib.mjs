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

/** The chart's default rendering (role=all, release "tessera") as plain objects. */
export function renderChart(t, yaml, extraArgs = []) {
  const out = run(t.helm, ['template', 'tessera', chartDir, ...extraArgs]);
  return yaml
    .parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean)
    .filter((d) => !d.metadata?.annotations?.['helm.sh/hook']); // `helm test` Pods are Helm-only
}
