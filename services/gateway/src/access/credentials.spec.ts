import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Request } from 'express';
import { credentialOf } from './access.guard';
import { tokenProblem } from './jwt.strategy';
import { parseVerifyKeys } from './verify-keys';
import { parseTrustProxy } from '../main';
import { auditSummary } from '../audit/audit.interceptor';

const request = (headers: Record<string, string>) => ({ header: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;

test('credentials: bearer tokens, API keys in X-API-Key or as a tsk_ bearer, or none', () => {
  assert.deepEqual(credentialOf(request({})), undefined);
  assert.deepEqual(credentialOf(request({ authorization: 'Bearer eyJ.a.b' })), { kind: 'token' });
  assert.deepEqual(credentialOf(request({ 'x-api-key': ' tsk_abc ' })), { kind: 'apiKey', key: 'tsk_abc' });
  assert.deepEqual(credentialOf(request({ authorization: 'Bearer tsk_abc' })), { kind: 'apiKey', key: 'tsk_abc' });
});

test('token problems say what happened and what to do', () => {
  assert.match(tokenProblem({ name: 'TokenExpiredError', message: 'jwt expired', expiredAt: new Date(0) }), /expired at 1970-01-01T00:00:00.000Z; get a new one with POST \/api\/auth\/refresh/);
  assert.match(tokenProblem({ name: 'JsonWebTokenError', message: 'invalid signature' }), /rejected \(invalid signature\); sign in again/);
  assert.match(tokenProblem(new Error('No auth token')), /sign in first/);
});

test('verify keys: public JWKs with kids; private keys are refused', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const set = parseVerifyKeys(JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid: 'a' }]));
  assert.deepEqual([...set.keys.keys()], ['a']);
  assert.throws(() => parseVerifyKeys(JSON.stringify([{ ...privateKey.export({ format: 'jwk' }), kid: 'a' }])), /private key/);
  assert.throws(() => parseVerifyKeys('[{"kty":"RSA","kid":"r"}]'), /EC P-256/);
  assert.throws(() => parseVerifyKeys('nope'), /JSON array/);
});

test('trust proxy settings', () => {
  assert.equal(parseTrustProxy(''), false);
  assert.equal(parseTrustProxy('1'), 1);
  assert.equal(parseTrustProxy('true'), true);
  assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8'), ['loopback', '10.0.0.0/8']);
});

test('audit summaries keep counts and ids, never rows', () => {
  assert.deepEqual(auditSummary({ fileId: 'f', transactionCount: 3, errors: [{ line: 1, reason: 'x' }], rejected: [{ a: 1 }, { b: 2 }], stored: 2, lines: ['secret'] }), { fileId: 'f', transactionCount: 3, rejected: 2, stored: 2 });
  assert.deepEqual(auditSummary(undefined), {});
});
