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
import { spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chartDir = resolve(here, '..');
const repoRoot = resolve(chartDir, '../../..');
const ciDir = join(chartDir, 'ci');

// ---------------------------------------------------------------- tools
function helmTools() {
  if (process.env.HELM && existsSync(process.env.HELM)) return { helm: process.env.HELM, dir: process.env.TESSERA_HELM_TOOLS };
  const helm = execFileSync('bash', [join(repoRoot, 'scripts/helm-tools.sh'), '--path', 'helm'], { encoding: 'utf8' }).trim();
  return { helm, dir: dirname(dirname(helm)) };
}
const tools = helmTools();

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
const parseAll = loadYamlParser();

// ---------------------------------------------------------------- rendering
const SERVICES = {
  gateway: { side: 'hub', http: 8080, grpc: null },
  auth: { side: 'hub', http: 8081, grpc: 50051 },
  ingestion: { side: 'store-node', http: 8082, grpc: 50052 },
  mining: { side: 'store-node', http: 8083, grpc: 50053 },
  federation: { side: 'hub', http: 8084, grpc: 50054 },
  privacy: { side: 'store-node', http: 8085, grpc: 50055 },
  insights: { side: 'hub', http: 8086, grpc: 50056 },
  scheduler: { side: 'hub', http: 8087, grpc: 50057 },
};
const HUB = Object.keys(SERVICES).filter((s) => SERVICES[s].side === 'hub').sort();
const STORE = Object.keys(SERVICES).filter((s) => SERVICES[s].side === 'store-node').sort();

const cache = new Map();
/** Renders the chart; returns { ok, docs, stderr }. */
function render({ values = [], set = [], release = 'rel', namespace = 'tessera' } = {}) {
  const args = ['template', release, chartDir, '--namespace', namespace];
  for (const v of values) args.push('-f', join(ciDir, v));
  for (const s of set) args.push('--set', s);
  const key = args.join('\0');
  if (cache.has(key)) return cache.get(key);
  const res = spawnSync(tools.helm, args, { encoding: 'utf8' });
  const out = { ok: res.status === 0, stderr: res.stderr, docs: res.status === 0 ? parseAll(res.stdout).filter(Boolean) : [] };
  cache.set(key, out);
  return out;
}
function mustRender(opts) {
  const out = render(opts);
  assert.ok(out.ok, `helm template failed: ${out.stderr}`);
  return out.docs;
}
const ofKind = (docs, kind) => docs.filter((d) => d.kind === kind);
const component = (d) => d.metadata.labels['app.kubernetes.io/component'];
const deploymentsBy = (docs) => Object.fromEntries(ofKind(docs, 'Deployment').map((d) => [component(d), d]));
const envOf = (deployment) => Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e) => [e.name, e]));

const scenarios = readdirSync(ciDir).filter((f) => f.endsWith('-values.yaml')).sort();
const allScenarios = [{ name: 'default values', values: [] }, ...scenarios.map((f) => ({ name: f, values: [f] }))];

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

  test('store-node values render ingestion, mining, privacy only', () => {
    const docs = mustRender({ values: ['store-node-values.yaml'] });
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), STORE);
    assert.deepEqual(ofKind(docs, 'Service').map(component).sort(), STORE);
  });

  test('store node dials the hub federation address; hub services never get store-node addresses', () => {
    const store = deploymentsBy(mustRender({ values: ['store-node-values.yaml'] }));
    for (const d of Object.values(store)) {
      const env = envOf(d);
      assert.equal(env.FEDERATION_GRPC_URL.value, 'federation.tessera.example.com:443');
      assert.equal(env.AUTH_GRPC_URL, undefined, 'no hub auth address was given');
      assert.equal(env.MINING_GRPC_URL.value, 'rel-tessera-mining:50053');
    }
    const hub = deploymentsBy(mustRender({ values: ['hub-values.yaml'] }));
    for (const d of Object.values(hub)) {
      const env = envOf(d);
      for (const v of ['INGESTION_GRPC_URL', 'MINING_GRPC_URL', 'PRIVACY_GRPC_URL']) assert.equal(env[v], undefined, `${component(d)} ${v}`);
      assert.equal(env.FEDERATION_GRPC_URL.value, 'rel-tessera-federation:50054');
    }
  });

  test('a service can be disabled within its role', () => {
    const docs = mustRender({ values: ['hub-values.yaml'], set: ['services.insights.enabled=false'] });
    assert.deepEqual(Object.keys(deploymentsBy(docs)).sort(), HUB.filter((s) => s !== 'insights'));
  });
});

describe('every Deployment, in every scenario', () => {
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
        assert.ok(annotated || monitors.length === 1, `${component(d)} is neither annotated nor covered by a ServiceMonitor`);
      }
    });

    test(`${s.name}: env, ports and secrets follow the service conventions`, () => {
      const docs = mustRender({ values: s.values });
      const services = Object.fromEntries(ofKind(docs, 'Service').map((x) => [component(x), x]));
      for (const d of ofKind(docs, 'Deployment')) {
        const name = component(d);
        const spec = SERVICES[name];
        const env = envOf(d);
        const [c] = d.spec.template.spec.containers;
        assert.equal(env.HTTP_PORT.value, String(spec.http), name);
        assert.equal(c.ports.find((p) => p.name === 'http').containerPort, spec.http, name);
        assert.equal(services[name].spec.ports.find((p) => p.name === 'http').port, spec.http, name);
        for (const v of ['LOG_LEVEL', 'OTEL_EXPORTER', 'BUS_DRIVER', 'KAFKA_BROKERS']) assert.ok(env[v]?.value, `${name} ${v}`);
        assert.equal(env.BUS_DRIVER.value, 'kafka');
        for (const e of Object.values(env)) {
          assert.ok(!/PASSWORD|HASH_KEY/.test(e.name) || e.valueFrom?.secretKeyRef, `${name}: ${e.name} must come from a Secret`);
        }
        if (name === 'gateway') {
          assert.equal(env.GRPC_PORT, undefined);
          assert.equal(env.DATABASE_URL, undefined, 'the gateway has no database');
          assert.ok(env.REDIS_URL, 'gateway needs REDIS_URL');
          assert.equal(c.ports.some((p) => p.name === 'grpc'), false);
        } else {
          assert.equal(env.GRPC_PORT.value, String(spec.grpc), name);
          assert.equal(c.ports.find((p) => p.name === 'grpc').containerPort, spec.grpc, name);
          assert.equal(services[name].spec.ports.find((p) => p.name === 'grpc').port, spec.grpc, name);
          assert.ok(env.DATABASE_URL.valueFrom?.secretKeyRef?.name, `${name} DATABASE_URL from a Secret`);
          assert.equal(env.DATABASE_URL.value, undefined);
          assert.ok(Number(env.DATABASE_POOL_SIZE.value) > 0);
        }
        if (name === 'ingestion') {
          assert.ok(env.CUSTOMER_HASH_KEY.valueFrom?.secretKeyRef?.name, 'CUSTOMER_HASH_KEY from a Secret');
          assert.ok(Number(env.MAX_UPLOAD_BYTES.value) > 0);
        }
      }
    });
  }
});

describe('secrets', () => {
  test('values.yaml ships no secret defaults', () => {
    const [values] = parseAll(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
    for (const k of ['existingSecret', 'databaseUrl', 'customerHashKey', 'redisUrl']) assert.equal(values.secrets[k], '', k);
    assert.equal(ofKind(mustRender(), 'Secret').length, 0, 'default values create no Secret');
  });

  test('the chart stores given values in its own Secret and rolls pods when it changes', () => {
    const docs = mustRender({ values: ['all-values.yaml'] });
    const [secret] = ofKind(docs, 'Secret');
    assert.equal(secret.metadata.name, 'rel-tessera');
    assert.equal(Buffer.from(secret.data.DATABASE_URL, 'base64').toString(), 'postgres://tessera:ci-only-password@postgres:5432/tessera');
    assert.ok(secret.data.CUSTOMER_HASH_KEY);
    for (const d of ofKind(docs, 'Deployment')) {
      assert.match(d.spec.template.metadata.annotations['checksum/secret'], /^[0-9a-f]{64}$/);
      const env = envOf(d);
      if (env.DATABASE_URL) assert.deepEqual(env.DATABASE_URL.valueFrom.secretKeyRef, { name: 'rel-tessera', key: 'DATABASE_URL' });
    }
  });

  test('an existing Secret with custom keys is referenced, never created', () => {
    const docs = mustRender({ values: ['external-secret-values.yaml'] });
    assert.equal(ofKind(docs, 'Secret').length, 0);
    const ds = deploymentsBy(docs);
    assert.deepEqual(envOf(ds.auth).DATABASE_URL.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'database-url' });
    assert.deepEqual(envOf(ds.ingestion).CUSTOMER_HASH_KEY.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'customer-hash-key' });
    assert.deepEqual(envOf(ds.gateway).REDIS_URL.valueFrom.secretKeyRef, { name: 'tessera-managed', key: 'redis-url' });
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
  });

  test('with-servicemonitor: one ServiceMonitor scraping /metrics on the http port of every Service', () => {
    const docs = mustRender({ values: ['with-servicemonitor-values.yaml'] });
    const [sm] = ofKind(docs, 'ServiceMonitor');
    assert.ok(sm);
    assert.equal(sm.metadata.labels.release, 'kube-prometheus-stack');
    assert.deepEqual(sm.spec.endpoints.map((e) => [e.port, e.path]), [['http', '/metrics']]);
    for (const svc of ofKind(docs, 'Service')) {
      for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) assert.equal(svc.metadata.labels[k], v, `${svc.metadata.name} selected`);
    }
    assert.equal(ofKind(docs, 'PrometheusRule').length, 1);
    const [dash] = ofKind(docs, 'ConfigMap');
    assert.equal(dash.metadata.labels.grafana_dashboard, '1');
    assert.equal(JSON.parse(dash.data['tessera-overview.json']).uid, 'tessera-overview');
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
    assert.equal(ds.scheduler.spec.replicas, 1);
    assert.equal(ds.scheduler.spec.strategy.type, 'Recreate');
    assert.deepEqual(ofKind(docs, 'PodDisruptionBudget').map(component).sort(), HUB.filter((s) => s !== 'scheduler'));
  });

  test('ingress for the gateway REST API and gRPC ingress for federation', () => {
    const docs = mustRender({ values: ['hub-production-values.yaml'] });
    const ing = Object.fromEntries(ofKind(docs, 'Ingress').map((i) => [i.metadata.name, i]));
    const rest = ing['rel-tessera-gateway'].spec.rules[0].http.paths[0].backend.service;
    assert.deepEqual(rest, { name: 'rel-tessera-gateway', port: { name: 'http' } });
    const grpcIng = ing['rel-tessera-federation-grpc'];
    assert.equal(grpcIng.metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol'], 'GRPC');
    assert.deepEqual(grpcIng.spec.rules[0].http.paths[0].backend.service, { name: 'rel-tessera-federation', port: { name: 'grpc' } });
  });

  test('no Ingress on a store node even when enabled', () => {
    const docs = mustRender({ values: ['store-node-values.yaml'], set: ['ingress.enabled=true', 'grpcIngress.enabled=true'] });
    assert.equal(ofKind(docs, 'Ingress').length, 0);
  });

  test('mTLS mounts the server certificate on federation and the client certificate on store-node services', () => {
    const hub = deploymentsBy(mustRender({ values: ['hub-production-values.yaml'] }));
    const vol = (d) => d.spec.template.spec.volumes.find((v) => v.name === 'mtls');
    assert.equal(vol(hub.federation).secret.secretName, 'federation-server-tls');
    assert.equal(envOf(hub.federation).GRPC_TLS_CERT_FILE.value, '/etc/tessera/tls/tls.crt');
    assert.equal(vol(hub.gateway), undefined);
    const store = deploymentsBy(mustRender({ values: ['store-node-production-values.yaml'] }));
    for (const d of Object.values(store)) assert.equal(vol(d).secret.secretName, 'store-0042-client-tls');
  });
});

describe('network policy', () => {
  test('store-node services accept only from the same namespace and dial out only to the hub', () => {
    const docs = mustRender({ values: ['store-node-production-values.yaml'] });
    const policies = ofKind(docs, 'NetworkPolicy');
    assert.deepEqual(policies.map(component).sort(), STORE);
    for (const p of policies) {
      assert.deepEqual(p.spec.policyTypes, ['Ingress', 'Egress']);
      const [own, ...others] = p.spec.ingress;
      assert.deepEqual(own, { from: [{ podSelector: {} }] });
      for (const rule of others) {
        // Only the metrics scrape from the monitoring namespace, on the http port.
        assert.deepEqual(rule.ports, [{ port: 'http', protocol: 'TCP' }]);
        assert.deepEqual(rule.from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
      }
      const toHub = p.spec.egress.find((r) => r.to?.some((t) => t.ipBlock));
      assert.deepEqual(toHub, { ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '203.0.113.10/32' } }] });
      for (const r of p.spec.egress) {
        const open = r.to?.some((t) => t.ipBlock && t.ipBlock.cidr === '0.0.0.0/0');
        assert.ok(!open, 'no egress to the whole internet');
      }
    }
  });

  test('hub: federation accepts store-node streams on gRPC; gateway on http; others only from the namespace', () => {
    const docs = mustRender({ values: ['hub-production-values.yaml'] });
    const p = Object.fromEntries(ofKind(docs, 'NetworkPolicy').map((x) => [component(x), x]));
    assert.deepEqual(Object.keys(p).sort(), HUB);
    assert.ok(p.federation.spec.ingress.some((r) => r.ports?.[0].port === 'grpc'));
    assert.ok(p.gateway.spec.ingress.some((r) => r.ports?.[0].port === 'http' && !r.from));
    for (const r of p.auth.spec.ingress) assert.ok(r.from, 'auth has no open ingress');
  });
});

describe('validation', () => {
  const fails = (set, pattern, values = []) => {
    const out = render({ values, set });
    assert.equal(out.ok, false, `expected failure for ${set.join(' ')}`);
    assert.match(out.stderr, pattern);
  };
  test('unknown role', () => fails(['role=edge'], /role must be hub, store-node or all/));
  test('store node without hub address', () => fails(['role=store-node'], /hub\.federationAddress/));
  test('short customer hash key', () => fails(['secrets.customerHashKey=short'], /at least 32 characters/));
  test('otlp without endpoint', () => fails(['config.otel.exporter=otlp'], /otlpEndpoint/));
  test('mTLS without certificates', () => {
    fails(['mtls.enabled=true'], /serverCertSecretName/, ['hub-values.yaml']);
    fails(['mtls.enabled=true'], /clientCertSecretName/, ['store-node-values.yaml']);
  });
});

describe('helm test', () => {
  test('the test Pod checks the readiness endpoint of every service of the release', () => {
    const docs = mustRender({ values: ['store-node-values.yaml'] });
    const [pod] = ofKind(docs, 'Pod');
    assert.equal(pod.metadata.annotations['helm.sh/hook'], 'test');
    const targets = pod.spec.containers[0].env.find((e) => e.name === 'TARGETS').value.split(' ');
    assert.deepEqual(targets, [
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
  test('without secrets it says which Secret to create', () => {
    const text = notes([]);
    assert.match(text, /WARNING: no secrets were given/);
    assert.match(text, /create secret generic rel-tessera/);
    assert.match(text, /rel-tessera-federation\.tessera\.svc:50054/);
  });
  test('a store node without mTLS is told to turn it on', () => {
    assert.match(notes(['store-node-values.yaml']), /WITHOUT mTLS/);
    assert.doesNotMatch(notes(['all-values.yaml']), /WARNING/);
  });
});

describe('chart hygiene', () => {
  test('names stay within 63 characters with a long release name', () => {
    const docs = mustRender({ release: `store-0042-${'x'.repeat(42)}`, values: ['store-node-production-values.yaml'] });
    for (const d of docs) assert.ok(d.metadata.name.length <= 63, d.metadata.name);
  });

  test('Chart.yaml is version 0.1.0', () => {
    const [chart] = parseAll(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
    assert.equal(chart.version, '0.1.0');
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
});
