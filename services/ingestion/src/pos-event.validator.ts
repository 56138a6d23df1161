import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { toCents } from '@tessera/formats';
import type { TransactionRecord } from './transaction.model';

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

export type PosValidation = { ok: true; record: TransactionRecord } | { ok: false; reason: string; fieldPath: string; storeId?: string; transactionId?: string };

/**
 * Validates a raw pos.transactions.v1 payload against the published JSON Schema and
 * turns it into a record: money scaled to integer cents, the customer id replaced by a
 * keyed hash. Every rejection names the field (JSON pointer) and the reason.
 */
export class PosEventValidator {
  private readonly validate;

  constructor(private readonly customerHashKey: string) {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    addFormats(ajv);
    this.validate = ajv.compile(loadSchema('pos-transaction.v1.schema.json'));
  }

  check(payload: Buffer, messageKey: string | null): PosValidation {
    let event: unknown;
    try {
      event = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `payload is not JSON: ${(error as Error).message}`, fieldPath: '' };
    }
    const loose = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const prototypeKey = prototypeKeyPath(event);
    const ids = { storeId: typeof loose.storeId === 'string' ? loose.storeId : undefined, transactionId: typeof loose.transactionId === 'string' ? loose.transactionId : undefined };
    if (prototypeKey) return { ok: false, reason: `${prototypeKey} is not allowed: __proto__, constructor and prototype are never fields of pos.transactions.v1`, fieldPath: prototypeKey, ...ids };
    if (!this.validate(event)) {
      const error = this.validate.errors![0];
      const fieldPath = error.keyword === 'required' ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}` : error.keyword === 'additionalProperties' ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}` : error.instancePath;
      const reason = error.keyword === 'additionalProperties' ? 'is not a field of pos.transactions.v1' : error.message ?? 'is invalid';
      return { ok: false, reason: `${fieldPath || '/'} ${reason}`, fieldPath, ...ids };
    }
    const valid = event as { transactionId: string; storeId: string; occurredAt: string; customerId?: string; lines: { sku: string; name?: string; quantity: number; unitPrice: number; unitProfit?: number }[] };
    if (messageKey !== null && messageKey !== valid.storeId) {
      return { ok: false, reason: `storeId "${valid.storeId}" is not the store "${messageKey}" the event was sent for (Kafka message key or request store)`, fieldPath: '/storeId', ...ids };
    }
    // the format allows leap seconds and other times Date cannot hold
    const occurredAt = new Date(valid.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) return { ok: false, reason: `/occurredAt ${JSON.stringify(valid.occurredAt)} is not a time that can be stored (leap seconds are not accepted)`, fieldPath: '/occurredAt', ...ids };
    const skus = new Set<string>();
    const lines: TransactionRecord['lines'] = [];
    let totalCents = 0;
    for (let i = 0; i < valid.lines.length; i++) {
      const line = valid.lines[i];
      if (skus.has(line.sku)) return { ok: false, reason: `sku "${line.sku}" appears in two lines; send one line per sku`, fieldPath: `/lines/${i}/sku`, ...ids };
      skus.add(line.sku);
      const unitPriceCents = toCents(line.unitPrice)!;
      const unitProfitCents = line.unitProfit === undefined ? undefined : toCents(line.unitProfit)!;
      const utilityCents = line.quantity * (unitProfitCents ?? unitPriceCents);
      totalCents += utilityCents;
      lines.push({ sku: line.sku, name: line.name, quantity: line.quantity, unitPriceCents, unitProfitCents, utilityCents });
    }
    if (!Number.isSafeInteger(totalCents)) return { ok: false, reason: `/lines add up to more than ${Number.MAX_SAFE_INTEGER} cents; split the basket`, fieldPath: '/lines', ...ids };
    return {
      ok: true,
      record: {
        storeId: valid.storeId,
        transactionId: valid.transactionId,
        occurredAt: occurredAt.toISOString(),
        customerHash: valid.customerId === undefined ? undefined : hashCustomer(this.customerHashKey, valid.storeId, valid.customerId),
        lines,
        source: 'pos',
      },
    };
  }
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON pointer of the first `__proto__`, `constructor` or `prototype` key in a parsed value
 * (JSON.parse makes them own properties). Refused whatever the schema says, so no later copy
 * of the event can turn one into a prototype. Iterative: a deep payload cannot overflow the stack.
 */
export function prototypeKeyPath(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    for (const key of Object.keys(current)) {
      const child = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (PROTOTYPE_KEYS.has(key)) return child;
      stack.push({ value: (current as Record<string, unknown>)[key], path: child });
    }
  }
  return undefined;
}

/** Keyed hash of a customer id: linkable within the node for analytics, never reversible without the key. */
export function hashCustomer(key: string, storeId: string, customerId: string): string {
  return createHmac('sha256', key).update(`${storeId}\u0000${customerId}`).digest('hex').slice(0, 40);
}
