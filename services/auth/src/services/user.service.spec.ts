import assert from 'node:assert/strict';
import { validateNewUser } from './user.service';

test('each role must come with exactly its own scope', () => {
  assert.deepEqual(validateNewUser({ email: 'm@shop.example', role: 'store_manager', storeId: 's1' }), []);
  assert.deepEqual(validateNewUser({ email: 'c@shop.example', role: 'regional_coordinator', regionId: 'r1' }), []);
  assert.deepEqual(validateNewUser({ email: 'a@shop.example', role: 'admin' }), []);
  assert.match(validateNewUser({ email: 'm@shop.example', role: 'store_manager' }).join(), /needs a storeId/);
  const coordinatorProblems = validateNewUser({ email: 'c@shop.example', role: 'regional_coordinator', storeId: 's1' }).join();
  assert.match(coordinatorProblems, /needs a regionId/);
  assert.match(coordinatorProblems, /only a store_manager has a storeId/);
  assert.match(validateNewUser({ email: 'a@shop.example', role: 'admin', regionId: 'r1' }).join(), /only a regional_coordinator/);
  assert.match(validateNewUser({ email: 'not-an-email', role: 'admin' }).join(), /not an email address/);
  assert.match(validateNewUser({ email: 'a@shop.example', role: 'root' as never }).join(), /role must be one of/);
});
