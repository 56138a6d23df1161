import type { FileFormat } from './types';

/** Guesses the format from the file name and its first line; undefined when unsure. */
export function detectFormat(fileName: string, firstLine: string): FileFormat | undefined {
  const header = firstLine.replace(/^\ufeff/, '').trim().toLowerCase();
  if (header.startsWith('invoiceno,')) return 'lineitem-csv';
  if (header.startsWith('items,') || header === 'items,quantities,unit_utilities') return 'seed-csv';
  if (header.startsWith('[')) return 'seed-json';
  if (/^\d+(\s+\d+)*:\d+:\d+(\s+\d+)*$/.test(header)) return 'spmf';
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'seed-json';
  return undefined;
}
