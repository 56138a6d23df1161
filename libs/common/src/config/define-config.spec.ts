import assert from 'node:assert/strict';
import { ConfigError, defineConfig, vars } from './define-config';

const definition = defineConfig('demo', {
  PORT: vars.port({ description: 'port', default: '8080' }),
  DATABASE_URL: vars.url({ protocols: ['postgres:'], description: 'db', sensitive: true }),
  MODE: vars.oneOf(['a', 'b'] as const, { description: 'mode', default: 'a' }),
  BROKERS: vars.hostList({ description: 'brokers', default: 'localhost:9092' }),
  FLAG: vars.boolean({ description: 'flag', default: 'false' }),
});

test('loads defaults and parses values', () => {
  const config = definition.load({ DATABASE_URL: 'postgres://u@h:5432/d', PORT: '9000', FLAG: 'yes' });
  assert.equal(config.PORT, 9000);
  assert.equal(config.MODE, 'a');
  assert.deepEqual(config.BROKERS, ['localhost:9092']);
  assert.equal(config.FLAG, true);
});

test('names every bad variable at once and hides sensitive values', () => {
  assert.throws(
    () => definition.load({ PORT: 'eighty', MODE: 'c', DATABASE_URL: 'mysql://secret-password@h/d' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const names = error.problems.map((p) => p.variable).sort();
      assert.deepEqual(names, ['DATABASE_URL', 'MODE', 'PORT']);
      assert.match(error.message, /PORT: must be an integer/);
      assert.match(error.message, /MODE: must be one of a, b/);
      assert.doesNotMatch(error.message, /secret-password/);
      return true;
    },
  );
});

test('a missing required variable is named with its description', () => {
  assert.throws(() => definition.load({}), /DATABASE_URL: is required \(db\)/);
});

test('port range is enforced', () => {
  assert.throws(() => definition.load({ DATABASE_URL: 'postgres://h/d', PORT: '70000' }), /PORT: must be <= 65535/);
});
