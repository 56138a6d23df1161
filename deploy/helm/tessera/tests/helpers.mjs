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
// The services, their side and their ports (services.<name>.ports in values.yaml; node-api is
// the hub gateway's node front, rendered with role=hub only).
export const SERVICES = {
  // Both sides: the hub's REST API and node front (GATEWAY_ROLE=hub), each store node's front door (store-node).
  gateway: { side: 'both', http: 8080, grpc: null, nodeApi: 8443 },
  auth: { side: 'hub', http: 8081, grpc: 50051 },
  ingestion: { side: 'store-node', http: 8082, grpc: 50052 },
  mining: { side: 'store-node', http: 8083, grpc: 50053 },
  federation: { side: 'hub', http: 8084, grpc: 50054, grpcNode: 50058 },
  privacy: { side: 'store-node', http: 8085, grpc: 50055 },
  // Both sides: the hub's consortium insights and each store node's own (INSIGHTS_ROLE).
  insights: { side: 'both', http: 8086, grpc: 50056 },
  // Both sides: the hub's rounds, refreshes and hub retention (SCHEDULER_ROLE=hub), each store node's mining, erasure and raw-data retention (store-node).
  scheduler: { side: 'both', http: 8087, grpc: 50057 },
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


// ---------------------------------------------------------------- port consistency
// Every port a service listens on is declared once (services.<name>.ports); these checks read
// only the rendered objects, so they catch a port that drifts anywhere: a Service, a
// containerPort, a *_PORT variable, a probe, a NetworkPolicy, an Ingress backend, or an address
// a peer dials.

/** The Service port name an address variable must reach (null: any declared port). */
export const DIAL_PORT_NAMES = [
  [/^FEDERATION_HUB_URL$/, 'grpc-node'],
  [/^HUB_URL$/, 'node-api'],
  [/^FEDERATION_AUTO_ENROL_URL$/, 'grpc'],
  [/_GRPC_URL$/, 'grpc'],
];
/** Variables holding addresses a service dials. */
export const isDialVariable = (name) => /(_URL|_BROKERS|_ENDPOINT|_ADDRESS)$/.test(name);
/** The variables that announce a containerPort, by port name. */
export const PORT_VARIABLES = { http: 'HTTP_PORT', grpc: 'GRPC_PORT', 'grpc-node': 'NODE_GRPC_PORT', 'node-api': 'NODE_API_PORT' };

const DEFAULT_PORTS = { 'https:': 443, 'http:': 80, 'redis:': 6379, 'rediss:': 6379, 'postgres:': 5432 };
/** host:port pairs of one variable value (a host:port, a URL, or a comma list of either). */
export function parseAddresses(value) {
  return String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
        const u = new URL(v);
        return { host: u.hostname, port: Number(u.port || DEFAULT_PORTS[u.protocol] || 0), raw: v };
      }
      const m = /^(.+):(\d+)$/.exec(v);
      return m ? { host: m[1], port: Number(m[2]), raw: v } : { host: v, port: 0, raw: v };
    });
}

const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const podsOf = (release, selector) => ofKind(release.docs, 'Deployment').filter((d) => matches(selector, d.spec.template.metadata.labels));
const containerPorts = (d) => d.spec.template.spec.containers.flatMap((c) => c.ports ?? []);

/**
 * Checks that one release's objects agree on every port: each Service port targets a
 * containerPort of the same name and number on the pods it selects; each containerPort is
 * announced by its *_PORT variable (and NODE_API_PORT=0 means no node-api port); probes,
 * NetworkPolicy rules and Ingress backends name ports that exist. Returns the problems found.
 */
export function wiringProblems(release) {
  const problems = [];
  const where = (d) => `${release.namespace}/${d.kind}/${d.metadata.name}`;
  for (const svc of ofKind(release.docs, 'Service')) {
    const pods = podsOf(release, svc.spec.selector);
    if (!pods.length) problems.push(`${where(svc)} selects no Deployment`);
    for (const p of svc.spec.ports) {
      for (const d of pods) {
        const cp = containerPorts(d).find((c) => c.name === p.targetPort || c.containerPort === p.targetPort);
        if (!cp) problems.push(`${where(svc)} port ${p.name} targets ${p.targetPort}, which ${where(d)} does not declare`);
        else if (cp.containerPort !== p.port) problems.push(`${where(svc)} port ${p.name} is ${p.port} but ${where(d)} listens on ${cp.containerPort}`);
      }
    }
  }
  for (const d of ofKind(release.docs, 'Deployment')) {
    const [c] = d.spec.template.spec.containers;
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    for (const [name, variable] of Object.entries(PORT_VARIABLES)) {
      if (ports[name] !== undefined && env[variable] !== String(ports[name])) problems.push(`${where(d)}: containerPort ${name} is ${ports[name]} but ${variable}=${env[variable]}`);
      if (ports[name] === undefined && env[variable] !== undefined && env[variable] !== '0') problems.push(`${where(d)}: ${variable}=${env[variable]} but no containerPort ${name}`);
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const port = c[probe]?.httpGet?.port;
      if (port !== undefined && ports[port] === undefined && !Object.values(ports).includes(port)) problems.push(`${where(d)}: ${probe} uses port ${port}, which is not declared`);
    }
  }
  for (const np of ofKind(release.docs, 'NetworkPolicy')) {
    const pods = podsOf(release, np.spec.podSelector.matchLabels);
    for (const rule of np.spec.ingress ?? []) {
      for (const p of rule.ports ?? []) {
        for (const d of pods) {
          if (typeof p.port === 'string' && !containerPorts(d).some((c) => c.name === p.port)) problems.push(`${where(np)} opens port ${p.port}, which ${where(d)} does not declare`);
        }
      }
    }
  }
  for (const ing of ofKind(release.docs, 'Ingress')) {
    for (const path of ing.spec.rules.flatMap((r) => r.http.paths)) {
      const { name, port } = path.backend.service;
      const svc = ofKind(release.docs, 'Service').find((s) => s.metadata.name === name);
      if (!svc) problems.push(`${where(ing)} routes to Service ${name}, which is not rendered`);
      else if (!svc.spec.ports.some((p) => (port.name ? p.name === port.name : p.port === port.number))) problems.push(`${where(ing)} routes to ${name} port ${port.name ?? port.number}, which it does not declare`);
    }
  }
  return problems;
}

/**
 * Resolves every address a container of these releases dials (the *_URL, *_BROKERS,
 * *_ENDPOINT, *_ADDRESS variables) that points at one of the releases: a Service by name (same
 * namespace), name.namespace[.svc[.cluster.local]], an ExternalDNS hostname annotation, or an
 * Ingress host. Each must reach a port the Service declares, of the name the variable needs
 * (FEDERATION_HUB_URL the grpc-node port, HUB_URL node-api, *_GRPC_URL grpc). An address that
 * names one of the chart's Services (it starts with a release's prefix, e.g. rel-tessera-) but
 * no rendered one is a problem too; anything else (Kafka, Redis, S3, OTLP) is external.
 * Returns { problems, resolved, external, links }; links: one { from, component, variable,
 * address, to, toNamespace, port, crossesReleases } per resolved address, for crossReleaseProblems.
 * releases: [{ namespace, docs, prefix? }]
 */
export function dialProblems(releases) {
  const index = new Map(); // host -> [{ release, ports: [{name, port}], what }]
  const add = (host, entry) => index.set(host, [...(index.get(host) ?? []), entry]);
  for (const r of releases) {
    for (const svc of ofKind(r.docs, 'Service')) {
      const n = svc.metadata.name;
      const ports = svc.spec.ports.map((p) => ({ name: p.name, port: p.port }));
      const entry = { release: r, ports, what: `Service ${r.namespace}/${n}` };
      add(`${r.namespace}\0${n}`, entry);
      for (const h of [`${n}.${r.namespace}`, `${n}.${r.namespace}.svc`, `${n}.${r.namespace}.svc.cluster.local`]) add(h, entry);
      const dns = svc.metadata.annotations?.['external-dns.alpha.kubernetes.io/hostname'];
      if (dns) for (const h of dns.split(',')) add(h.trim(), { ...entry, what: `${entry.what} (ExternalDNS ${h.trim()})` });
    }
    for (const ing of ofKind(r.docs, 'Ingress')) {
      const tlsHosts = new Set((ing.spec.tls ?? []).flatMap((t) => t.hosts ?? []));
      for (const rule of ing.spec.rules) {
        const backends = rule.http.paths.map((p) => p.backend.service);
        const ports = backends.map((b) => {
          const svc = ofKind(r.docs, 'Service').find((s) => s.metadata.name === b.name);
          const p = svc?.spec.ports.find((x) => (b.port.name ? x.name === b.port.name : x.port === b.port.number));
          return { name: p?.name ?? `(missing ${b.name}:${b.port.name ?? b.port.number})`, port: tlsHosts.has(rule.host) ? 443 : 80 };
        });
        add(rule.host, { release: r, ports, what: `Ingress ${r.namespace}/${ing.metadata.name} (${rule.host})` });
      }
    }
  }
  const prefixes = releases.map((r) => r.prefix).filter(Boolean);
  const problems = [];
  const resolved = [];
  const external = [];
  const links = [];
  for (const r of releases) {
    for (const d of ofKind(r.docs, 'Deployment')) {
      for (const e of d.spec.template.spec.containers.flatMap((c) => c.env ?? [])) {
        if (!isDialVariable(e.name) || e.value === undefined) continue;
        const wanted = DIAL_PORT_NAMES.find(([re]) => re.test(e.name))?.[1] ?? null;
        for (const a of parseAddresses(e.value)) {
          const who = `${r.namespace}/${d.metadata.name} ${e.name}=${a.raw}`;
          const targets = index.get(`${r.namespace}\0${a.host}`) ?? index.get(a.host);
          if (!targets) {
            // A name of this chart's Services (<release prefix>-<service>[.namespace...]) that is not rendered.
            const looksInside = prefixes.some((p) => a.host.startsWith(`${p}-`));
            if (looksInside) problems.push(`${who}: no rendered Service is called ${a.host}`);
            else external.push(`${e.name}=${a.raw}`);
            continue;
          }
          const hits = targets.flatMap((t) => t.ports.filter((p) => p.port === a.port).map((p) => ({ ...p, what: t.what, release: t.release })));
          if (!hits.length) {
            problems.push(`${who}: ${targets.map((t) => t.what).join(', ')} declares no port ${a.port} (it has ${targets.flatMap((t) => t.ports.map((p) => `${p.name} ${p.port}`)).join(', ')})`);
          } else if (wanted && !hits.some((h) => h.name === wanted)) {
            problems.push(`${who}: port ${a.port} of ${hits[0].what} is ${hits.map((h) => h.name).join('/')}, but ${e.name} must reach the ${wanted} port`);
          } else {
            const hit = hits.find((h) => !wanted || h.name === wanted);
            resolved.push(`${e.name}=${a.raw} -> ${hits[0].what} ${hits[0].name}`);
            links.push({ from: `${r.namespace}/${d.metadata.name}`, component: component(d), variable: e.name, address: a.raw, to: hit.what, toNamespace: hit.release.namespace, port: hit.name, crossesReleases: hit.release !== r });
          }
        }
      }
    }
  }
  return { problems, resolved, external, links };
}

/**
 * The links allowed between two releases (a hub and a store node), as component, variable and
 * the port name it reaches. A store node reaches the hub only at its node-facing ports, over
 * mTLS: the gateway the hub gateway's node front (HUB_URL, node-api), privacy and insights
 * federation's node port (FEDERATION_HUB_URL, grpc-node); privacy's development-only
 * auto-enrolment (FEDERATION_AUTO_ENROL_URL) is the one call to the coordinator API. The hub
 * never dials into a store node (a store node's own scheduler runs its scheduled mining).
 */
export const CROSS_RELEASE_LINKS = [
  ['gateway', 'HUB_URL', 'node-api'],
  ['privacy', 'FEDERATION_HUB_URL', 'grpc-node'],
  ['insights', 'FEDERATION_HUB_URL', 'grpc-node'],
  ['privacy', 'FEDERATION_AUTO_ENROL_URL', 'grpc'],
];
/** The links of dialProblems(...).links that cross from one release to another other than CROSS_RELEASE_LINKS. */
export function crossReleaseProblems(links) {
  return links
    .filter((l) => l.crossesReleases && !CROSS_RELEASE_LINKS.some(([c, v, p]) => c === l.component && v === l.variable && p === l.port))
    .map((l) => `${l.from} ${l.variable}=${l.address} reaches ${l.to} ${l.port} in another release: only ${CROSS_RELEASE_LINKS.map(([c, v, p]) => `${c} ${v} (${p})`).join(', ')} may cross`);
}
