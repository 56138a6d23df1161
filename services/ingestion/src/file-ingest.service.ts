import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { detectFormat, FileFormatError, parseTransactions, type FileFormat, type ParsedTransaction, type RowError } from '@tessera/formats';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER } from '@tessera/nest-core';
import { FILE_INGEST_OPTIONS, OBJECT_STORAGE } from './ingestion.tokens';
import type { ObjectStorage } from './storage/object-storage';
import { TransactionRepository } from './repositories/transaction.repository';
import { FileRepository, type FileRow, type UploadMode } from './repositories/file.repository';
import { BatchEventPublisher, countByStore, type StoreBatchCounts } from './batch-event.publisher';
import { hashCustomer } from './pos-event.validator';
import type { TransactionRecord } from './transaction.model';

export const STORE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Everything of one store in the bucket is under this prefix (its erasure removes the lot). */
export const storeObjectPrefix = (storeId: string) => `stores/${storeId}/`;

/** Where an upload's bytes live in the bucket. */
export const objectKeyOf = (storeId: string, fileId: string) => `${storeObjectPrefix(storeId)}files/${fileId}`;

export const CONTENT_TYPES: Record<FileFormat, string> = { 'seed-csv': 'text/csv', 'lineitem-csv': 'text/csv', 'seed-json': 'application/json', spmf: 'text/plain' };

export interface UploadHeader {
  storeId: string;
  fileName: string;
  format?: FileFormat;
  /** Default all-or-nothing: a file that fails as a whole leaves no transactions. */
  mode?: UploadMode;
}

export class UploadError extends Error {
  constructor(
    readonly kind: 'invalid' | 'too-large' | 'aborted' | 'precondition',
    message: string,
  ) {
    super(message);
  }
}

/** What an all-or-nothing upload has read so far (its rows wait in the staging table). */
interface StagedUpload {
  staged: number;
  rejected: number;
  firstOccurredAt?: string;
  lastOccurredAt?: string;
}

export interface FileReport {
  file: FileRow;
  errors: { line: number; field: string; reason: string }[];
  errorCount: number;
}

/** Yields the chunks again after letting the caller look at the first line. */
async function peekFirstLine(chunks: AsyncIterable<Buffer>): Promise<{ firstLine: string; rest: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let text = '';
  while (!text.includes('\n') && text.length < 4096) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
    text += next.value.toString('utf8');
  }
  async function* rest() {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { firstLine: text.split('\n')[0] ?? '', rest: rest() };
}

/**
 * Stores an uploaded file: its bytes stream into the store node's bucket first (sha256 and size
 * computed on the way, memory bounded by one multipart part), then it is parsed by reading the
 * object back, row by row, stored in batches, each batch (its transactions, counts and row
 * errors) in one database transaction, so a crash leaves every committed batch and the file
 * marked failed with what to do. A kept file can be downloaded and reprocessed.
 */
@Injectable()
export class FileIngestService {
  private readonly uploads;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRepository,
    private readonly files: FileRepository,
    private readonly batchEvents: BatchEventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(FILE_INGEST_OPTIONS) private readonly options: { customerHashKey: string; maxUploadBytes: number; batchSize: number },
  ) {
    this.uploads = metrics.counter('ingestion_file_rows_total', 'Rows of uploaded files, by outcome', ['outcome'] as const);
  }

  async ingest(header: UploadHeader, chunks: AsyncIterable<Buffer>): Promise<FileReport> {
    if (!STORE_ID_PATTERN.test(header.storeId)) throw new UploadError('invalid', `storeId ${JSON.stringify(header.storeId)} is not a valid store id (letters, digits, _ . -; at most 64)`);
    const mode: UploadMode = header.mode ?? 'all-or-nothing';
    const { firstLine, rest } = await peekFirstLine(this.limited(chunks)).catch((error: unknown) => {
      throw error instanceof UploadError ? new UploadError(error.kind, `${error.message}; nothing was stored`) : error;
    });
    const format = header.format ?? detectFormat(header.fileName, firstLine);
    if (!format) throw new UploadError('invalid', `cannot tell the format of ${JSON.stringify(header.fileName)} from its first line; pass format = seed-csv, seed-json, lineitem-csv or spmf; nothing was stored`);
    const fileId = randomUUID();
    await this.files.create({ fileId, storeId: header.storeId, fileName: header.fileName.slice(0, 512), format, mode });
    // The bytes go to the bucket first (hashed as they stream); parsing reads them back from there.
    const key = objectKeyOf(header.storeId, fileId);
    try {
      const object = await this.storage.put(key, rest, CONTENT_TYPES[format]);
      await this.files.recordObject(fileId, object);
    } catch (error) {
      const cause = error instanceof UploadError ? error.message : `stopped: ${(error as Error).message}`;
      const reason = `${cause}; nothing from this file was stored (refused while it was written to object storage, before any row was read; its bytes were removed)`;
      await this.storage.remove([key]).catch(() => undefined);
      await this.files.finish(fileId, 'failed', reason).catch(() => undefined);
      this.logger.error({ fileId, storeId: header.storeId, mode, err: error }, 'file upload failed');
      if (error instanceof UploadError) throw new UploadError(error.kind, `${reason} (file ${fileId})`);
      throw new Error(`upload ${fileId} failed: ${reason}`);
    }
    return this.process({ storeId: header.storeId, fileId, format, mode, key, refused: 'remove-object' });
  }

  /**
   * Parses a kept file again from its object, in its own mode. Rows already stored count as
   * duplicates; a failure leaves the object (it was accepted once) and marks the record failed.
   */
  async reprocess(storeId: string, fileId: string): Promise<FileReport | undefined> {
    const file = await this.files.find(storeId, fileId);
    if (!file) return undefined;
    if (!file.object_key) throw new UploadError('precondition', `file ${fileId} has no kept bytes to reprocess (its upload was refused, it was uploaded before object storage, or it held rows of a customer whose data was erased)`);
    if (!(await this.files.claimForReprocess(storeId, fileId))) throw new UploadError('precondition', `file ${fileId} is being processed now; try again when it has finished`);
    return this.process({ storeId, fileId, format: file.format as FileFormat, mode: file.mode, key: file.object_key, refused: 'keep-object' });
  }

  async list(storeId: string, limit: number, offset: number): Promise<{ files: FileRow[]; total: number }> {
    return this.files.list(storeId, limit, offset);
  }

  /** The kept bytes of one file, or undefined when there is no such file or no kept object. */
  async download(storeId: string, fileId: string): Promise<{ file: FileRow; contentType: string; body: AsyncIterable<Buffer> } | undefined> {
    const file = await this.files.find(storeId, fileId);
    if (!file?.object_key) return undefined;
    return { file, contentType: CONTENT_TYPES[file.format as FileFormat] ?? 'application/octet-stream', body: await this.storage.get(file.object_key) };
  }

  /** Reads the file's object and stores its rows (all-or-nothing or partial). */
  private async process(job: { storeId: string; fileId: string; format: FileFormat; mode: UploadMode; key: string; refused: 'remove-object' | 'keep-object' }): Promise<FileReport> {
    const { storeId, fileId, format, mode } = job;
    // Rows without a time of their own take the upload's: the same on every reprocess, so it yields the same rows.
    const uploadTime = ((await this.files.find(storeId, fileId))?.created_at ?? new Date()).toISOString();
    const staged: StagedUpload = { staged: 0, rejected: 0 };
    let pending: TransactionRecord[] = [];
    let pendingErrors: RowError[] = [];
    const write = async () => {
      if (mode === 'partial') await this.flush(fileId, pending, pendingErrors);
      else await this.stage(fileId, pending, pendingErrors, staged);
      pending = [];
      pendingErrors = [];
    };
    try {
      const body = (await this.storage.get(job.key)) as AsyncIterable<Buffer>;
      for await (const event of parseTransactions(body, format, { idPrefix: 'f-' })) {
        if (event.kind === 'transaction') pending.push(this.toRecord(storeId, fileId, event.transaction, uploadTime));
        else pendingErrors.push(event.error);
        if (pending.length + pendingErrors.length >= this.options.batchSize) await write();
      }
      await write();
      if (mode === 'partial') await this.files.finish(fileId, 'completed');
      else await this.commit(storeId, fileId, staged);
    } catch (error) {
      const cause = error instanceof UploadError || error instanceof FileFormatError ? error.message : `stopped: ${(error as Error).message}`;
      let outcome: string;
      if (mode === 'partial') {
        const stored = (await this.files.find(storeId, fileId).catch(() => undefined))?.stored ?? 'the';
        outcome = `${stored} transactions stored before this point are kept (partial upload), and re-uploading the file stores only what is missing`;
      } else {
        const discarded = await this.transactions.discardStaged(fileId).then(
          () => true,
          () => false,
        );
        await this.files.recordErrorCount(fileId, staged.rejected).catch(() => undefined);
        outcome = `nothing from this file was stored (all-or-nothing upload: the ${staged.staged + pending.length} transactions read before the failure were ${discarded ? 'discarded' : 'left in staging, never visible, and are dropped on restart'})`;
        // A refused upload keeps none of its bytes either; a reprocessed file keeps the object it was accepted with.
        if (job.refused === 'remove-object') {
          const removed = await this.storage.remove([job.key]).then(
            () => true,
            () => false,
          );
          if (removed) await this.files.forgetObject(fileId).catch(() => undefined);
        }
      }
      const reason = `${cause}; ${outcome}`;
      await this.files.finish(fileId, 'failed', reason).catch(() => undefined);
      this.logger.error({ fileId, storeId, mode, err: error }, 'file upload failed');
      if (error instanceof UploadError) throw new UploadError(error.kind, `${reason} (file ${fileId})`);
      if (error instanceof FileFormatError) throw new UploadError('invalid', `${reason} (file ${fileId})`);
      throw new Error(`upload ${fileId} failed: ${reason}`);
    }
    return (await this.report(storeId, fileId, 100, 0))!;
  }

  /** Marks uploads cut off by a crash failed and drops whatever they had staged. */
  async recoverInterrupted(): Promise<number> {
    const interrupted = await this.files.failInterrupted();
    await this.transactions.discardAbandoned(this.files.filesTable);
    return interrupted;
  }

  /** Parses the first transactions of a file without storing anything. */
  async preview(header: UploadHeader, chunks: AsyncIterable<Buffer>, limit = 20): Promise<{ format: FileFormat; transactions: ParsedTransaction[]; errors: RowError[] }> {
    const { firstLine, rest } = await peekFirstLine(this.limited(chunks));
    const format = header.format ?? detectFormat(header.fileName, firstLine);
    if (!format) throw new UploadError('invalid', `cannot tell the format of ${JSON.stringify(header.fileName)}; pass format`);
    const transactions: ParsedTransaction[] = [];
    const errors: RowError[] = [];
    for await (const event of parseTransactions(rest, format)) {
      if (event.kind === 'transaction') transactions.push(event.transaction);
      else errors.push(event.error);
      if (transactions.length >= limit || errors.length >= limit * 5) break;
    }
    return { format, transactions, errors };
  }

  async report(storeId: string, fileId: string, errorLimit: number, errorOffset: number): Promise<FileReport | undefined> {
    const file = await this.files.find(storeId, fileId);
    if (!file) return undefined;
    const errors = await this.files.errors(fileId, errorLimit, errorOffset);
    return { file, errorCount: Number(file.rejected), errors: errors.map((e) => ({ line: Number(e.line), field: e.field, reason: e.reason })) };
  }

  /** All-or-nothing: stage a batch (rows invisible to every reader) and keep its row errors. */
  private async stage(fileId: string, records: TransactionRecord[], errors: RowError[], staged: StagedUpload): Promise<void> {
    if (records.length === 0 && errors.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await this.transactions.stageMany(manager, fileId, staged.staged, records);
      if (errors.length > 0) await this.files.recordErrors(manager, fileId, errors);
    });
    staged.staged += records.length;
    staged.rejected += errors.length;
    for (const record of records) {
      if (!staged.firstOccurredAt || record.occurredAt < staged.firstOccurredAt) staged.firstOccurredAt = record.occurredAt;
      if (!staged.lastOccurredAt || record.occurredAt > staged.lastOccurredAt) staged.lastOccurredAt = record.occurredAt;
    }
  }

  /** All-or-nothing: the whole file was read; move its rows in and write its counts, in one transaction. */
  private async commit(storeId: string, fileId: string, staged: StagedUpload): Promise<void> {
    const storedByStore = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.transactions.commitStaged(manager, fileId);
      const stored = [...inserted.values()].reduce((a, b) => a + b, 0);
      await this.files.recordBatch(manager, fileId, { accepted: staged.staged, stored, duplicates: staged.staged - stored, rejected: staged.rejected }, []);
      await this.files.finish(fileId, 'completed', undefined, manager);
      return inserted;
    });
    const stored = storedByStore.get(storeId) ?? 0;
    this.uploads.inc({ outcome: 'stored' }, stored);
    this.uploads.inc({ outcome: 'duplicate' }, staged.staged - stored);
    this.uploads.inc({ outcome: 'rejected' }, staged.rejected);
    const counts: StoreBatchCounts = { stored, duplicates: staged.staged - stored, rejected: staged.rejected, firstOccurredAt: staged.firstOccurredAt, lastOccurredAt: staged.lastOccurredAt };
    await this.batchEvents.publishCommitted('file', fileId, new Map([[storeId, counts]]));
  }

  private async flush(fileId: string, records: TransactionRecord[], errors: RowError[]): Promise<void> {
    if (records.length === 0 && errors.length === 0) return;
    const storedByStore = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.transactions.insertMany(manager, records);
      const stored = [...inserted.values()].reduce((a, b) => a + b, 0);
      await this.files.recordBatch(manager, fileId, { accepted: records.length, stored, duplicates: records.length - stored, rejected: errors.length }, errors);
      return inserted;
    });
    const stored = [...storedByStore.values()].reduce((a, b) => a + b, 0);
    this.uploads.inc({ outcome: 'stored' }, stored);
    this.uploads.inc({ outcome: 'duplicate' }, records.length - stored);
    this.uploads.inc({ outcome: 'rejected' }, errors.length);
    await this.batchEvents.publishCommitted('file', fileId, countByStore(records, storedByStore, []));
  }

  private toRecord(storeId: string, fileId: string, transaction: ParsedTransaction, uploadTime: string): TransactionRecord {
    return {
      storeId,
      transactionId: transaction.transactionId,
      occurredAt: transaction.occurredAt ?? uploadTime,
      customerHash: transaction.customerId ? hashCustomer(this.options.customerHashKey, storeId, transaction.customerId) : undefined,
      lines: transaction.lines,
      source: 'file',
      fileId,
    };
  }

  private async *limited(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let total = 0;
    for await (const chunk of chunks) {
      total += chunk.length;
      if (total > this.options.maxUploadBytes) throw new UploadError('too-large', `the file is larger than the ${this.options.maxUploadBytes}-byte upload limit`);
      yield chunk;
    }
  }
}
