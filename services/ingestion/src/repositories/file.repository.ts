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
}

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
    const rows: FileRow[] = await this.dataSource.query(
      `SELECT file_id, store_id, file_name, format, status, mode, accepted::text, stored::text, duplicates::text, rejected::text, failure_reason, created_at, completed_at
       FROM ${this.t.files} WHERE store_id = $1 AND file_id = $2`,
      [storeId, fileId],
    );
    return rows[0];
  }

  async errors(fileId: string, limit: number, offset: number): Promise<{ line: string; field: string; reason: string }[]> {
    return this.dataSource.query(`SELECT line::text, field, reason FROM ${this.t.file_errors} WHERE file_id = $1 ORDER BY line, field LIMIT $2 OFFSET $3`, [fileId, limit, offset]);
  }

  async countByStore(storeIds: string[]): Promise<Map<string, number>> {
    const rows: { store_id: string; count: string }[] = await this.dataSource.query(
      `SELECT store_id, count(*)::text AS count FROM ${this.t.files} ${storeIds.length ? 'WHERE store_id = ANY($1)' : ''} GROUP BY store_id`,
      storeIds.length ? [storeIds] : [],
    );
    return new Map(rows.map((r) => [r.store_id, Number(r.count)]));
  }
}
