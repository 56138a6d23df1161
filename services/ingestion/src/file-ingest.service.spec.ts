// The file ingest service in a Nest testing module with in-memory file and transaction
// repositories behind a fake DataSource whose transactions roll back when their work fails, and
// a recording bus: all-or-nothing uploads (rows staged, invisible until the whole file is read,
// discarded on failure), partial uploads (committed batches kept), re-uploads as duplicates, the
// size limit, and what the failure reason tells the uploader. The repositories' SQL (staging
// table, commit, discard) is covered by the ingestion int-specs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import type { BusRecord } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER } from '@tessera/nest-core';
import { ingestionV1 } from '@tessera/proto';
import { BatchEventPublisher } from './batch-event.publisher';
import { FileIngestService, UploadError, type UploadHeader } from './file-ingest.service';
import { BATCHES_TOPIC, FILE_INGEST_OPTIONS, OBJECT_STORAGE } from './ingestion.tokens';
import { FileRepository, type FileCounts, type FileRow, type UploadMode } from './repositories/file.repository';
import { TransactionRepository } from './repositories/transaction.repository';
import type { TransactionRecord } from './transaction.model';

interface State {
  transactions: Map<string, TransactionRecord>;
  staged: Map<string, TransactionRecord[]>;
  files: Map<string, FileRow>;
  fileErrors: Map<string, { line: number; field: string; reason: string }[]>;
}

const copy = (state: State): State => ({
  transactions: new Map(state.transactions),
  staged: new Map([...state.staged].map(([id, rows]) => [id, [...rows]])),
  files: new Map([...state.files].map(([id, row]) => [id, { ...row }])),
  fileErrors: new Map([...state.fileErrors].map(([id, rows]) => [id, [...rows]])),
});

/** The ingestion tables in memory; a DataSource transaction restores them if its work throws. */
class InMemoryIngestion {
  state: State = { transactions: new Map(), staged: new Map(), files: new Map(), fileErrors: new Map() };
  /** Makes the n-th stageMany / insertMany call from now fail, like a database that went away. */
  failWriteAt?: number;
  private writes = 0;

  private write() {
    this.writes++;
    if (this.failWriteAt !== undefined && this.writes === this.failWriteAt) throw new Error('terminating connection due to administrator command');
  }

  readonly dataSource = {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const before = copy(this.state);
      try {
        return await work({} as EntityManager);
      } catch (error) {
        this.state = before;
        throw error;
      }
    },
  };

  private insert(records: TransactionRecord[]): Map<string, number> {
    const inserted = new Map<string, number>();
    for (const record of records) {
      const key = `${record.storeId}/${record.transactionId}`;
      if (this.state.transactions.has(key)) continue;
      this.state.transactions.set(key, record);
      inserted.set(record.storeId, (inserted.get(record.storeId) ?? 0) + 1);
    }
    return inserted;
  }

  readonly transactionRepository = {
    insertMany: async (_manager: EntityManager, records: TransactionRecord[]) => {
      this.write();
      return this.insert(records);
    },
    stageMany: async (_manager: EntityManager, fileId: string, _firstSeq: number, records: TransactionRecord[]) => {
      this.write();
      this.state.staged.set(fileId, [...(this.state.staged.get(fileId) ?? []), ...records]);
    },
    commitStaged: async (_manager: EntityManager, fileId: string) => {
      const inserted = this.insert(this.state.staged.get(fileId) ?? []);
      this.state.staged.delete(fileId);
      return inserted;
    },
    discardStaged: async (fileId: string) => {
      this.state.staged.delete(fileId);
    },
    discardAbandoned: async () => {
      for (const fileId of this.state.staged.keys()) if (this.state.files.get(fileId)?.status !== 'processing') this.state.staged.delete(fileId);
    },
  };

  readonly fileRepository = {
    filesTable: 'ingestion.files',
    create: async (file: { fileId: string; storeId: string; fileName: string; format: string; mode: UploadMode }) => {
      this.state.files.set(file.fileId, { file_id: file.fileId, store_id: file.storeId, file_name: file.fileName, format: file.format, status: 'processing', mode: file.mode, accepted: '0', stored: '0', duplicates: '0', rejected: '0', failure_reason: null, created_at: new Date(), completed_at: null, bucket: null, object_key: null, size_bytes: null, sha256: null });
    },
    recordObject: async (fileId: string, object: { bucket: string; key: string; sizeBytes: number; sha256: string }) => {
      Object.assign(this.state.files.get(fileId)!, { bucket: object.bucket, object_key: object.key, size_bytes: String(object.sizeBytes), sha256: object.sha256 });
    },
    forgetObject: async (fileId: string) => {
      this.state.files.get(fileId)!.object_key = null;
    },
    claimForReprocess: async (storeId: string, fileId: string) => {
      const row = this.state.files.get(fileId);
      if (!row || row.store_id !== storeId || row.status === 'processing' || !row.object_key) return false;
      Object.assign(row, { status: 'processing', accepted: '0', stored: '0', duplicates: '0', rejected: '0', failure_reason: null, completed_at: null });
      this.state.fileErrors.delete(fileId);
      return true;
    },
    recordBatch: async (_manager: EntityManager, fileId: string, counts: FileCounts, errors: { line: number; field: string; reason: string }[]) => {
      const row = this.state.files.get(fileId)!;
      for (const field of ['accepted', 'stored', 'duplicates', 'rejected'] as const) row[field] = String(Number(row[field]) + counts[field]);
      this.state.fileErrors.set(fileId, [...(this.state.fileErrors.get(fileId) ?? []), ...errors]);
    },
    recordErrors: async (manager: EntityManager, fileId: string, errors: { line: number; field: string; reason: string }[]) => {
      await this.fileRepository.recordBatch(manager, fileId, { accepted: 0, stored: 0, duplicates: 0, rejected: 0 }, errors);
    },
    recordErrorCount: async (fileId: string, rejected: number) => {
      this.state.files.get(fileId)!.rejected = String(rejected);
    },
    finish: async (fileId: string, status: 'completed' | 'failed', failureReason?: string) => {
      Object.assign(this.state.files.get(fileId)!, { status, failure_reason: failureReason ?? null, completed_at: new Date() });
    },
    failInterrupted: async () => {
      const interrupted = [...this.state.files.values()].filter((f) => f.status === 'processing');
      for (const file of interrupted) Object.assign(file, { status: 'failed', failure_reason: 'interrupted' });
      return interrupted.length;
    },
    find: async (storeId: string, fileId: string) => {
      const row = this.state.files.get(fileId);
      return row && row.store_id === storeId ? { ...row } : undefined;
    },
    errors: async (fileId: string, limit: number, offset: number) => (this.state.fileErrors.get(fileId) ?? []).slice(offset, offset + limit).map((e) => ({ ...e, line: String(e.line) })),
  };

  visible(storeId: string): TransactionRecord[] {
    return [...this.state.transactions.values()].filter((t) => t.storeId === storeId);
  }
}

/** The bucket in memory: put drains the chunks (and fails with them), like the minio-backed ObjectStorage. */
class InMemoryObjectStorage {
  readonly bucket = 'unit-bucket';
  readonly objects = new Map<string, Buffer>();
  async put(key: string, chunks: AsyncIterable<Buffer>) {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    const body = Buffer.concat(parts);
    this.objects.set(key, body);
    return { bucket: this.bucket, key, sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }
  /** Runs before get() hands over the last line of an object (parsing reads the object back, a line a chunk here). */
  beforeLastLine?: () => void;
  async get(key: string) {
    const body = this.objects.get(key);
    if (!body) throw new Error(`no object ${key}`);
    const lines = body.toString('utf8').split(/(?<=\n)/).map((line) => Buffer.from(line));
    const hook = () => this.beforeLastLine?.();
    return Readable.from(
      (function* () {
        for (let i = 0; i < lines.length; i++) {
          if (i === lines.length - 1) hook();
          yield lines[i]!;
        }
      })(),
    );
  }
  async remove(keys: string[]) {
    for (const key of keys) this.objects.delete(key);
  }
}

class RecordingBus {
  readonly published: BusRecord[] = [];
  async publish(_topic: string, records: BusRecord[]) {
    this.published.push(...records);
  }
  batches() {
    return this.published.map((r) => ingestionV1.IngestionBatchCommitted.decode(r.value as Buffer));
  }
}

async function setUp(options: { maxUploadBytes?: number; batchSize?: number } = {}) {
  const database = new InMemoryIngestion();
  const bus = new RecordingBus();
  const storage = new InMemoryObjectStorage();
  const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
  const moduleRef = await Test.createTestingModule({
    providers: [
      FileIngestService,
      BatchEventPublisher,
      TransactionRepository,
      FileRepository,
      { provide: DataSource, useValue: {} },
      { provide: BUS, useValue: bus },
      { provide: LOGGER, useValue: logger },
      { provide: ServiceMetrics, useValue: new ServiceMetrics('ingestion-unit') },
      { provide: BATCHES_TOPIC, useValue: 'ingestion.batches.v1' },
      { provide: OBJECT_STORAGE, useValue: storage },
      { provide: FILE_INGEST_OPTIONS, useValue: { customerHashKey: 'unit-test-key-0123456789abcdef', maxUploadBytes: options.maxUploadBytes ?? 1_000_000, batchSize: options.batchSize ?? 2 } },
    ],
  })
    .overrideProvider(DataSource)
    .useValue(database.dataSource)
    .overrideProvider(TransactionRepository)
    .useValue(database.transactionRepository)
    .overrideProvider(FileRepository)
    .useValue(database.fileRepository)
    .compile();
  return { service: moduleRef.get(FileIngestService), database, bus, storage, moduleRef };
}

/** An SPMF file: "items:transaction utility:item utilities", one transaction a line. */
const GOOD = ['1 2:5:2 3', '3:4:4', '2 3:7:3 4', '1 3:6:2 4', '2:3:3'];
const WITH_ROW_ERRORS = ['1 2:5:2 3', 'not a transaction', '3:4:4', '1 2:9:2 3', '2 3:7:3 4'];

/** The file, a line per chunk. */
async function* chunks(lines: string[]): AsyncGenerator<Buffer> {
  for (const line of lines) yield Buffer.from(`${line}\n`);
}

const header = (overrides: Partial<UploadHeader> = {}): UploadHeader => ({ storeId: 's1', fileName: 'sales.txt', format: 'spmf', ...overrides });

describe('FileIngestService, all-or-nothing uploads (the default)', () => {
  test('rows are staged batch by batch, invisible until the whole file is read, then stored at once with the counts and row errors', async () => {
    const { service, database, bus, storage, moduleRef } = await setUp({ batchSize: 2 });
    let seenBeforeTheEnd: { visible: number; staged: number } | undefined;
    storage.beforeLastLine = () => (seenBeforeTheEnd = { visible: database.visible('s1').length, staged: [...database.state.staged.values()].flat().length });
    const report = await service.ingest(header(), chunks(WITH_ROW_ERRORS));
    assert.deepEqual(seenBeforeTheEnd, { visible: 0, staged: 2 }, 'earlier batches wait in staging where no reader sees them');
    assert.equal(report.file.status, 'completed');
    assert.equal(report.file.mode, 'all-or-nothing');
    assert.deepEqual([report.file.accepted, report.file.stored, report.file.duplicates, report.file.rejected], ['3', '3', '0', '2']);
    assert.equal(report.errorCount, 2);
    assert.deepEqual(
      report.errors.map((e) => [e.line, e.field]),
      [
        [2, 'line'],
        [4, 'transactionUtility'],
      ],
    );
    assert.match(report.errors[1].reason, /is 9 but the utilities sum to 5/);
    assert.equal(database.visible('s1').length, 3);
    assert.ok(database.visible('s1').every((t) => t.source === 'file' && t.fileId === report.file.file_id));
    assert.equal(database.state.staged.size, 0, 'the staging rows are gone after the commit');
    const batches = bus.batches();
    assert.equal(batches.length, 1, 'one ingestion.batches.v1 event, after the commit');
    assert.deepEqual([batches[0].storeId, batches[0].source, batches[0].fileId, batches[0].stored, batches[0].rejected], ['s1', 'file', report.file.file_id, '3', '2']);
    await moduleRef.close();
  });

  test('uploading the same file again stores nothing new: every transaction is a duplicate', async () => {
    const { service, database } = await setUp();
    await service.ingest(header(), chunks(GOOD));
    const again = await service.ingest(header({ fileName: 'sales-again.txt' }), chunks(GOOD));
    assert.deepEqual([again.file.accepted, again.file.stored, again.file.duplicates], ['5', '0', '5']);
    assert.equal(database.visible('s1').length, 5);
  });

  test('a file over the size limit is refused while it is written to the bucket: no object, no rows, and the reason says so', async () => {
    const { service, database, bus, storage } = await setUp({ maxUploadBytes: 30, batchSize: 2 });
    const error = await service.ingest(header(), chunks(GOOD)).then(
      () => assert.fail('the upload should fail'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'too-large');
    assert.match(error.message, /larger than the 30-byte upload limit; nothing from this file was stored \(refused while it was written to object storage, before any row was read; its bytes were removed\)/);
    assert.equal(storage.objects.size, 0, 'no object left in the bucket');
    const [file] = database.state.files.values();
    assert.equal(file.status, 'failed');
    assert.match(file.failure_reason!, /nothing from this file was stored/);
    assert.ok(error.message.includes(file.file_id), 'the error names the file');
    assert.equal(database.visible('s1').length, 0);
    assert.equal(database.state.staged.size, 0);
    assert.equal(bus.published.length, 0, 'nothing committed, nothing announced');
  });

  test('the database failing during staging fails the upload with nothing stored', async () => {
    const { service, database } = await setUp({ batchSize: 2 });
    database.failWriteAt = 2;
    await assert.rejects(service.ingest(header(), chunks(GOOD)), /^Error: upload [0-9a-f-]+ failed: stopped: terminating connection .*; nothing from this file was stored/);
    assert.equal(database.visible('s1').length, 0);
    assert.equal(database.state.staged.size, 0);
    assert.equal([...database.state.files.values()][0].status, 'failed');
  });

  test('the file is written to the bucket before parsing, with its size and sha256 on the record', async () => {
    const { service, storage } = await setUp();
    const report = await service.ingest(header(), chunks(GOOD));
    const body = Buffer.from(GOOD.map((line) => `${line}\n`).join(''));
    assert.equal(report.file.object_key, `stores/s1/files/${report.file.file_id}`);
    assert.deepEqual(storage.objects.get(report.file.object_key), body);
    assert.equal(report.file.size_bytes, String(body.length));
    assert.equal(report.file.sha256, createHash('sha256').update(body).digest('hex'));
  });

  test('a file refused while parsing (the database failing) has its object removed and the record says it has no bytes', async () => {
    const { service, database, storage } = await setUp({ batchSize: 2 });
    database.failWriteAt = 2;
    await assert.rejects(service.ingest(header(), chunks(GOOD)));
    const [file] = database.state.files.values();
    assert.equal(file.object_key, null);
    assert.equal(storage.objects.size, 0);
  });

  test('reprocess reads the kept object again: same rows, counted as duplicates; a refused upload cannot be reprocessed', async () => {
    const { service, database } = await setUp({ batchSize: 2 });
    const first = await service.ingest(header(), chunks(WITH_ROW_ERRORS));
    const again = (await service.reprocess('s1', first.file.file_id))!;
    assert.deepEqual([again.file.file_id, again.file.status, again.file.accepted, again.file.stored, again.file.duplicates, again.file.rejected], [first.file.file_id, 'completed', '3', '0', '3', '2']);
    assert.equal(again.errorCount, 2);
    assert.equal(database.visible('s1').length, 3);
    assert.equal(await service.reprocess('other-store', first.file.file_id), undefined, 'another store does not see the file');
    const { service: small, database: smallDb } = await setUp({ maxUploadBytes: 30 });
    await assert.rejects(small.ingest(header(), chunks(GOOD)));
    const [refused] = smallDb.state.files.values();
    await assert.rejects(small.reprocess('s1', refused.file_id), (error: Error) => error instanceof UploadError && error.kind === 'precondition' && /no kept bytes/.test(error.message));
  });
});

describe('FileIngestService, partial uploads', () => {
  test('committed batches are kept when the file fails later, and the reason says how many and what a re-upload does', async () => {
    const { service, database, bus, storage } = await setUp({ batchSize: 2 });
    database.failWriteAt = 2;
    await assert.rejects(service.ingest(header({ mode: 'partial' }), chunks(GOOD)), (error: Error) => {
      assert.match(error.message, /2 transactions stored before this point are kept \(partial upload\), and re-uploading the file stores only what is missing/);
      return true;
    });
    assert.equal(database.visible('s1').length, 2);
    assert.equal([...database.state.files.values()][0].stored, '2');
    assert.equal(bus.batches()[0].stored, '2', 'each committed batch is announced');
    assert.equal(storage.objects.size, 1, 'a partial upload keeps its object: rows from it are stored');
  });

  test('a complete partial upload counts like an all-or-nothing one', async () => {
    const { service, database, bus } = await setUp({ batchSize: 2 });
    const report = await service.ingest(header({ mode: 'partial' }), chunks(WITH_ROW_ERRORS));
    assert.deepEqual([report.file.status, report.file.stored, report.file.rejected], ['completed', '3', '2']);
    assert.equal(database.visible('s1').length, 3);
    assert.ok(bus.batches().length >= 2, 'announced batch by batch');
  });
});

describe('FileIngestService, refused before anything is stored', () => {
  test('a bad store id or an unrecognisable file: UploadError invalid, no file row', async () => {
    const { service, database } = await setUp();
    await assert.rejects(service.ingest(header({ storeId: 'no spaces' }), chunks(GOOD)), (error: Error) => error instanceof UploadError && error.kind === 'invalid' && /not a valid store id/.test(error.message));
    await assert.rejects(service.ingest(header({ format: undefined, fileName: 'notes.bin' }), chunks(['hello there', 'general kenobi'])), /cannot tell the format of "notes.bin" from its first line; pass format = .*; nothing was stored/);
    assert.equal(database.state.files.size, 0);
  });

  test('the format is detected from the first line when not given', async () => {
    const { service } = await setUp();
    const report = await service.ingest(header({ format: undefined }), chunks(GOOD));
    assert.equal(report.file.format, 'spmf');
    assert.equal(report.file.stored, '5');
  });

  test('preview parses the first transactions and stores nothing', async () => {
    const { service, database } = await setUp();
    const preview = await service.preview(header(), chunks(WITH_ROW_ERRORS), 2);
    assert.equal(preview.transactions.length, 2);
    assert.equal(preview.errors.length, 1);
    assert.equal(database.state.files.size, 0);
    assert.equal(database.state.transactions.size, 0);
  });

  test('recoverInterrupted marks uploads cut off by a stop failed and drops what they staged', async () => {
    const { service, database } = await setUp();
    await database.fileRepository.create({ fileId: 'f1', storeId: 's1', fileName: 'x', format: 'spmf', mode: 'all-or-nothing' });
    database.state.staged.set('f1', [{ storeId: 's1', transactionId: 't', occurredAt: '2026-01-01T00:00:00.000Z', lines: [], source: 'file', fileId: 'f1' }]);
    assert.equal(await service.recoverInterrupted(), 1);
    assert.equal(database.state.files.get('f1')!.status, 'failed');
    assert.equal(database.state.staged.size, 0);
  });
});
