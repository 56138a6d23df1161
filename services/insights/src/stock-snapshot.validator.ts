import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { StockLevel } from './repositories/stock.repository';

/** Finds schemas/<name> by walking up from the compiled file, in the repo and in the image. */
function loadSchema(name: string): object {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas', name);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8'));
    dir = dirname(dir);
  }
  throw new Error(`schema ${name} not found above ${__dirname}`);
}

export type SnapshotValidation = { ok: true; levels: StockLevel[] } | { ok: false; field: string; reason: string };

/** Validates a stock snapshot against schemas/stock-snapshot.v1.schema.json; a rejection names the field (JSON pointer). */
export class StockSnapshotValidator {
  private readonly validate;

  constructor(private readonly defaults: { leadTimeDays: number; serviceLevel: number }) {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    addFormats(ajv);
    this.validate = ajv.compile(loadSchema('stock-snapshot.v1.schema.json'));
  }

  check(json: string): SnapshotValidation {
    let snapshot: unknown;
    try {
      snapshot = JSON.parse(json);
    } catch (error) {
      return { ok: false, field: '/', reason: `the body is not JSON: ${(error as Error).message}` };
    }
    if (!this.validate(snapshot)) {
      const error = this.validate.errors![0];
      const field =
        error.keyword === 'required'
          ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
          : error.keyword === 'additionalProperties'
            ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`
            : error.instancePath || '/';
      const reason = error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? 'is not a field of a stock snapshot' : error.message ?? 'is invalid';
      return { ok: false, field, reason };
    }
    const valid = snapshot as { countedAt: string; defaultLeadTimeDays?: number; defaultServiceLevel?: number; items: { sku: string; name?: string; stock: number; leadTimeDays?: number; serviceLevel?: number }[] };
    const seen = new Map<string, number>();
    for (let index = 0; index < valid.items.length; index++) {
      const sku = valid.items[index].sku;
      if (seen.has(sku)) return { ok: false, field: `/items/${index}/sku`, reason: `sku "${sku}" is also item ${seen.get(sku)}; count each item once` };
      seen.set(sku, index);
    }
    const countedAt = new Date(valid.countedAt).toISOString();
    return {
      ok: true,
      levels: valid.items.map((item) => ({
        sku: item.sku,
        ...(item.name ? { name: item.name } : {}),
        stock: item.stock,
        leadTimeDays: item.leadTimeDays ?? valid.defaultLeadTimeDays ?? this.defaults.leadTimeDays,
        serviceLevel: item.serviceLevel ?? valid.defaultServiceLevel ?? this.defaults.serviceLevel,
        countedAt,
      })),
    };
  }
}
