import { Inject, Injectable } from '@nestjs/common';
import { OBJECT_STORAGE } from '../ingestion.tokens';
import type { ObjectStorage } from '../storage/object-storage';
import { STORE_ID_PATTERN, storeObjectPrefix } from '../file-ingest.service';
import { IngestionErasureRepository, type ErasedCounts } from './erasure.repository';

export interface ErasureOutcome extends ErasedCounts {
  /** Objects removed from the bucket: kept uploads (and, for a store, anything else under its prefix). */
  objects: number;
}

/**
 * Ingestion's erasure: the kept uploaded files go from the bucket first, then the rows in one
 * transaction. In that order a crash between the two leaves records that still name the
 * objects, so the redelivered request finds them again (removing a missing key is a no-op);
 * the other order could leave customer bytes that no record names and nothing deletes.
 */
@Injectable()
export class IngestionErasureService {
  constructor(
    private readonly repository: IngestionErasureRepository,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  /**
   * One customer: every kept file that held their rows (duplicates included) is deleted, its
   * record keeps only counts; the customer's rows go. Deleted rather than rewritten without the
   * customer's lines: a kept file is the exact upload (its sha256 says so), a rewrite is not.
   */
  async eraseCustomer(storeId: string, customerHash: string): Promise<ErasureOutcome> {
    const files = await this.repository.customerFiles(storeId, customerHash);
    const kept = files.filter((file) => file.object_key !== null);
    await this.storage.remove(kept.map((file) => file.object_key!));
    const counts = await this.repository.eraseCustomer(
      storeId,
      customerHash,
      kept.map((file) => file.file_id),
    );
    return { ...counts, files: files.length, objects: kept.length };
  }

  /**
   * A whole store: the objects its records name and every object under its prefix (the bytes of
   * an upload cut off between writing the object and recording it), then all its rows.
   */
  async eraseStore(storeId: string): Promise<ErasureOutcome> {
    const keys = new Set(await this.repository.storeObjectKeys(storeId));
    // Ingestion writes objects only for valid store ids; another id's prefix could reach into a valid store's (`a/files`).
    if (STORE_ID_PATTERN.test(storeId)) for (const key of await this.storage.list(storeObjectPrefix(storeId))) keys.add(key);
    await this.storage.remove([...keys]);
    const counts = await this.repository.eraseStore(storeId);
    return { ...counts, objects: keys.size };
  }
}
