import { ingestionV1 } from '@tessera/proto';

/** The upload formats the API names, and their codes on the wire to ingestion: the one map both ways. */
export const FILE_FORMAT_CODES = {
  'seed-csv': ingestionV1.FileFormat.FILE_FORMAT_SEED_CSV,
  'seed-json': ingestionV1.FileFormat.FILE_FORMAT_SEED_JSON,
  'lineitem-csv': ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV,
  spmf: ingestionV1.FileFormat.FILE_FORMAT_SPMF,
} as const satisfies Record<string, ingestionV1.FileFormat>;

export type FileFormatName = keyof typeof FILE_FORMAT_CODES;
export const FILE_FORMAT_NAMES = Object.keys(FILE_FORMAT_CODES) as FileFormatName[];

export function formatName(code: ingestionV1.FileFormat): FileFormatName | 'unknown' {
  return FILE_FORMAT_NAMES.find((name) => FILE_FORMAT_CODES[name] === code) ?? 'unknown';
}

export function formatCode(name: string): ingestionV1.FileFormat | undefined {
  return Object.hasOwn(FILE_FORMAT_CODES, name) ? FILE_FORMAT_CODES[name as FileFormatName] : undefined;
}
