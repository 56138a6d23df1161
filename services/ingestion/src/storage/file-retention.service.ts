import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { LOGGER } from '@tessera/nest-core';
import { FILE_RETENTION_DAYS, OBJECT_STORAGE } from '../ingestion.tokens';
import { FileRepository } from '../repositories/file.repository';
import type { ObjectStorage } from './object-storage';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often FILE_RETENTION_DAYS is applied (and once at boot). */
export const FILE_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Retention of uploaded files: deletes the objects, then the upload records (and their row
 * errors), of finished uploads older than a cutoff; the transactions they brought stay (those
 * have their own retention, raw_transactions). Run by retention.sweeps.v1 sweeps of
 * `uploaded_files` and, when FILE_RETENTION_DAYS > 0, hourly by the service itself.
 * Objects go first: a sweep stopped half-way leaves records whose next sweep retries.
 */
@Injectable()
export class FileRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly files: FileRepository,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(FILE_RETENTION_DAYS) private readonly retentionDays: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    if (this.retentionDays <= 0) return;
    const tick = () => {
      this.running ??= this.applyRetentionDays()
        .catch((error: unknown) => this.logger.error({ err: error }, 'file retention sweep failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, FILE_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes files older than FILE_RETENTION_DAYS (nothing when it is 0). */
  async applyRetentionDays(now = new Date()): Promise<number> {
    if (this.retentionDays <= 0) return 0;
    const deleted = await this.sweep(null, new Date(now.getTime() - this.retentionDays * DAY_MS));
    if (deleted) this.logger.info({ deleted, retentionDays: this.retentionDays }, 'uploaded files past their retention deleted');
    return deleted;
  }

  /** Deletes finished uploads created before `olderThan` (one store, or every store when null): objects, then records. */
  async sweep(storeId: string | null, olderThan: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.files.expired(storeId, olderThan, 500);
      if (batch.length === 0) return deleted;
      await this.storage.remove(batch.flatMap((file) => (file.object_key ? [file.object_key] : [])));
      deleted += await this.files.delete(batch.map((file) => file.file_id));
      if (batch.length < 500) return deleted;
    }
  }
}
