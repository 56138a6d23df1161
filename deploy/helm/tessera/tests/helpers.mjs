// Shared by the chart's node:test suites: finds helm (scripts/helm-tools.sh) and a YAML
// parser, renders the chart (cached per argument list) and picks the rendered objects apart.
import { spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const chartDir = resolve(here, '..');
export const repoRoot = resolve(chartDir, '../../..');
export const ciDir = join(chartDir, 'ci');

// ---------------------------------------------------------------- tools
function helmTools() {
  if (process.env.HELM && existsSync(process.env.HELM)) return { helm: process.env.HELM, dir: process.env.TESSERA_HELM_TOOLS };
  const helm = execFileSync('bash', [join(repoRoot, 'scripts/helm-tools.sh'), '--path', 'helm'], { encoding: 'utf8' }).trim();
  return { helm, dir: dirname(dirname(helm)) };
}
export const tools = helmTools();

function loadYamlParser() {
  const candidates = [
    join(repoRoot, 'package.json'),
    ...(tools.dir ? [join(tools.dir, 'package.json')] : []),
    ...(process.env.TESSERA_HELM_TOOLS ? [join(process.env.TESSERA_HELM_TOOLS, 'package.json')] : []),
  ];
  for (const base of candidates) {
    const require = createRequire(base);
    try {
      const yaml = require('yaml');
      return (text) => yaml.parseAllDocuments(text).map((d) => {
        if (d.errors.length) throw d.errors[0];
        return d.toJS();
      });
    } catch {
      /* try the next */
    }
    try {
      const jsyaml = require('js-yaml');
      return (text) => jsyaml.loadAll(text);
    } catch {
      /* try the next */
    }
  }
  throw new Error('no YAML parser: run scripts/helm-tools.sh (it caches the `yaml` package) or npm ci');
}
export const parseAll = loadYamlParser();

// ---------------------------------------------------------------- rendering
export const SERVICES = {
  gateway: { side: 'hub', http: 8080, grpc: null },
  auth: { side: 'hub', http: 8081, grpc: 50051 },
  ingestion: { side: 'store-node', http: 8082, grpc: 50052 },
  mining: { side: 'store-node', http: 8083, grpc: 50053 },
  federation: { side: 'hub', http: 8084, grpc: 50054 },
  privacy: { side: 'store-node', http: 8085, grpc: 50055 },
  // Both sides: the hub's consortium insights and each store node's own (INSIGHTS_ROLE).
  insights: { side: 'both', http: 8086, grpc: 50056 },
  scheduler: { side: 'hub', http: 8087, grpc: 50057 },
};
export const HUB = Object.keys(SERVICES).filter((s) => ['hub', 'both'].includes(SERVICES[s].side)).sort();
export const STORE = Object.keys(SERVICES).filter((s) => ['store-node', 'both'].includes(SERVICES[s].side)).sort();

const cache = new Map();
/** Renders the chart; returns { ok, docs, stderr }. */
export function render({ values = [], set = [], literal = [], release = 'rel', namespace = 'tessera' } = {}) {
  const args = ['template', release, chartDir, '--namespace', namespace];
  for (const v of values) args.push('-f', join(ciDir, v));
  for (const s of set) args.push('--set', s);
  for (const s of literal) args.push('--set-literal', s);
  const key = args.join('\0');
  if (cache.has(key)) return cache.get(key);
  const res = spawnSync(tools.helm, args, { encoding: 'utf8' });
  const out = { ok: res.status === 0, stderr: res.stderr, docs: res.status === 0 ? parseAll(res.stdout).filter(Boolean) : [] };
  cache.set(key, out);
  return out;
}
export function mustRender(opts) {
  const out = render(opts);
  assert.ok(out.ok, `helm template failed: ${out.stderr}`);
  return out.docs;
}
export const ofKind = (docs, kind) => docs.filter((d) => d.kind === kind);
export const component = (d) => d.metadata.labels['app.kubernetes.io/component'];
export const deploymentsBy = (docs) => Object.fromEntries(ofKind(docs, 'Deployment').map((d) => [component(d), d]));
export const envOf = (deployment) => Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e) => [e.name, e]));
export const valueOf = (deployment, name) => envOf(deployment)[name]?.value;
export const grpcUrls = (deployment) => Object.fromEntries(Object.entries(envOf(deployment)).filter(([k]) => k.endsWith('_GRPC_URL')).map(([k, e]) => [k, e.value]));
export const scenarioValues = (file) => parseAll(readFileSync(join(ciDir, file), 'utf8'))[0];
// Services that read DATABASE_* and BUS_DRIVER/KAFKA_BROKERS (their config definitions spread databaseVariables/busVariables).
export const USES_DATABASE = new Set(['auth', 'ingestion', 'mining', 'federation', 'privacy', 'insights', 'scheduler']);
export const USES_BUS = new Set(['auth', 'ingestion', 'mining', 'federation', 'privacy', 'insights', 'scheduler']);
// Variables that must come from a Secret (config-test.mjs checks every variable the services mark sensitive).
export const SENSITIVE = /^(DATABASE_URL|CUSTOMER_HASH_KEY|JWT_SIGNING_KEYS|JWT_VERIFY_KEYS|METRICS_TOKEN|BOOTSTRAP_ADMIN_EMAIL|BOOTSTRAP_ADMIN_PASSWORD)$|_PASSWORD$|_SECRET$/;

export const scenarios = readdirSync(ciDir).filter((f) => f.endsWith('-values.yaml')).sort();
export const allScenarios = [{ name: 'default values', values: [] }, ...scenarios.map((f) => ({ name: f, values: [f] }))];

