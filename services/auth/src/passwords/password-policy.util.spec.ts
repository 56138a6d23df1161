import assert from 'node:assert/strict';
import { checkPassword, generatePassword } from './password-policy.util';

test('a long unrelated passphrase passes', () => {
  assert.deepEqual(checkPassword('granite orbit violet kettle', { email: 'ana@example.com' }), []);
});

test('too short says how long it must be and how long it is', () => {
  const problems = checkPassword('Sh0rt!pw', {});
  assert.equal(problems.length, 1);
  assert.match(problems[0], /at least 12 characters \(this one has 8\)/);
});

test('common, repetitive and self-referencing passwords are refused with a reason each', () => {
  assert.match(checkPassword('password1234').join(), /most common/);
  assert.match(checkPassword('abababababab').join(), /different characters|repeat/);
  assert.match(checkPassword('xyzxyzxyzxyzxyz').join(), /repeat a short pattern/);
  assert.match(checkPassword('margaret-loves-tea', { email: 'Margaret@shop.example' }).join(), /email name/);
});

test('the minimum length is configurable and counts characters, not bytes', () => {
  assert.deepEqual(checkPassword('ééééééééfghij', {}, { minLength: 13, maxLength: 128 }), []);
  assert.equal(checkPassword('abcdefghijklmnop', {}, { minLength: 20, maxLength: 128 }).length, 1);
  assert.equal(checkPassword('a'.repeat(5) + 'bcdefg'.repeat(30), {}, { minLength: 12, maxLength: 128 }).length, 1);
});

test('generated passwords pass the policy and differ', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const password = generatePassword();
    assert.equal(password.length, 20);
    assert.deepEqual(checkPassword(password, { email: 'someone@example.com' }), []);
    assert.doesNotMatch(password, /[0O1lI]/, 'no look-alike characters');
    seen.add(password);
  }
  assert.equal(seen.size, 200);
});
