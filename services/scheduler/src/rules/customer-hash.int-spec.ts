import assert from 'node:assert/strict';
import { hashCustomer } from '@tessera/ingestion-service';
import { customerHashOf } from './customer-hash.util';

// The scheduler (hub) may not import store-node code in production; this check that both sides
// hash a customer id the same way lives in the tier that may load a store-node package.
test('the scheduler hashes a customer exactly as ingestion does', () => {
  const key = 'k'.repeat(40);
  for (const [store, customer] of [['store-a', 'c-1'], ['store-b', 'c-1'], ['store-a', 'ü 17']]) assert.equal(customerHashOf(key, store, customer), hashCustomer(key, store, customer));
});
