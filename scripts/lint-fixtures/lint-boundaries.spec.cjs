// The lint rules that keep the module boundaries (eslint.config.mjs) really fail a violating
// import. Each case lints a fixture of this folder as if it lived in a project; ESLint runs in a
// child process (its config loader needs native ES modules, which jest's sandbox does not give).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '../..');
function lint(fixture, asPath) {
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, 'lint-fixture.mjs'), fixture, asPath], { cwd: root, encoding: 'utf8' }));
}

test('a hub service importing store-node code fails the module boundaries', () => {
  const messages = lint('hub-imports-store-node.ts', 'services/federation/src/lint-fixture.ts');
  const boundary = messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
  assert.equal(boundary.length, 1, JSON.stringify(messages));
  assert.match(boundary[0].message, /scope:hub/);
  assert.equal(boundary[0].line, 3);
}, 120_000);

test('a pure algorithm library importing a framework fails the module boundaries', () => {
  const messages = lint('pure-imports-framework.ts', 'libs/huim/src/lint-fixture.ts');
  const boundary = messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
  assert.equal(boundary.length, 1, JSON.stringify(messages));
  assert.match(boundary[0].message, /@nestjs\/common/);
}, 120_000);

test('a deep import into another package fails lint', () => {
  const messages = lint('deep-import.ts', 'services/mining/src/lint-fixture.ts');
  assert.ok(messages.some((m) => m.ruleId === 'no-restricted-imports' && /entry point/.test(m.message)), JSON.stringify(messages));
}, 120_000);

test('store-node code using a shared library through its entry point passes', () => {
  assert.deepEqual(lint('allowed-import.ts', 'services/mining/src/lint-fixture.ts'), []);
}, 120_000);
