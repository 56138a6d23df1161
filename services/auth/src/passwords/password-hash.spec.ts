import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password-hash';

// The production cost (N = 2^15) is used on purpose: it is what runs in every sign-in.
test('a hash verifies its password and no other', async () => {
  const stored = await hashPassword('correct horse battery');
  assert.match(stored, /^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(await verifyPassword('correct horse battery', stored), true);
  assert.equal(await verifyPassword('correct horse batterx', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('the same password hashes differently each time (random salt)', async () => {
  const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same password here', b), true);
});

test('malformed stored hashes never verify', async () => {
  for (const stored of ['', 'plain', 'scrypt$15$8$1$abc', 'bcrypt$2b$10$abc$def$ghi', 'scrypt$40$8$1$AAAA$BBBB']) {
    assert.equal(await verifyPassword('anything at all', stored), false, stored);
  }
});

test('weaker parameters ask for a rehash', async () => {
  const weak = await hashPassword('rehash me please', { logN: 14, r: 8, p: 1 });
  assert.equal(await verifyPassword('rehash me please', weak), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(await hashPassword('rehash me please')), false);
});

test('the dummy check always fails', async () => {
  assert.equal(await verifyAgainstDummy('whatever'), false);
});
