import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_GATEWAY_CONTROLLERS, gatewayControllers } from '../gateway.module';
import { GATEWAY_ROLES } from '../gateway.config';
import { declareObservabilityAccess } from './observability-access';
import { routeTable } from './route-table';
import { ROLES } from './access-policy';

declareObservabilityAccess();
const routes = routeTable(ALL_GATEWAY_CONTROLLERS);

test('the route table finds every route, including health and metrics', () => {
  const keys = routes.map((r) => r.key);
  for (const expected of ['POST /api/auth/login', 'GET /api/auth/keys', 'GET /api/transactions', 'DELETE /api/api-keys/:apiKeyId', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics']) {
    assert.ok(keys.includes(expected), `${expected} in ${keys.join(', ')}`);
  }
});

describe.each(GATEWAY_ROLES)('the %s role', (role) => {
  const roleRoutes = routeTable(gatewayControllers(role));

  test('serves no route twice', () => {
    const keys = roleRoutes.map((r) => r.key);
    assert.equal(new Set(keys).size, keys.length, `no route twice: ${keys.join(', ')}`);
  });

  test('every route declares an access policy (the guard refuses routes without one)', () => {
    const missing = roleRoutes.filter((r) => !r.policy).map((r) => `${r.key} (${r.controller}.${r.handler})`);
    assert.deepEqual(missing, [], 'add @Access({...}) to these routes');
  });

  test('only sign-in, refresh, the verify keys (hub), health and metrics are public', () => {
    const publicRoutes = roleRoutes.filter((r) => r.policy?.public).map((r) => r.key).sort();
    const keys = role === 'store-node' ? [] : ['GET /api/auth/keys'];
    assert.deepEqual(publicRoutes, [...keys, 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'POST /api/auth/login', 'POST /api/auth/refresh'].sort());
  });

  test('every non-public route names roles that exist, and a store source', () => {
    for (const route of roleRoutes.filter((r) => !r.policy?.public)) {
      assert.ok(route.policy!.roles.length > 0, `${route.key} allows no role`);
      for (const name of route.policy!.roles) assert.ok((ROLES as readonly string[]).includes(name), `${route.key}: unknown role ${name}`);
      assert.ok(route.policy!.store, `${route.key} has no store source`);
    }
  });

  test('every write names its audit action and who records it; only ingestion routes take API keys', () => {
    const actions = new Set<string>();
    for (const route of roleRoutes) {
      if (route.method === 'GET') {
        assert.equal(route.policy!.audit, undefined, `${route.key}: reads are not audited`);
        continue;
      }
      if (route.policy!.readOnly) continue;
      const audit = route.policy!.audit;
      assert.ok(audit, `${route.key} writes but declares no audit action (or readOnly)`);
      assert.match(audit.action, /^[a-z_]+\.[a-z_]+$/, route.key);
      assert.ok(!actions.has(audit.action), `${audit.action} used twice`);
      actions.add(audit.action);
    }
    for (const route of roleRoutes.filter((r) => r.policy?.apiKey)) assert.match(route.path, /^\/api\/transactions\//, `${route.key} takes API keys but is not ingestion`);
  });
});

test('a store-node route answers like the hub route of the same name: same policy', () => {
  const hub = new Map(routeTable(gatewayControllers('hub')).map((r) => [r.key, r.policy]));
  for (const route of routeTable(gatewayControllers('store-node')).filter((r) => hub.has(r.key))) {
    assert.deepEqual(route.policy, hub.get(route.key), `${route.key}: the node's relay declares another policy than the hub's route`);
  }
});

test('docs/security.md lists every route in its policy table', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/security.md'), 'utf8');
  const missing = routes.filter((r) => !doc.includes(`\`${r.key}\``)).map((r) => r.key);
  assert.deepEqual(missing, [], 'add these routes to the route policy table in docs/security.md');
});
