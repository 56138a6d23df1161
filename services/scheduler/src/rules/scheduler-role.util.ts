import type { SchedulerRole } from '../scheduler.config';
import { DATA_CLASSES, SCHEDULE_KINDS, ScheduleInputError, type DataClass, type ScheduleKind, type ValidSchedule } from './schedule-input.util';

/** A store this scheduler does not serve (a store node's NODE_STORE_IDS): the gRPC layer answers PERMISSION_DENIED naming it. */
export class StoreNotServedError extends Error {
  constructor(
    readonly storeId: string,
    role: SchedulerRole,
    served: readonly string[],
  ) {
    super(`store ${storeId} is not served by this ${role} scheduler (NODE_STORE_IDS: ${served.join(', ')})`);
    this.name = 'StoreNotServedError';
  }
}

/** What a scheduler of a role runs: its kinds, the data classes it sweeps, whether it takes erasure requests, and (store node) its stores. */
export interface SchedulerRoleRules {
  role: SchedulerRole;
  kinds: readonly ScheduleKind[];
  dataClasses: readonly DataClass[];
  erasure: boolean;
  /** The stores a store node serves; null when the role is not limited to some stores. */
  stores: readonly string[] | null;
}

const KINDS: Record<SchedulerRole, readonly ScheduleKind[]> = {
  hub: ['federated_round', 'insights_refresh', 'retention_sweep'],
  'store-node': ['mining', 'insights_refresh', 'retention_sweep'],
  all: SCHEDULE_KINDS,
};
const CLASSES: Record<SchedulerRole, readonly DataClass[]> = {
  hub: ['audit', 'round_artefacts'],
  'store-node': ['raw_transactions', 'uploaded_files'],
  all: DATA_CLASSES,
};

export function schedulerRoleRules(role: SchedulerRole, stores: readonly string[] | null): SchedulerRoleRules {
  return { role, kinds: KINDS[role], dataClasses: CLASSES[role], erasure: role !== 'hub', stores: role === 'store-node' ? (stores ?? []) : null };
}

/** Refuses a store the role does not serve (a store node: one outside NODE_STORE_IDS). */
export function checkStoreServed(rules: SchedulerRoleRules, storeId: string | null): void {
  if (rules.stores === null || storeId === null) return;
  if (!rules.stores.includes(storeId)) throw new StoreNotServedError(storeId, rules.role, rules.stores);
}

/**
 * Refuses a (valid) schedule this role does not run: a foreign kind or data class names the
 * kind and the role (INVALID_ARGUMENT); a store node's schedule for another store, the store.
 */
export function checkScheduleForRole(rules: SchedulerRoleRules, schedule: Pick<ValidSchedule, 'kind' | 'storeId' | 'parameters'>): void {
  if (!rules.kinds.includes(schedule.kind)) {
    throw new ScheduleInputError('kind', `${schedule.kind} is not run by the ${rules.role} scheduler (SCHEDULER_ROLE=${rules.role} runs ${rules.kinds.join(', ')})`);
  }
  if (schedule.kind === 'retention_sweep') {
    const dataClass = schedule.parameters.dataClass as DataClass;
    if (!rules.dataClasses.includes(dataClass)) {
      throw new ScheduleInputError('parameters.dataClass', `a ${schedule.kind} of ${dataClass} is not run by the ${rules.role} scheduler (SCHEDULER_ROLE=${rules.role} sweeps ${rules.dataClasses.join(', ')})`);
    }
  }
  if (rules.role === 'hub' && schedule.kind === 'insights_refresh' && schedule.storeId !== null) {
    throw new ScheduleInputError('storeId', `an ${schedule.kind} on the hub scheduler is the consortium's (leave storeId empty); a store's own insights are refreshed by its node's scheduler`);
  }
  checkStoreServed(rules, schedule.storeId);
}

/** Whether this role runs an existing schedule (one written before the role was set is left alone). */
export function roleRuns(rules: SchedulerRoleRules, schedule: { kind: string; store_id: string | null; parameters: Record<string, unknown> }): boolean {
  try {
    checkScheduleForRole(rules, { kind: schedule.kind as ScheduleKind, storeId: schedule.store_id, parameters: schedule.parameters ?? {} });
    return true;
  } catch {
    return false;
  }
}
