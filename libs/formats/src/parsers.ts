import { createHash } from 'node:crypto';
import { readCsvRecords, readLines } from './lines';
import { parseDecimal, scaledToCents, toCents } from './money';
import { FileFormatError, MAX_RECORD_CHARS, type FileFormat, type ParseEvent, type ParsedLine, type ParsedTransaction } from './types';

export interface ParseOptions {
  /**
   * Formats without transaction ids (seed CSV/JSON, SPMF) get a content-derived id:
   * the same row at the same line of a re-uploaded file gets the same id, so a file
   * uploaded twice is recognised as duplicates rather than stored twice.
   */
  idPrefix?: string;
  /** Invoices of a line-item CSV whose rows are interleaved within this many others are still merged. */
  invoiceWindow?: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Largest utility of one line, in cents (10 billion currency units): sums of many lines stay exact. */
const MAX_LINE_CENTS = 1e12;

function contentId(prefix: string, line: number, content: string): string {
  return prefix + createHash('sha256').update(`${line}\n${content}`).digest('hex').slice(0, 32);
}

function positiveInteger(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value > 0 && value <= MAX_SAFE ? value : undefined;
}

export function parseTransactions(input: AsyncIterable<Buffer | string>, format: FileFormat, options: ParseOptions = {}): AsyncGenerator<ParseEvent> {
  switch (format) {
    case 'seed-csv':
      return parseSeedCsv(input, options);
    case 'seed-json':
      return parseSeedJson(input, options);
    case 'lineitem-csv':
      return parseLineItemCsv(input, options);
    case 'spmf':
      return parseSpmf(input, options);
    default:
      throw new Error(`unknown format "${format as string}"; expected seed-csv, seed-json, lineitem-csv or spmf`);
  }
}

/** Builds the lines of one seed transaction from parallel arrays, or names what is wrong. */
function seedLines(items: unknown[], quantities: unknown[], unitUtilities: unknown[]): { lines: ParsedLine[] } | { field: string; reason: string } {
  if (items.length === 0) return { field: 'items', reason: 'a transaction needs at least one item' };
  if (quantities.length !== items.length) return { field: 'quantities', reason: `has ${quantities.length} values for ${items.length} items` };
  if (unitUtilities.length !== items.length) return { field: 'unit_utilities', reason: `has ${unitUtilities.length} values for ${items.length} items` };
  const bySku = new Map<string, ParsedLine>();
  for (let i = 0; i < items.length; i++) {
    const sku = String(items[i] ?? '').trim();
    if (sku.length === 0 || sku.length > 128) return { field: `items[${i}]`, reason: 'must be a non-empty SKU of at most 128 characters' };
    const quantity = positiveInteger(String(quantities[i]));
    if (quantity === undefined) return { field: `quantities[${i}]`, reason: `must be a positive integer, got ${JSON.stringify(quantities[i])}` };
    const unitCents = typeof unitUtilities[i] === 'number' || typeof unitUtilities[i] === 'string' ? toCents(unitUtilities[i] as string | number) : undefined;
    if (unitCents === undefined || unitCents < 0) return { field: `unit_utilities[${i}]`, reason: `must be a non-negative amount, got ${JSON.stringify(unitUtilities[i])}` };
    const existing = bySku.get(sku);
    if (existing) return { field: `items[${i}]`, reason: `SKU "${sku}" appears twice in one transaction` };
    if (!Number.isSafeInteger(quantity * unitCents) || quantity * unitCents > MAX_LINE_CENTS) return { field: `unit_utilities[${i}]`, reason: `quantity x unit utility is over ${MAX_LINE_CENTS / 100} currency units` };
    bySku.set(sku, { sku, quantity, unitProfitCents: unitCents, utilityCents: quantity * unitCents });
  }
  return { lines: [...bySku.values()] };
}

async function* parseSeedCsv(input: AsyncIterable<Buffer | string>, options: ParseOptions): AsyncGenerator<ParseEvent> {
  const prefix = options.idPrefix ?? 'f-';
  let columns: Record<string, number> | undefined;
  for await (const record of readCsvRecords(input)) {
    if ('error' in record) {
      yield { kind: 'error', error: { line: record.line, field: 'row', reason: record.error } };
      continue;
    }
    if (!columns) {
      const names = record.fields.map((f) => f.trim().toLowerCase());
      const wanted = ['items', 'quantities', 'unit_utilities'];
      const missing = wanted.filter((name) => !names.includes(name));
      if (missing.length > 0) {
        yield { kind: 'error', error: { line: record.line, field: 'header', reason: `expected columns items,quantities,unit_utilities; missing ${missing.join(', ')}` } };
        return;
      }
      columns = Object.fromEntries(wanted.map((name) => [name, names.indexOf(name)]));
      continue;
    }
    const split = (name: string) => (record.fields[columns![name]] ?? '').split('|').map((v) => v.trim()).filter((v) => v.length > 0);
    const result = seedLines(split('items'), split('quantities'), split('unit_utilities'));
    if ('field' in result) yield { kind: 'error', error: { line: record.line, field: result.field, reason: result.reason } };
    else yield { kind: 'transaction', transaction: { line: record.line, transactionId: contentId(prefix, record.line, record.fields.join(',')), lines: result.lines } };
  }
  if (!columns) yield { kind: 'error', error: { line: 1, field: 'header', reason: 'the file is empty; expected a header items,quantities,unit_utilities' } };
}

/**
 * Streams the objects of a top-level JSON array one at a time, tracking the line each
 * starts on, so a large file is never held whole.
 */
async function* readJsonArrayElements(input: AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; text: string } | { line: number; error: string }> {
  const decoder = new TextDecoder('utf-8');
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;
  let element = '';
  let elementLine = 0;
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') line++;
      if (!started) {
        if (ch === '[') started = true;
        else if (!/\s|\ufeff/.test(ch)) {
          yield { line, error: 'expected a JSON array of transactions' };
          return;
        }
        continue;
      }
      if (ended) {
        if (!/\s/.test(ch)) {
          yield { line, error: 'unexpected content after the closing ]' };
          return;
        }
        continue;
      }
      if (depth === 0) {
        if (ch === ']') ended = true;
        else if (ch === '{' || ch === '[' || ch === '"' || /[\w\-]/.test(ch)) {
          depth = ch === '{' || ch === '[' ? 1 : 0;
          element = ch;
          elementLine = line;
          if (ch === '"') {
            inString = true;
            depth = 1; // a bare string element: close at its end quote
          } else if (depth === 0) {
            // A bare scalar element (number, true, null): read to the next comma or bracket.
            let j = i + 1;
            while (j < text.length && !/[,\]\s]/.test(text[j])) element += text[j++];
            i = j - 1;
            yield { line: elementLine, text: element };
            element = '';
          }
        } else if (ch !== ',' && !/\s/.test(ch)) {
          yield { line, error: `unexpected character ${JSON.stringify(ch)} between array elements` };
          return;
        }
        continue;
      }
      element += ch;
      if (element.length > MAX_RECORD_CHARS) throw new FileFormatError(elementLine, `a transaction is longer than ${MAX_RECORD_CHARS} characters`);
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') {
          inString = false;
          if (element[0] === '"' && depth === 1 && element.length > 1) {
            depth = 0;
            yield { line: elementLine, text: element };
            element = '';
          }
        }
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          yield { line: elementLine, text: element };
          element = '';
        }
      }
    }
  }
  if (!started) yield { line, error: 'the file is empty; expected a JSON array of transactions' };
  else if (!ended) yield { line, error: 'the JSON array is not closed (truncated file?)' };
}

async function* parseSeedJson(input: AsyncIterable<Buffer | string>, options: ParseOptions): AsyncGenerator<ParseEvent> {
  const prefix = options.idPrefix ?? 'f-';
  for await (const element of readJsonArrayElements(input)) {
    if ('error' in element) {
      yield { kind: 'error', error: { line: element.line, field: 'file', reason: element.error } };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(element.text);
    } catch (error) {
      yield { kind: 'error', error: { line: element.line, field: 'transaction', reason: `invalid JSON: ${(error as Error).message}` } };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { kind: 'error', error: { line: element.line, field: 'transaction', reason: 'must be an object { items, quantities, unit_utilities }' } };
      continue;
    }
    const record = value as Record<string, unknown>;
    const arrays = ['items', 'quantities', 'unit_utilities'].map((name) => [name, record[name]] as const);
    const notArray = arrays.find(([, v]) => !Array.isArray(v));
    if (notArray) {
      yield { kind: 'error', error: { line: element.line, field: notArray[0], reason: 'must be an array' } };
      continue;
    }
    const result = seedLines(record.items as unknown[], record.quantities as unknown[], record.unit_utilities as unknown[]);
    if ('field' in result) yield { kind: 'error', error: { line: element.line, field: result.field, reason: result.reason } };
    else yield { kind: 'transaction', transaction: { line: element.line, transactionId: contentId(prefix, element.line, element.text), lines: result.lines } };
  }
}

async function* parseSpmf(input: AsyncIterable<Buffer | string>, options: ParseOptions): AsyncGenerator<ParseEvent> {
  const prefix = options.idPrefix ?? 'f-';
  for await (const { line, text } of readLines(input)) {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#') || trimmed.startsWith('%') || trimmed.startsWith('@')) continue;
    const parts = trimmed.split(':');
    if (parts.length !== 3) {
      yield { kind: 'error', error: { line, field: 'line', reason: 'expected items:transactionUtility:utilities' } };
      continue;
    }
    const items = parts[0].trim().split(/\s+/);
    const utilities = parts[2].trim().split(/\s+/);
    const total = /^\d+$/.test(parts[1].trim()) ? Number(parts[1].trim()) : NaN;
    if (!Number.isSafeInteger(total)) {
      yield { kind: 'error', error: { line, field: 'transactionUtility', reason: `must be a non-negative integer, got ${JSON.stringify(parts[1].trim())}` } };
      continue;
    }
    if (items.length !== utilities.length) {
      yield { kind: 'error', error: { line, field: 'utilities', reason: `${utilities.length} utilities for ${items.length} items` } };
      continue;
    }
    const lines: ParsedLine[] = [];
    const seen = new Set<string>();
    let sum = 0;
    let problem: { field: string; reason: string } | undefined;
    for (let i = 0; i < items.length && !problem; i++) {
      if (!/^\d+$/.test(items[i]) || Number(items[i]) <= 0 || Number(items[i]) > 0xffffffff) problem = { field: `items[${i}]`, reason: `must be a positive integer item id, got ${JSON.stringify(items[i])}` };
      else if (!/^\d+$/.test(utilities[i])) problem = { field: `utilities[${i}]`, reason: `must be a non-negative integer, got ${JSON.stringify(utilities[i])}` };
      else if (seen.has(items[i])) problem = { field: `items[${i}]`, reason: `item ${items[i]} appears twice in one transaction` };
      else {
        seen.add(items[i]);
        const utility = Number(utilities[i]);
        sum += utility;
        lines.push({ sku: String(Number(items[i])), quantity: 1, utilityCents: utility });
      }
    }
    if (!problem && sum !== total) problem = { field: 'transactionUtility', reason: `is ${total} but the utilities sum to ${sum}` };
    if (problem) yield { kind: 'error', error: { line, ...problem } };
    else yield { kind: 'transaction', transaction: { line, transactionId: contentId(prefix, line, trimmed), lines } };
  }
}

const LINE_ITEM_COLUMNS = ['invoiceno', 'stockcode', 'description', 'quantity', 'invoicedate', 'unitprice', 'customerid', 'country'] as const;

/** ISO `YYYY-MM-DD HH:MM[:SS]` or US `M/D/YYYY H:MM`, read as UTC. */
function parseInvoiceDate(text: string): string | undefined {
  const trimmed = text.trim();
  let match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(trimmed);
  if (match) {
    const [, y, mo, d, h, mi, s = '00', zone] = match;
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone ?? 'Z'}`);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(trimmed);
  if (match) {
    const [, mo, d, y, h, mi] = match;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

interface OpenInvoice {
  transaction: ParsedTransaction;
  /** Exact line amounts per SKU in micro-units, rounded to cents only when the invoice closes. */
  amounts: Map<string, { amount: bigint; line: ParsedLine }>;
  lastSeen: number;
}

/**
 * Line-item CSV as POS systems export it: one row per basket line, rows of one invoice
 * form one transaction. Rows of the same SKU in one invoice are merged (quantities
 * summed; utility = round-half-up of the exact sum of quantity x price, in cents).
 * Invoices are emitted once `invoiceWindow` other invoices have started after their
 * last row, so lightly interleaved exports still merge, while memory stays bounded.
 */
async function* parseLineItemCsv(input: AsyncIterable<Buffer | string>, options: ParseOptions): AsyncGenerator<ParseEvent> {
  const window = options.invoiceWindow ?? 64;
  let columns: number[] | undefined;
  const open = new Map<string, OpenInvoice>();
  const closed = new Map<string, number>();
  let invoiceCounter = 0;
  let lastDateText = '';
  let lastOccurredAt: string | undefined;

  const close = (invoiceNo: string): ParseEvent | undefined => {
    const invoice = open.get(invoiceNo)!;
    open.delete(invoiceNo);
    closed.set(invoiceNo, invoice.transaction.line);
    for (const { amount, line } of invoice.amounts.values()) line.utilityCents = Number(scaledToCents(amount, 6));
    invoice.transaction.lines = [...invoice.amounts.values()].map((entry) => entry.line);
    return invoice.transaction.lines.length > 0 ? { kind: 'transaction', transaction: invoice.transaction } : undefined;
  };

  for await (const record of readCsvRecords(input)) {
    if ('error' in record) {
      yield { kind: 'error', error: { line: record.line, field: 'row', reason: record.error } };
      continue;
    }
    if (!columns) {
      const names = record.fields.map((f) => f.trim().toLowerCase());
      const missing = LINE_ITEM_COLUMNS.filter((name) => !names.includes(name));
      if (missing.length > 0) {
        yield { kind: 'error', error: { line: record.line, field: 'header', reason: `expected InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country; missing ${missing.join(', ')}` } };
        return;
      }
      columns = LINE_ITEM_COLUMNS.map((name) => names.indexOf(name));
      continue;
    }
    const get = (index: number) => (record.fields[columns![index]] ?? '').trim();
    const [invoiceNo, stockCode, description, quantityText, dateText, priceText, customerText, country] = LINE_ITEM_COLUMNS.map((_, i) => get(i));
    const reject = (field: string, reason: string): ParseEvent => ({ kind: 'error', error: { line: record.line, field, reason } });
    if (record.fields.length < LINE_ITEM_COLUMNS.length) {
      yield reject('row', `has ${record.fields.length} fields, expected ${LINE_ITEM_COLUMNS.length}`);
      continue;
    }
    if (invoiceNo.length === 0 || invoiceNo.length > 64) {
      yield reject('InvoiceNo', 'must be a non-empty id of at most 64 characters');
      continue;
    }
    // The data set's convention: a cancellation is C and the invoice's digits (C536383). Only that:
    // a POS whose invoice ids are words ("coffee-17", "CO-1001") is not cancelling anything.
    if (/^c\d/i.test(invoiceNo)) {
      yield reject('InvoiceNo', `cancellation invoice ${invoiceNo}: returns and cancellations are not mined`);
      continue;
    }
    if (stockCode.length === 0 || stockCode.length > 128) {
      yield reject('StockCode', 'must be a non-empty SKU of at most 128 characters');
      continue;
    }
    if (!/^-?\d+$/.test(quantityText)) {
      yield reject('Quantity', `must be an integer, got ${JSON.stringify(quantityText)}`);
      continue;
    }
    const quantity = Number(quantityText);
    if (quantity <= 0) {
      yield reject('Quantity', `is ${quantity}: negative or zero quantities are returns and are not mined`);
      continue;
    }
    if (quantity > 1_000_000) {
      yield reject('Quantity', `is ${quantityText}: more than 1000000 units on one line`);
      continue;
    }
    const price = parseDecimal(priceText, 6);
    if (price === undefined) {
      yield reject('UnitPrice', `must be a decimal amount, got ${JSON.stringify(priceText)}`);
      continue;
    }
    if (price <= 0n) {
      yield reject('UnitPrice', `is ${priceText}: free lines and adjustments with a non-positive price are not mined`);
      continue;
    }
    // Rows of one invoice repeat its date: parse each distinct text once.
    const occurredAt = dateText === lastDateText ? lastOccurredAt : parseInvoiceDate(dateText);
    lastDateText = dateText;
    lastOccurredAt = occurredAt;
    if (!occurredAt) {
      yield reject('InvoiceDate', `must be YYYY-MM-DD HH:MM:SS or M/D/YYYY H:MM, got ${JSON.stringify(dateText)}`);
      continue;
    }
    if (!open.has(invoiceNo) && closed.has(invoiceNo)) {
      yield reject('InvoiceNo', `invoice ${invoiceNo} (first seen at line ${closed.get(invoiceNo)}) continues after ${window} other invoices; keep an invoice's rows together`);
      continue;
    }
    let invoice = open.get(invoiceNo);
    const startedInvoice = !invoice;
    if (!invoice) {
      invoiceCounter++;
      const customerId = customerText.replace(/\.0+$/, '');
      invoice = {
        transaction: { line: record.line, transactionId: invoiceNo, occurredAt, country: country || undefined, customerId: customerId || undefined, lines: [] },
        amounts: new Map(),
        lastSeen: invoiceCounter,
      };
      open.set(invoiceNo, invoice);
    }
    invoice.lastSeen = invoiceCounter;
    const amount = BigInt(quantity) * price;
    if (scaledToCents(amount, 6) > BigInt(MAX_LINE_CENTS)) {
      yield reject('UnitPrice', `Quantity x UnitPrice is over ${MAX_LINE_CENTS / 100} currency units`);
      continue;
    }
    const existing = invoice.amounts.get(stockCode);
    if (existing) {
      existing.amount += amount;
      existing.line.quantity += quantity;
    } else {
      invoice.amounts.set(stockCode, {
        amount,
        line: { sku: stockCode, name: description || undefined, quantity, unitPriceCents: Number(scaledToCents(price, 6)), utilityCents: 0 },
      });
    }
    // Close invoices untouched while `window` other invoices started (only a new invoice can
    // make one old enough, so the scan runs once per invoice, not once per row).
    if (startedInvoice) {
      for (const [openNo, candidate] of open) {
        if (openNo !== invoiceNo && invoiceCounter - candidate.lastSeen > window) {
          const event = close(openNo);
          if (event) yield event;
        }
      }
    }
  }
  for (const openNo of [...open.keys()]) {
    const event = close(openNo);
    if (event) yield event;
  }
}

export { readLines, readCsvRecords };
