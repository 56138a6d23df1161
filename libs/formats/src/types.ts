export type FileFormat = 'seed-csv' | 'seed-json' | 'lineitem-csv' | 'spmf';
export const FILE_FORMATS: readonly FileFormat[] = ['seed-csv', 'seed-json', 'lineitem-csv', 'spmf'];

/**
 * One basket line. Money is integer cents, scaled exactly from the decimal text
 * (round half up), never through floating point. `utilityCents` is what mining counts:
 * quantity x unit profit when the source gives a profit, otherwise quantity x unit price
 * (revenue). For SPMF files, whose utilities are plain integers, the integer is used as is.
 */
export interface ParsedLine {
  sku: string;
  name?: string;
  quantity: number;
  unitPriceCents?: number;
  unitProfitCents?: number;
  utilityCents: number;
}

export interface ParsedTransaction {
  /** 1-based line where the transaction starts in the file. */
  line: number;
  transactionId: string;
  occurredAt?: string;
  country?: string;
  customerId?: string;
  lines: ParsedLine[];
}

export interface RowError {
  line: number;
  field: string;
  reason: string;
}

export type ParseEvent = { kind: 'transaction'; transaction: ParsedTransaction } | { kind: 'error'; error: RowError };

/** Longest line (or JSON array element) a parser holds, in characters: past it the file is refused as a whole. */
export const MAX_RECORD_CHARS = 1_000_000;

/**
 * A file that cannot be read any further (not a bad row: a line longer than
 * {@link MAX_RECORD_CHARS}, ...). Thrown by the parsers; the upload fails as a whole.
 */
export class FileFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'FileFormatError';
  }
}
