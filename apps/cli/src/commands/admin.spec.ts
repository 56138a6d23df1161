import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createPublicKey } from 'node:crypto';
import { adminCommand } from './admin';

async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await adminCommand(argv, { stdout, stderr }, env);
  return { code, out, err };
}

test('usage errors name what is missing and exit 2', async () => {
  assert.equal((await run([])).code, 2);
  const noRole = await run(['create-user', '--email', 'a@b.example']);
  assert.equal(noRole.code, 2);
  assert.match(noRole.err, /--role must be one of admin, regional_coordinator, store_manager/);
  const noStore = await run(['create-user', '--role', 'store_manager', '--email', 'a@b.example']);
  assert.match(noStore.err, /a store_manager needs --store/);
  const unknownFlag = await run(['create-user', '--password', 'x']);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.err, /Unknown option '--password'/, 'a password can never be passed in: it is always generated');
  const unknown = await run(['drop-everything']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown subcommand "drop-everything"/);
});

test('without DATABASE_URL the command says what to set', async () => {
  const result = await run(['create-user', '--role', 'admin', '--email', 'a@b.example'], {});
  assert.equal(result.code, 2);
  assert.match(result.err, /set DATABASE_URL/);
});

test('signing-key prints a private key set for auth and its public half for the gateway', async () => {
  const result = await run(['signing-key', '--kid', 'k-test']);
  assert.equal(result.code, 0);
  const signing = JSON.parse(/JWT_SIGNING_KEYS='(.*)'/.exec(result.out)![1]);
  const verify = JSON.parse(/JWT_VERIFY_KEYS='(.*)'/.exec(result.out)![1]);
  assert.equal(signing[0].kid, 'k-test');
  assert.ok(signing[0].d, 'the auth service gets the private key');
  assert.equal(verify[0].kid, 'k-test');
  assert.equal(verify[0].d, undefined, 'the gateway gets only the public key');
  assert.equal(createPublicKey({ key: verify[0], format: 'jwk' }).asymmetricKeyType, 'ec');
});
