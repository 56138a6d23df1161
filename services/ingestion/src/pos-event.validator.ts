import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
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
    const ids = () => ({ storeId: typeof loose.storeId === 'string' ? loose.storeId : undefined, transactionId: typeof loose.transactionId === 'string' ? loose.transactionId : undefined });
    // The hand-written check accepts only what the schema accepts (every key is one of the
    // schema's, so no prototype key either); anything it is unsure of goes through the
    // prototype-key walk and Ajv as before, which decide the rejection and its field.
    if (!isPlainValidEvent(event)) {
      const prototypeKey = prototypeKeyPath(event);
      if (prototypeKey) return { ok: false, reason: `${prototypeKey} is not allowed: __proto__, constructor and prototype are never fields of pos.transactions.v1`, fieldPath: prototypeKey, ...ids() };
      if (!this.validate(event)) {
        const error = this.validate.errors![0];
        const fieldPath = error.keyword === 'required' ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}` : error.keyword === 'additionalProperties' ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}` : error.instancePath;
        const reason = error.keyword === 'additionalProperties' ? 'is not a field of pos.transactions.v1' : error.message ?? 'is invalid';
        return { ok: false, reason: `${fieldPath || '/'} ${reason}`, fieldPath, ...ids() };
      }
    }
    const valid = event as PosEventV1;
    if (messageKey !== null && messageKey !== valid.storeId) {
      return { ok: false, reason: `storeId "${valid.storeId}" is not the store "${messageKey}" the event was sent for (Kafka message key or request store)`, fieldPath: '/storeId', ...ids() };
    }
    // the format allows leap seconds and other times Date cannot hold
    const occurredAt = new Date(valid.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) return { ok: false, reason: `/occurredAt ${JSON.stringify(valid.occurredAt)} is not a time that can be stored (leap seconds are not accepted)`, fieldPath: '/occurredAt', ...ids() };
    // Baskets are small: a linear scan finds a repeated sku without a Set per event.
    if (!storable(valid.transactionId)) return unstorable('/transactionId', ids());
    const skus = valid.lines.length > 16 ? new Set<string>() : undefined;
    const lines: TransactionRecord['lines'] = [];
    let totalCents = 0;
    for (let i = 0; i < valid.lines.length; i++) {
      const line = valid.lines[i];
      if (skus ? skus.has(line.sku) : repeatsEarlierSku(valid.lines, i)) return { ok: false, reason: `sku "${line.sku}" appears in two lines; send one line per sku`, fieldPath: `/lines/${i}/sku`, ...ids() };
      skus?.add(line.sku);
      if (!storable(line.sku)) return unstorable(`/lines/${i}/sku`, ids());
      if (line.name !== undefined && !storable(line.name)) return unstorable(`/lines/${i}/name`, ids());
      const unitPriceCents = centsOf(line.unitPrice);
      const unitProfitCents = line.unitProfit === undefined ? undefined : centsOf(line.unitProfit);
      const utilityCents = line.quantity * (unitProfitCents ?? unitPriceCents);
      totalCents += utilityCents;
      lines.push({ sku: line.sku, name: line.name, quantity: line.quantity, unitPriceCents, unitProfitCents, utilityCents });
    }
    if (!Number.isSafeInteger(totalCents)) return { ok: false, reason: `/lines add up to more than ${Number.MAX_SAFE_INTEGER} cents; split the basket`, fieldPath: '/lines', ...ids() };
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

/**
 * A schema-valid amount (|value| <= 10,000,000) in cents, exactly as toCents gives it. The
 * quick answer holds when the amount has at most two decimals: then value * 100 rounds to
 * an integer c whose c / 100 is the same double, and no other decimal with at most two
 * places is that close (they are 0.01 apart, far more than a double's spacing below 1e7),
 * so the shortest decimal form toCents reads is c / 100 itself. Anything else goes to toCents.
 */
export function centsOf(value: number): number {
  const cents = Math.round(value * 100);
  if (cents / 100 === value && value <= 10_000_000 && value >= -10_000_000) return cents + 0;
  return toCents(value)!;
}

const NUL = '\u0000';

/**
 * Postgres text holds no NUL character and jsonb no unpaired surrogate: an event carrying one
 * in a stored field would fail its whole batch at every redelivery, so it is refused instead.
 * (customerId is only hashed, storeId is limited by its pattern.)
 */
function storable(text: string): boolean {
  return !text.includes(NUL) && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function unstorable(fieldPath: string, ids: { storeId?: string; transactionId?: string }): PosValidation {
  return { ok: false, reason: `${fieldPath} contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)`, fieldPath, ...ids };
}

type PosEventV1 = { transactionId: string; storeId: string; occurredAt: string; customerId?: string; lines: { sku: string; name?: string; quantity: number; unitPrice: number; unitProfit?: number }[] };

function repeatsEarlierSku(lines: PosEventV1['lines'], i: number): boolean {
  const sku = lines[i].sku;
  for (let j = 0; j < i; j++) if (lines[j].sku === sku) return true;
  return false;
}

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const isDateTime = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;

/**
 * pos.transactions.v1 checked by hand, for the common case: true only when Ajv would accept
 * the event too (the schema, field by field). String lengths are bounded by UTF-16 length,
 * which is never less than the code-point length Ajv counts, so a string this passes Ajv
 * passes as well; the rare string this refuses but Ajv accepts is decided by Ajv.
 * pos-event.validator.spec.ts compares the two on random events.
 */
export function isPlainValidEvent(event: unknown): event is PosEventV1 {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  for (const key in e) if (key !== 'transactionId' && key !== 'storeId' && key !== 'occurredAt' && key !== 'customerId' && key !== 'lines') return false;
  const { transactionId, storeId, occurredAt, customerId, lines } = e;
  if (typeof transactionId !== 'string' || transactionId.length < 1 || transactionId.length > 128) return false;
  if (typeof storeId !== 'string' || !STORE_ID.test(storeId)) return false;
  if (typeof occurredAt !== 'string' || !isDateTime(occurredAt)) return false;
  if (customerId !== undefined && (typeof customerId !== 'string' || customerId.length < 1 || customerId.length > 256)) return false;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 5000) return false;
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (typeof line !== 'object' || line === null || Array.isArray(line)) return false;
    const l = line as Record<string, unknown>;
    for (const key in l) if (key !== 'sku' && key !== 'name' && key !== 'quantity' && key !== 'unitPrice' && key !== 'unitProfit') return false;
    const { sku, name, quantity, unitPrice, unitProfit } = l;
    if (typeof sku !== 'string' || sku.length < 1 || sku.length > 128) return false;
    if (name !== undefined && (typeof name !== 'string' || name.length > 512)) return false;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1_000_000) return false;
    if (typeof unitPrice !== 'number' || !Number.isFinite(unitPrice) || unitPrice < 0 || unitPrice > 10_000_000) return false;
    if (unitProfit !== undefined && (typeof unitProfit !== 'number' || !Number.isFinite(unitProfit) || unitProfit < -10_000_000 || unitProfit > 10_000_000)) return false;
  }
  return true;
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
