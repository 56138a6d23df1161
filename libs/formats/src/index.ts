export * from './types';
export * from './money';
export { parseTransactions, readLines, readCsvRecords, type ParseOptions } from './parsers';
export * from './detect-format';
