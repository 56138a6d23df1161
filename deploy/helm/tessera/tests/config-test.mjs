#!/usr/bin/env node
// The chart against the services' own configuration, their single source of truth: each
// service validates its environment at boot with the definition in
// services/<name>/src/<name>.config.ts (plus the shared groups in
// libs/common/src/config/common-variables.ts and the node-link group nodeTlsVariables in
// libs/common/src/tls/node-tls.ts). These tests read those files (no build
// needed) and check, for the default values and every ci/*-values.yaml scenario, that
// every container
//   - gets every variable its service requires (no default),
//   - gets only variables its service reads (or OTEL_* for the OpenTelemetry SDK; there is
//     no allow-list: a variable the chart sets ahead of a service fails here until it lands),
//   - reads every variable the service marks sensitive from a Secret,
// and that the chart's defaults are the services' defaults. The gateway and the scheduler
// validate the definition of their role (gatewayRoleConfigs[GATEWAY_ROLE],
// schedulerRoleConfigs[SCHEDULER_ROLE]): each container is checked against its role's.
//
//   node --test deploy/helm/tessera/tests/config-test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, allScenarios, component, envOf, mustRender, ofKind, repoRoot } from './helpers.mjs';

/**
 * The variables issue 10 adds, by service (HELPERS.md "Shared contracts"): the chart sets
 * them, so each service must declare them (a spread of nodeTlsVariables counts).
 */
const ISSUE_10 = {
  gateway: ['GATEWAY_ROLE', 'HUB_URL', 'NODE_STORE_IDS', 'HUB_KEYS_CACHE_FILE', 'NODE_API_PORT', 'NODE_TLS_MODE', 'NODE_TLS_CA_FILE', 'NODE_TLS_CERT_FILE', 'NODE_TLS_KEY_FILE'],
  ingestion: ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_PATH_STYLE', 'FILE_RETENTION_DAYS'],
  federation: ['NODE_TLS_MODE', 'NODE_TLS_CA_FILE', 'NODE_TLS_CERT_FILE', 'NODE_TLS_KEY_FILE'],
  privacy: ['NODE_TLS_MODE', 'NODE_TLS_CA_FILE', 'NODE_TLS_CERT_FILE', 'NODE_TLS_KEY_FILE'],
  insights: ['NODE_TLS_MODE', 'NODE_TLS_CA_FILE', 'NODE_TLS_CERT_FILE', 'NODE_TLS_KEY_FILE'],
};
/**
 * The scheduler in roles (SCHED_CONTRACT.md): what each role must read because the chart sets
 * it, and what it must not read because the hub never dials into a store node nor holds
 * customer ids or their hashes.
 */
const SCHEDULER_ROLES = {
  hub: { reads: ['SCHEDULER_ROLE', 'AUTH_GRPC_URL', 'FEDERATION_GRPC_URL', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS'], never: ['MINING_GRPC_URL', 'CUSTOMER_HASH_KEY', 'NODE_STORE_IDS', 'ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS'] },
  'store-node': { reads: ['SCHEDULER_ROLE', 'NODE_STORE_IDS', 'MINING_GRPC_URL', 'CUSTOMER_HASH_KEY', 'ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS'], never: ['AUTH_GRPC_URL', 'FEDERATION_GRPC_URL', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS'] },
};
/** Services that validate the definition of their role: the role variable and the table of definitions by role. */
const ROLE_AWARE = { gateway: { variable: 'GATEWAY_ROLE', table: 'gatewayRoleConfigs' }, scheduler: { variable: 'SCHEDULER_ROLE', table: 'schedulerRoleConfigs' } };
/** Variables whose chart default deliberately differs from the service's (in-cluster addresses). */
const CLUSTER_ADDRESSES = /(_GRPC_URL|^KAFKA_BROKERS|^REDIS_URL|^FEDERATION_HUB_URL|^FEDERATION_AUTO_ENROL_URL|^S3_ENDPOINT)$/;
/**
 * Variables the chart derives from the release (the default rendering is role=all: one insights
 * does both sides, the node links are in-namespace so NODE_TLS_MODE is plaintext, and there is
 * no store-node gateway to serve a node front for, so NODE_API_PORT is 0).
 */
const FROM_THE_ROLE = new Set(['insights INSIGHTS_ROLE', 'scheduler SCHEDULER_ROLE', 'gateway NODE_API_PORT', ...['gateway', 'federation', 'privacy', 'insights'].map((s) => `${s} NODE_TLS_MODE`)]);

// ---------------------------------------------------------------- reading the definitions
/** The text of `{ ... }` starting at the brace at `open`. */
function braceBlock(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** The positional string arguments of a call such as helper('a', '10', 100). */
function callArgs(entry) {
  const args = /\((.*)\)\s*,?\s*$/s.exec(entry)?.[1] ?? '';
  return [...args.matchAll(/'((?:[^'\\]|\\.)*)'|([-\d.e]+)/g)].map((m) => m[1] ?? m[2]);
}

/** The raw default of one variable entry, `undefined` when it has none (required), or null when present but not a literal. */
function defaultOf(entry, fileText) {
  const literal = /\bdefault:\s*'((?:[^'\\]|\\.)*)'/.exec(entry);
  if (literal) return literal[1];
  const computed = /\bdefault:\s*String\(([\d\s*+]+)\)/.exec(entry);
  if (computed) return String(computed[1].split('+').reduce((sum, term) => sum + term.split('*').reduce((p, f) => p * Number(f), 1), 0));
  if (/\bdefault:/.test(entry)) return null;
  // A local helper, e.g. positiveNumber(description, defaultValue, max) => ({ default: defaultValue, ... }).
  const helper = /^\s*(\w+)\(/.exec(entry.replace(/^\s*[A-Z0-9_]+:\s*/, ''))?.[1];
  if (helper && helper !== 'vars') {
    const def = new RegExp(`const ${helper} = \\(([^)]*)\\)[^=]*=>([\\s\\S]*?)\\n\\}\\);?\\n`).exec(fileText) ?? new RegExp(`const ${helper} = \\(([^)]*)\\)[^=]*=>(.*)`).exec(fileText);
    if (def) {
      const params = def[1].split(',').map((p) => p.trim().split(/[:?\s]/)[0]);
      const fromParam = /\bdefault:\s*(\w+)/.exec(def[2])?.[1];
      if (fromParam && params.includes(fromParam)) return callArgs(entry)[params.indexOf(fromParam)];
    }
  }
  return undefined;
}

/** Variables declared at two-space indent in an object body: name -> entry text. */
function entries(body) {
  const out = {};
  const keys = [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)];
  keys.forEach((m, i) => (out[m[1]] = body.slice(m.index, keys[i + 1]?.index ?? body.length)));
  return out;
}

function describeEntry(entry, fileText) {
  const def = defaultOf(entry, fileText);
  return { required: def === undefined, default: def ?? undefined, sensitive: /\bsensitive:\s*true/.test(entry) };
}

/** A definition body's variables: its spreads of known groups, then its own entries. */
function variablesOf(body, fileText, groups, where) {
  const vars = {};
  for (const spread of body.matchAll(/^\s*\.\.\.(\w+),/gm)) {
    if (where) assert.ok(groups[spread[1]], `${where}: unknown variable group ${spread[1]}`);
    Object.assign(vars, groups[spread[1]] ?? {});
  }
  for (const [k, e] of Object.entries(entries(body))) vars[k] = describeEntry(e, fileText);
  return vars;
}

/** Every `const name = { ... }` of a file as a group of variables (groups may spread earlier ones). */
function readGroups(text, groups) {
  for (const m of text.matchAll(/^(?:export )?const (\w+) = \{/gm)) groups[m[1]] = variablesOf(braceBlock(text, m.index + m[0].length - 1), text, groups);
}

function readDefinitions() {
  const shared = {};
  for (const file of ['libs/common/src/config/common-variables.ts', 'libs/common/src/tls/node-tls.ts']) readGroups(readFileSync(join(repoRoot, file), 'utf8'), shared);
  assert.ok(shared.nodeTlsVariables?.NODE_TLS_MODE, 'nodeTlsVariables (libs/common/src/tls/node-tls.ts) is read');
  const definitions = {};
  for (const service of Object.keys(SERVICES)) {
    const text = readFileSync(join(repoRoot, `services/${service}/src/${service}.config.ts`), 'utf8');
    // A service's own groups (the gateway's per-role groups) next to the shared ones.
    const groups = { ...shared };
    readGroups(text, groups);
    // The first definition in the file (for a service in roles, its all-in-one role: the union of the others).
    const start = new RegExp(`defineConfig\\('${service}', \\{`).exec(text);
    assert.ok(start, `services/${service}/src/${service}.config.ts: defineConfig('${service}', {...}) not found`);
    definitions[service] = variablesOf(braceBlock(text, start.index + start[0].length - 1), text, groups, service);
    const roleAware = ROLE_AWARE[service];
    if (roleAware) {
      // The service validates the definition of its role (<service>RoleConfigs): each role's variables apart.
      const byName = {};
      for (const m of text.matchAll(new RegExp(`^export const (\\w+) = defineConfig\\('${service}', \\{`, 'gm'))) byName[m[1]] = variablesOf(braceBlock(text, m.index + m[0].length - 1), text, groups, service);
      const table = new RegExp(`${roleAware.table}(?:\\s*:[^=]*)?\\s*=\\s*\\{([^}]*)\\}`).exec(text);
      assert.ok(table, `services/${service}/src/${service}.config.ts: ${roleAware.table} not found`);
      roles[service] = {};
      for (const m of table[1].matchAll(/'?([\w-]+)'?:\s*(\w+)/g)) {
        assert.ok(byName[m[2]], `${roleAware.table}.${m[1]}: ${m[2]} is not a defineConfig('${service}', ...) of the file`);
        roles[service][m[1]] = byName[m[2]];
      }
      assert.ok(roles[service].all, `${roleAware.table} has an all role`);
      definitions[service] = roles[service].all;
    }
  }
  return definitions;
}
/** The definitions by role of the services in ROLE_AWARE: roles.gateway[GATEWAY_ROLE], roles.scheduler[SCHEDULER_ROLE] (hub, store-node, all). */
const roles = {};
const definitions = readDefinitions();
const gatewayRoles = roles.gateway;
const schedulerRoles = roles.scheduler;
/** What one rendered Deployment's service reads: for a service in roles, its role's definition (default all). */
function definitionOf(d) {
  const name = component(d);
  const roleAware = ROLE_AWARE[name];
  if (!roleAware) return definitions[name];
  const role = envOf(d)[roleAware.variable]?.value || 'all';
  assert.ok(roles[name][role], `${name}: ${roleAware.variable}=${role} has no definition in ${roleAware.table}`);
  return roles[name][role];
}

const isSet = (e) => Boolean(e?.valueFrom?.secretKeyRef) || (e?.value !== undefined && e.value !== '');
const renders = allScenarios.map((s) => ({ name: s.name, deployments: ofKind(mustRender({ values: s.values }), 'Deployment') }));

// ---------------------------------------------------------------- tests
describe('reading the config definitions', () => {
  test('the parser finds what is known about them', () => {
    for (const service of Object.keys(SERVICES)) {
      assert.equal(definitions[service].HTTP_PORT?.default, String(SERVICES[service].http), `${service} HTTP_PORT`);
      assert.equal(definitions[service].LOG_LEVEL?.default, 'info', `${service} LOG_LEVEL`);
    }
    const { auth, gateway, ingestion, privacy, mining } = definitions;
    assert.deepEqual(auth.DATABASE_URL, { required: true, default: undefined, sensitive: true });
    assert.deepEqual(auth.JWT_SIGNING_KEYS, { required: true, default: undefined, sensitive: true });
    assert.ok(gateway.JWT_VERIFY_KEYS, 'the gateway reads JWT_VERIFY_KEYS (required on the hub by the chart, optional on a store node: see issue 10 below)');
    assert.equal(gateway.DATABASE_URL, undefined, 'the gateway has no database');
    assert.deepEqual(ingestion.CUSTOMER_HASH_KEY, { required: true, default: undefined, sensitive: true });
    assert.equal(ingestion.MAX_UPLOAD_BYTES.default, '104857600');
    assert.equal(gateway.REDIS_URL.sensitive, true);
    assert.equal(gateway.METRICS_TOKEN.default, '');
    assert.equal(privacy.DEFAULT_DELTA.default, '1e-5');
    assert.equal(mining.MINING_THREADS.default, '2');
    assert.equal(auth.REFRESH_TOKEN_TTL_SECONDS.default, '604800');
    assert.equal(auth.AUDIT_RETENTION_MIN_DAYS.default, '90');
    assert.equal(schedulerRoles['store-node'].CUSTOMER_HASH_KEY.sensitive, true);
    assert.equal(schedulerRoles.hub.RETENTION_AUDIT_DAYS.default, '400');
    assert.equal(definitions.scheduler, schedulerRoles.all, 'the scheduler\'s all-in-one role');
    assert.equal(definitions.insights.INSIGHTS_ROLE.default, 'hub');
    assert.equal(mining.MINING_MAX_ITEMSETS.default, '200000');
    assert.equal(gateway.JSON_MAX_DEPTH.default, '32');
  });
});

describe('every container gets what its service reads, and only that', () => {
  for (const r of renders) {
    test(`${r.name}: every required variable is set`, () => {
      const missing = r.deployments.flatMap((d) => {
        const name = component(d);
        const env = envOf(d);
        return Object.entries(definitionOf(d)).filter(([k, spec]) => spec.required && !isSet(env[k])).map(([k]) => `${name} ${k}`);
      });
      assert.deepEqual(missing, [], 'these services would refuse to boot');
    });

    test(`${r.name}: no variable the service does not read`, () => {
      const unknown = r.deployments.flatMap((d) => {
        const name = component(d);
        return Object.keys(envOf(d)).filter((k) => !definitionOf(d)[k] && !k.startsWith('OTEL_')).map((k) => `${name} ${k}`);
      });
      assert.deepEqual(unknown, [], 'the services read none of these (services/<name>/src/<name>.config.ts)');
    });

    test(`${r.name}: every sensitive variable comes from a Secret`, () => {
      for (const d of r.deployments) {
        const name = component(d);
        for (const [k, e] of Object.entries(envOf(d))) {
          if (!definitionOf(d)[k]?.sensitive) continue;
          if (e.valueFrom?.secretKeyRef) continue;
          if (k.endsWith('_FILE')) {
            // A file variable (NODE_TLS_KEY_FILE) names a file; the file must come from a mounted Secret.
            const pod = d.spec.template.spec;
            const mount = pod.containers[0].volumeMounts.find((m) => e.value.startsWith(`${m.mountPath}/`));
            assert.ok(mount && pod.volumes.find((v) => v.name === mount.name)?.secret?.secretName, `${name}: ${k}=${e.value} must be a file of a mounted Secret`);
            continue;
          }
          // REDIS_URL is sensitive because it may carry a password; a URL without one may be plain.
          assert.ok(k === 'REDIS_URL' && !/:\/\/[^/@]*:[^/@]*@/.test(e.value), `${name}: ${k} must come from a Secret`);
        }
      }
    });
  }
});

describe('the roles set INSIGHTS_ROLE', () => {
  test('hub, store node and all-in-one each get the insights role the service knows', () => {
    const roleOf = (values) => envOf(ofKind(mustRender({ values }), 'Deployment').find((d) => component(d) === 'insights')).INSIGHTS_ROLE.value;
    const known = /\[([^\]]*)\] as const/.exec(readFileSync(join(repoRoot, 'services/insights/src/insights.config.ts'), 'utf8'))[1];
    for (const [values, role] of [[['hub-values.yaml'], 'hub'], [['store-node-values.yaml'], 'store-node'], [['all-values.yaml'], 'both']]) {
      assert.equal(roleOf(values), role, values[0]);
      assert.ok(known.includes(`'${role}'`), `insights accepts INSIGHTS_ROLE=${role} (${known})`);
    }
  });
});

describe('the roles set SCHEDULER_ROLE, and each role reads what the chart gives it', () => {
  test('hub, store node and all-in-one each get the scheduler role the service knows', () => {
    const roleOf = (values) => envOf(ofKind(mustRender({ values }), 'Deployment').find((d) => component(d) === 'scheduler')).SCHEDULER_ROLE.value;
    for (const [values, role] of [[['hub-values.yaml'], 'hub'], [['store-node-values.yaml'], 'store-node'], [['all-values.yaml'], 'all']]) {
      assert.equal(roleOf(values), role, values[0]);
      assert.ok(schedulerRoles[role], `schedulerRoleConfigs has ${role}`);
    }
  });
  for (const [role, { reads, never }] of Object.entries(SCHEDULER_ROLES)) {
    test(`SCHEDULER_ROLE=${role} reads ${reads.join(', ')} and not ${never.join(', ')}`, () => {
      assert.deepEqual(reads.filter((k) => !schedulerRoles[role][k]), [], `schedulerRoleConfigs['${role}'] (services/scheduler/src/scheduler.config.ts)`);
      assert.deepEqual(never.filter((k) => schedulerRoles[role][k]), [], `schedulerRoleConfigs['${role}'] must not read these`);
    });
  }
  test('a store node\'s scheduler requires NODE_STORE_IDS and boots without CUSTOMER_HASH_KEY; a store node\'s gateway reads SCHEDULER_GRPC_URL', () => {
    assert.equal(schedulerRoles['store-node'].NODE_STORE_IDS?.required, true, 'NODE_STORE_IDS is required on a store node');
    assert.equal(schedulerRoles['store-node'].CUSTOMER_HASH_KEY?.required, false, 'CUSTOMER_HASH_KEY stays optional (customer erasure answers 409 without it)');
    assert.ok(gatewayRoles['store-node'].SCHEDULER_GRPC_URL, 'gatewayRoleConfigs[store-node] reads SCHEDULER_GRPC_URL');
  });
});

describe('defaults', () => {
  test("the chart's defaults are the services' defaults (except in-cluster addresses)", () => {
    const [defaults] = renders;
    const differing = [];
    for (const d of defaults.deployments) {
      const name = component(d);
      for (const [k, e] of Object.entries(envOf(d))) {
        const spec = definitionOf(d)[k];
        if (!spec || e.value === undefined || spec.default === undefined || CLUSTER_ADDRESSES.test(k) || FROM_THE_ROLE.has(`${name} ${k}`)) continue;
        if (String(e.value) !== spec.default) differing.push(`${name} ${k}: chart ${JSON.stringify(e.value)}, service ${JSON.stringify(spec.default)}`);
      }
    }
    assert.deepEqual(differing, []);
  });
});

describe('issue 10: the services declare what the chart sets', () => {
  for (const [service, names] of Object.entries(ISSUE_10)) {
    test(`${service} declares ${names.join(', ')}`, () => {
      // The gateway's variables differ by role: each must be read by at least one of them.
      const declares = (k) => (service === 'gateway' ? Object.values(gatewayRoles).some((role) => role[k]) : Boolean(definitions[service][k]));
      assert.deepEqual(names.filter((k) => !declares(k)), [], `services/${service}/src/${service}.config.ts`);
    });
  }
  test('the node-link variables come from the shared group, with its defaults (mtls unless set); S3_SECRET_KEY is sensitive', () => {
    assert.equal(definitions.privacy.NODE_TLS_MODE?.default, 'mtls');
    assert.equal(definitions.privacy.NODE_TLS_KEY_FILE?.sensitive, true);
    assert.equal(definitions.ingestion.S3_SECRET_KEY?.sensitive, true, 'S3_SECRET_KEY is sensitive, so the chart must read it from a Secret');
  });
  test('a store node\'s gateway boots without JWT_VERIFY_KEYS (it fetches the hub\'s keys, HUB_URL)', () => {
    assert.ok(gatewayRoles['store-node'], 'gatewayRoleConfigs has a store-node role');
    assert.ok(!gatewayRoles['store-node'].JWT_VERIFY_KEYS?.required, 'GATEWAY_ROLE=store-node must boot without JWT_VERIFY_KEYS');
    assert.equal(gatewayRoles.hub?.JWT_VERIFY_KEYS?.required, true, 'the hub gateway requires JWT_VERIFY_KEYS');
    for (const k of ['HUB_URL', 'NODE_STORE_IDS', 'HUB_KEYS_CACHE_FILE']) assert.ok(gatewayRoles['store-node'][k], `GATEWAY_ROLE=store-node reads ${k}`);
  });
});
