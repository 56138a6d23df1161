/** Test helpers (not part of the public API): random small stores and brute-force oracles. */
import fc from 'fast-check';
import { fromTransactions, type InputTransaction, type UtilityDatabase } from '@tessera/huim';
import { seededRandomSource, type RandomSource } from '@tessera/privacy';
import type { RoundPlan } from '../plan';

export const ITEMS = ['apple', 'bread', 'cheese', 'dates', 'eggs', 'flour', 'grapes', 'honey'];

/** A random transaction over the first `items` products, utilities 1..maxUtility (cents). */
export function arbTransaction(items = 6, maxUtility = 5000, maxLength = 5): fc.Arbitrary<InputTransaction> {
  return fc
    .uniqueArray(fc.integer({ min: 0, max: items - 1 }), { minLength: 1, maxLength: Math.min(maxLength, items) })
    .chain((ids) =>
      fc.array(fc.integer({ min: 1, max: maxUtility }), { minLength: ids.length, maxLength: ids.length }).map((utilities) => ({ items: ids.map((i) => ITEMS[i]), utilities })),
    );
}

/** A random store: 1..maxTransactions transactions. */
export function arbStore(maxTransactions = 25, items = 6, maxUtility = 5000): fc.Arbitrary<InputTransaction[]> {
  return fc.array(arbTransaction(items, maxUtility), { minLength: 1, maxLength: maxTransactions });
}

/** Random candidate itemsets over the first `items` products (distinct, canonical order not required). */
export function arbCandidates(items = 6, max = 8): fc.Arbitrary<string[][]> {
  return fc
    .uniqueArray(fc.uniqueArray(fc.integer({ min: 0, max: items - 1 }), { minLength: 1, maxLength: 3 }).map((ids) => ids.sort((a, b) => a - b).join(',')), { minLength: 1, maxLength: max })
    .map((keys) => keys.map((key) => key.split(',').map((i) => ITEMS[Number(i)]).sort()));
}

export function database(transactions: readonly InputTransaction[]): UtilityDatabase {
  return fromTransactions(transactions);
}

export function testRandom(label: string): RandomSource {
  return seededRandomSource(Buffer.from(`federated-tests/${label}`).toString('hex'));
}

/** Utility of `itemset` in `transaction`, or undefined if the transaction does not contain it. */
function utilityIn(transaction: InputTransaction, itemset: readonly string[]): number | undefined {
  let utility = 0;
  for (const item of itemset) {
    const at = transaction.items.indexOf(item);
    if (at < 0) return undefined;
    utility += transaction.utilities[at];
  }
  return utility;
}

/**
 * Brute-force oracle of a store's clipped integer vector, written from the rules documented in
 * encode.ts and plan.ts with plain arrays (no contribution matrix, no typed arrays).
 */
export function oracleClippedSum(transactions: readonly InputTransaction[], plan: RoundPlan): number[] {
  const m = plan.candidates.length;
  const q = plan.quantisation;
  const out = new Array<number>(plan.layout.length).fill(0);
  for (const transaction of transactions) {
    const held: { index: number; utility: number }[] = [];
    plan.candidates.forEach((itemset, index) => {
      const u = utilityIn(transaction, itemset);
      if (u !== undefined) held.push({ index, utility: u });
    });
    let factor = 1;
    if (held.length > 0) {
      const scaled = held.map((h) => h.utility * q.utilityScale);
      const norm = Math.hypot(...scaled);
      const allowed = Math.max(q.utilityBound - Math.sqrt(held.length) / 2, q.utilityBound / 2);
      if (norm > allowed) factor = allowed / norm;
      const rounded = scaled.map((y) => Math.round(y * factor));
      let squared = rounded.reduce((s, v) => s + v * v, 0);
      while (squared > q.utilityBound * q.utilityBound) {
        const largest = rounded.indexOf(Math.max(...rounded));
        squared -= 2 * rounded[largest] - 1;
        rounded[largest]--;
      }
      held.forEach((h, j) => (out[h.index] += rounded[j]));
      let unit = q.supportUnit;
      if (held.length > plan.clip.supportCount) {
        unit = Math.floor(q.supportUnit * Math.sqrt(plan.clip.supportCount / held.length));
        while (held.length * unit * unit > q.blockSquaredBounds.support) unit--;
      }
      for (const h of held) out[m + h.index] += unit;
    }
    out[2 * m] += q.countUnit;
    if (factor < 1) out[2 * m + 1] += q.countUnit;
    const own = transaction.utilities.reduce((s, u) => s + u, 0);
    out[2 * m + 2] += Math.min(q.totalUtilityBound, Math.round(Math.min(own * factor, plan.clip.transactionUtility) * q.totalUtilityScale));
    const subsetsHeld = plan.subsets.map((itemset, index) => ({ index, held: utilityIn(transaction, itemset) !== undefined })).filter((h) => h.held);
    let subsetUnit = q.supportUnit;
    if (subsetsHeld.length > q.subsetSupportCount) {
      subsetUnit = Math.floor(q.supportUnit * Math.sqrt(q.subsetSupportCount / subsetsHeld.length));
      while (subsetsHeld.length * subsetUnit * subsetUnit > q.blockSquaredBounds.subsetSupport) subsetUnit--;
    }
    for (const h of subsetsHeld) out[2 * m + 3 + h.index] += subsetUnit;
  }
  return out;
}
