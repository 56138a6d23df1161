import assert from 'node:assert/strict';
import { tokenLifetimeProblem } from './token-lifetime.util';

test('a token without exp, or living longer than allowed, is refused; a normal one passes', () => {
  const iat = 1_700_000_000;
  assert.match(tokenLifetimeProblem({ iat }, 3600)!, /no expiry \(exp\)/);
  assert.match(tokenLifetimeProblem({ iat, exp: '9999999999' }, 3600)!, /no expiry/);
  assert.match(tokenLifetimeProblem({ exp: iat + 60 }, 3600)!, /lacks its issue time/);
  assert.match(tokenLifetimeProblem({ iat, exp: iat + 365 * 86400 }, 3600)!, /lifetime of 31536000 s is over the 3600 s/);
  assert.match(tokenLifetimeProblem({ iat, exp: iat - 1 }, 3600)!, /before it was issued/);
  assert.equal(tokenLifetimeProblem({ iat, exp: iat + 900 }, 3600), undefined);
  assert.equal(tokenLifetimeProblem({ iat, exp: iat + 3600 }, 3600), undefined);
});
