import type { Principal } from '../access/access-policy';
import { storeInScope } from '../access/access-policy.util';

/**
 * Who may manage a schedule (pure, so the matrix of roles and kinds has its own spec):
 * store managers their own store's mining; regional coordinators rounds, insights refreshes
 * and retention sweeps, hub-wide or for a store of their region; admins everything.
 * Returns why not, or undefined when allowed.
 */
export function scheduleRefusal(principal: Principal | undefined, schedule: { kind: string; storeId: string }): string | undefined {
  if (!principal || principal.kind !== 'user') return 'sign in as a user to manage schedules';
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'store_manager') {
    if (schedule.kind !== 'mining') return 'store managers schedule only their own store\'s mining; rounds, insights and retention are for coordinators and admins';
    return storeInScope(principal, schedule.storeId) ? undefined : `store ${schedule.storeId} is not your store`;
  }
  if (schedule.kind === 'mining') return "a store's mining is scheduled by its manager (or an admin)";
  if (schedule.storeId && !storeInScope(principal, schedule.storeId)) return `store ${schedule.storeId} is not in your region`;
  return undefined;
}

/** The schedules and runs a caller may list: their stores, and hub-wide ones for coordinators. */
export function listingScope(principal: Principal | undefined): { storeIds: string[]; includeHubWide: boolean } | 'all' {
  if (!principal || principal.kind !== 'user') return { storeIds: ['\u0000none'], includeHubWide: false };
  if (principal.allStores) return 'all';
  // An empty store list would mean "all" to the scheduler: name an impossible store instead.
  const storeIds = principal.storeIds.length ? principal.storeIds : ['\u0000none'];
  return { storeIds, includeHubWide: principal.role === 'regional_coordinator' };
}
