// The node:test -> jest codemod on fixtures: the expected output, idempotent on a second run,
// and a file outside the supported subset left unchanged with a non-zero exit.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const codemod = join(__dirname, 'node-test-to-jest.mjs');
const fixtures = join(__dirname, 'fixtures');
const run = (path) => spawnSync(process.execPath, [codemod, path], { encoding: 'utf8' });

let dir;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codemod-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('converts the node:test subset to jest globals, and a second run changes nothing', () => {
  const file = join(dir, 'sample.spec.ts');
  copyFileSync(join(fixtures, 'node-test.input.ts'), file);
  const first = run(file);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(join(fixtures, 'node-test.expected.ts'), 'utf8'));
  const second = run(file);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /0 converted/);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(join(fixtures, 'node-test.expected.ts'), 'utf8'));
}, 60_000);

test('a file using the test context is left unchanged and reported', () => {
  const file = join(dir, 'context.spec.ts');
  copyFileSync(join(fixtures, 'outside-subset.input.ts'), file);
  const result = run(file);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /test context/);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(join(fixtures, 'outside-subset.input.ts'), 'utf8'));
}, 60_000);
