import { createHmac } from 'node:crypto';

/**
 * The keyed hash ingestion stores in place of a customer id (services/ingestion
 * pos-event.validator.ts `hashCustomer`; a spec checks the two agree). The scheduler
 * hashes an erasure request's customer id at once, so the id itself is never stored or
 * published.
 */
export function customerHashOf(key: string, storeId: string, customerId: string): string {
  return createHmac('sha256', key).update(`${storeId}\u0000${customerId}`).digest('hex').slice(0, 40);
}
