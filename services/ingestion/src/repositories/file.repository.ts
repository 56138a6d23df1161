import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface FileRow {
  file_id: string;
  store_id: string;
  file_name: string;
  format: string;
  status: 'processing' | 'completed' | 'failed';
  mode: UploadMode;
  accepted: string;
  stored: string;
  duplicates: string;
  rejected: string;
  failure_reason: string | null;
  created_at: Date;
  completed_at: Date | null;
  bucket: string | null;
  object_key: string | null;
  size_bytes: string | null;
  sha256: string | null;
}

const FILE_COLUMNS = 'file_id, store_id, file_name, format, status, mode, accepted::text, stored::text, duplicates::text, rejected::text, failure_reason, created_at, completed_at, bucket, object_key, size_bytes::text, sha256';

/** How an upload is stored: all its rows at once at the end (default), or batch by batch. */
export type UploadMode = 'all-or-nothing' | 'partial';

export interface FileCounts {
  accepted: number;
  stored: number;
  duplicates: number;
  rejected: number;
}

@Injectable()
export class FileRepository {
  private readonly t: Record<'files' | 'file_errors', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { files: tableIn(dataSource, 'files'), file_errors: tableIn(dataSource, 'file_errors') };
  }

  /** The qualified name of the files table (for statements that join it). */
  get filesTable(): string {
    return this.t.files;
  }

  async create(file: { fileId: string; storeId: string; fileName: string; format: string; mode: UploadMode }): Promise<void> {
    await this.dataSource.query(`INSERT INTO ${this.t.files} (file_id, store_id, file_name, format, status, mode) VALUES ($1, $2, $3, $4, 'processing', $5)`, [file.fileId, file.storeId, file.fileName, file.format, file.mode]);
  }

  /** Row errors of a batch of an all-or-nothing upload (its counts are written once, at the end). */
  async recordErrors(manager: EntityManager, fileId: string, errors: { line: number; field: string; reason: string }[]): Promise<void> {
    await this.recordBatch(manager, fileId, { accepted: 0, stored: 0, duplicates: 0, rejected: 0 }, errors);
  }

  /** Adds a committed batch's counts and row errors, inside the batch's transaction. */
  async recordBatch(manager: EntityManager, fileId: string, counts: FileCounts, errors: { line: number; field: string; reason: string }[]): Promise<void> {
    await manager.query(`UPDATE ${this.t.files} SET accepted = accepted + $2, stored = stored + $3, duplicates = duplicates + $4, rejected = rejected + $5 WHERE file_id = $1`, [
      fileId,
      counts.accepted,
      counts.stored,
      counts.duplicates,
      counts.rejected,
    ]);
    if (errors.length > 0) {
      await manager.query(
        `INSERT INTO ${this.t.file_errors} (file_id, line, field, reason) SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
        [fileId, errors.map((e) => e.line), errors.map((e) => e.field), errors.map((e) => e.reason)],
      );
    }
  }

  /** The row errors counted for a failed all-or-nothing upload (nothing else was stored). */
  async recordErrorCount(fileId: string, rejected: number): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.files} SET rejected = $2 WHERE file_id = $1`, [fileId, rejected]);
  }

  async finish(fileId: string, status: 'completed' | 'failed', failureReason?: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(`UPDATE ${this.t.files} SET status = $2, failure_reason = $3, completed_at = now() WHERE file_id = $1`, [fileId, status, failureReason ?? null]);
  }

  /** Uploads cut off by a crash: mark them failed with what the uploader should do. */
  async failInterrupted(): Promise<number> {
    const rows = await this.dataSource.query(
      `UPDATE ${this.t.files} SET status = 'failed', completed_at = now(),
         failure_reason = CASE WHEN mode = 'all-or-nothing'
           THEN 'interrupted: the ingestion service stopped during the upload; nothing from this file was stored (all-or-nothing upload); upload it again'
           ELSE 'interrupted: the ingestion service stopped during the upload; the ' || stored || ' transactions stored before that are kept (partial upload); upload the file again and they are recognised as duplicates' END
       WHERE status = 'processing' RETURNING file_id`,
    );
    return rows[1] ?? rows.length;
  }

  async find(storeId: string, fileId: string): Promise<FileRow | undefined> {
    const rows: FileRow[] = await this.dataSource.query(`SELECT ${FILE_COLUMNS} FROM ${this.t.files} WHERE store_id = $1 AND file_id = $2`, [storeId, fileId]);
    return rows[0];
  }

  /** Where the upload's bytes were written (before any row of it is parsed). */
  async recordObject(fileId: string, object: { bucket: string; key: string; sizeBytes: number; sha256: string }): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.files} SET bucket = $2, object_key = $3, size_bytes = $4, sha256 = $5 WHERE file_id = $1`, [fileId, object.bucket, object.key, object.sizeBytes, object.sha256]);
  }

  /** A refused upload's bytes were removed from the bucket: the record keeps only counts and the reason. */
  async forgetObject(fileId: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.files} SET object_key = NULL WHERE file_id = $1`, [fileId]);
  }

  /** Starts a reprocess: counts and row errors reset, unless the file is being processed now. */
  async claimForReprocess(storeId: string, fileId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = (
        await manager.query(
          `UPDATE ${this.t.files} SET status = 'processing', accepted = 0, stored = 0, duplicates = 0, rejected = 0, failure_reason = NULL, completed_at = NULL
           WHERE store_id = $1 AND file_id = $2 AND status <> 'processing' AND object_key IS NOT NULL RETURNING file_id`,
          [storeId, fileId],
        )
      )[0];
      if (rows.length === 0) return false;
      await manager.query(`DELETE FROM ${this.t.file_errors} WHERE file_id = $1`, [fileId]);
      return true;
    });
  }

  async list(storeId: string, limit: number, offset: number): Promise<{ files: FileRow[]; total: number }> {
    const files: FileRow[] = await this.dataSource.query(`SELECT ${FILE_COLUMNS} FROM ${this.t.files} WHERE store_id = $1 ORDER BY created_at DESC, file_id LIMIT $2 OFFSET $3`, [storeId, limit, offset]);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${this.t.files} WHERE store_id = $1`, [storeId]);
    return { files, total: Number(total) };
  }

  /** Retention: finished uploads created before the cutoff (one store, or all when storeId is null), oldest first. */
  async expired(storeId: string | null, olderThan: Date, limit: number): Promise<{ file_id: string; object_key: string | null }[]> {
    return this.dataSource.query(
      `SELECT file_id, object_key FROM ${this.t.files} WHERE created_at < $1 AND status <> 'processing' AND ($2::text IS NULL OR store_id = $2) ORDER BY created_at LIMIT $3`,
      [olderThan, storeId, limit],
    );
  }

  /** Deletes upload records (their row errors go with them); the transactions they brought stay. */
  async delete(fileIds: string[]): Promise<number> {
    if (fileIds.length === 0) return 0;
    const result = await this.dataSource.query(`DELETE FROM ${this.t.files} WHERE file_id = ANY($1::uuid[])`, [fileIds]);
    return (result as [unknown[], number])[1];
  }

  async errors(fileId: string, limit: number, offset: number): Promise<{ line: string; field: string; reason: string }[]> {
    // Ordered by the column (e.line), not by the text it is selected as: "line" alone would sort 1379 before 250.
    return this.dataSource.query(`SELECT e.line::text AS line, e.field, e.reason FROM ${this.t.file_errors} e WHERE e.file_id = $1 ORDER BY e.line, e.field LIMIT $2 OFFSET $3`, [fileId, limit, offset]);
  }

  async countByStore(storeIds: string[]): Promise<Map<string, number>> {
    const rows: { store_id: string; count: string }[] = await this.dataSource.query(
      `SELECT store_id, count(*)::text AS count FROM ${this.t.files} ${storeIds.length ? 'WHERE store_id = ANY($1)' : ''} GROUP BY store_id`,
      storeIds.length ? [storeIds] : [],
    );
    return new Map(rows.map((r) => [r.store_id, Number(r.count)]));
  }
}
