/** Test helpers (not part of the public API). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { InputTransaction, ItemKey } from '../database';
import type { Pattern } from '../mine';

/** Repository root: the folder holding libs/huim (this file is in libs/huim/dist/testing). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let k = 0; k < 8; k++) {
    if (fs.existsSync(path.join(dir, 'libs', 'huim', 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '../../../..');
}

/** Shared datasets folder: $TESSERA_DATASETS or <repo>/../shared/datasets. */
export function datasetsDir(): string {
  return process.env.TESSERA_DATASETS ?? path.resolve(repoRoot(), '../shared/datasets');
}

/** A pattern as a comparable string. */
export function patternKey(p: { items: readonly ItemKey[]; utility: number; support?: number }): string {
  return `${p.items.map(String).join(' ')}#${p.utility}` + (p.support !== undefined ? `#${p.support}` : '');
}

/** Sorted list of pattern keys (order-independent comparison). */
export function keySet(ps: readonly Pattern[]): string[] {
  return ps.map((p) => patternKey(p)).sort();
}

/** Random small databases: up to `maxItems` items, `maxTx` transactions, utilities 0..maxU. */
export function arbDatabase(opts: { maxItems?: number; maxTx?: number; maxLen?: number; maxU?: number; stringKeys?: boolean } = {}): fc.Arbitrary<InputTransaction[]> {
  const maxItems = opts.maxItems ?? 7;
  const maxLen = Math.min(opts.maxLen ?? 6, maxItems);
  const maxU = opts.maxU ?? 20;
  const key = (i: number): ItemKey => (opts.stringKeys ? `sku-${String.fromCharCode(97 + i)}` : [7, 3, 1_231_525_161, 42, 5, 100_000, 2, 9, 11, 64][i % 10] + Math.floor(i / 10) * 1000);
  const tx = fc
    .uniqueArray(fc.integer({ min: 0, max: maxItems - 1 }), { minLength: 0, maxLength: maxLen })
    .chain((items) => fc.array(fc.integer({ min: 0, max: maxU }), { minLength: items.length, maxLength: items.length }).map((utilities) => ({ items: items.map(key), utilities })));
  return fc.array(tx, { minLength: 1, maxLength: opts.maxTx ?? 12 });
}
