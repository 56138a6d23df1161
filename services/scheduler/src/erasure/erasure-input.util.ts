import { STORE_ID, ScheduleInputError } from '../rules/schedule-input.util';

export interface ErasureInput {
  scope: string;
  storeId: string;
  customerId: string;
  deadlineDays: number;
}

/** Checks an erasure request as sent; every refusal names its field. */
export function validateErasure(input: ErasureInput, maxDeadlineDays: number): { scope: 'customer' | 'store'; storeId: string; customerId: string | null; deadlineDays: number | null } {
  if (input.scope !== 'customer' && input.scope !== 'store') throw new ScheduleInputError('scope', 'must be customer or store');
  if (!STORE_ID.test(input.storeId ?? '')) throw new ScheduleInputError('storeId', 'is not a store id (letters, digits, _ . -, at most 64)');
  let customerId: string | null = null;
  if (input.scope === 'customer') {
    if (!input.customerId) throw new ScheduleInputError('customerId', 'is required when scope is customer');
    if (input.customerId.length > 128) throw new ScheduleInputError('customerId', 'must be at most 128 characters');
    customerId = input.customerId;
  } else if (input.customerId) throw new ScheduleInputError('customerId', 'must be empty when scope is store (the whole store is erased)');
  if (input.deadlineDays && !(Number.isInteger(input.deadlineDays) && input.deadlineDays >= 1 && input.deadlineDays <= maxDeadlineDays)) throw new ScheduleInputError('deadlineDays', `must be an integer from 1 to ${maxDeadlineDays}`);
  return { scope: input.scope, storeId: input.storeId, customerId, deadlineDays: input.deadlineDays || null };
}

/** The audit report of a completed request: flat counts per service and data class (the audit log keeps flat details only). */
export function erasureReportDetails(request: { scope: string }, confirmations: { service: string; deleted: { dataClass: string; count: number }[] }[]): Record<string, string | number> {
  const details: Record<string, string | number> = { scope: request.scope };
  for (const confirmation of confirmations) for (const item of confirmation.deleted) details[`${confirmation.service}.${item.dataClass}`] = item.count;
  return details;
}
