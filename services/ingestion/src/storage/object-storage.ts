import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client } from 'minio';

export interface ObjectStorageOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey?: string;
  secretKey?: string;
  pathStyle: boolean;
}

export interface StoredObject {
  bucket: string;
  key: string;
  sizeBytes: number;
  sha256: string;
}

/** One key a multi-object delete could not remove. */
interface DeleteError {
  Code?: string;
  Key?: string;
  Message?: string;
}

/** Multipart part size: the most of one upload held in memory while it streams to the bucket (S3's minimum is 5 MiB). */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/**
 * The store node's bucket for uploaded files, through the `minio` client (any S3 endpoint:
 * MinIO in production, S3Mock in tests, s3rver in `tessera start`). Objects are written from a
 * stream while their sha256 and size are computed, so a file is never held whole in memory.
 */
export class ObjectStorage {
  readonly bucket: string;
  private readonly client: Client;
  private readonly region: string;

  constructor(options: ObjectStorageOptions) {
    const url = new URL(options.endpoint);
    const useSSL = url.protocol === 'https:';
    this.bucket = options.bucket;
    this.region = options.region;
    this.client = new Client({
      endPoint: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      region: options.region,
      accessKey: options.accessKey ?? '',
      secretKey: options.secretKey ?? '',
      pathStyle: options.pathStyle,
      partSize: UPLOAD_PART_BYTES,
    });
  }

  /** Creates the bucket if it is missing (at boot). */
  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region);
    } catch (error) {
      // another replica created it first
      if (!(await this.client.bucketExists(this.bucket))) throw error;
    }
  }

  /** Readiness: the bucket answers. */
  async check(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) throw new Error(`bucket ${this.bucket} does not exist`);
  }

  /**
   * Streams the chunks into the object `key`, hashing as they pass: one PUT when the file fits in
   * a part, else a multipart upload of UPLOAD_PART_BYTES parts (so at most one part is in memory).
   * When the chunks fail (too large, aborted) or the store does, the multipart upload is aborted,
   * nothing is left under the key, and the error is thrown.
   */
  async put(key: string, chunks: AsyncIterable<Buffer>, contentType: string): Promise<StoredObject> {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let part: Buffer[] = [];
    let partBytes = 0;
    let uploadId: string | undefined;
    const etags: { part: number; etag: string }[] = [];
    const headers = { 'Content-Type': contentType };
    const sendPart = async () => {
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      const payload = Buffer.concat(part, partBytes);
      part = [];
      partBytes = 0;
      const partNumber = etags.length + 1;
      const uploaded = await this.client.uploadPart({ bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: { 'Content-Length': payload.length } }, payload);
      etags.push({ part: partNumber, etag: uploaded.etag });
    };
    try {
      for await (const chunk of chunks) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        part.push(chunk);
        partBytes += chunk.length;
        if (partBytes >= UPLOAD_PART_BYTES) await sendPart();
      }
      if (uploadId === undefined) {
        await this.client.putObject(this.bucket, key, Buffer.concat(part, partBytes), partBytes, headers);
      } else {
        if (partBytes > 0) await sendPart();
        await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      }
    } catch (error) {
      if (uploadId !== undefined) await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      await this.remove([key]).catch(() => undefined);
      throw error;
    }
    return { bucket: this.bucket, key, sizeBytes, sha256: hash.digest('hex') };
  }

  /** The object's bytes, streamed. */
  async get(key: string): Promise<Readable> {
    return this.client.getObject(this.bucket, key);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.statObject(this.bucket, key);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFound' || (error as { code?: string }).code === 'NoSuchKey') return false;
      throw error;
    }
  }

  /**
   * Removes the objects; a key that is not there is no error (S3 semantics), so a retry after a
   * partial failure is safe. The multi-object delete answers 200 with a per-key error list (the
   * client returns it instead of throwing): any such error is thrown here, because callers
   * forget an object's key only once its bytes are gone.
   */
  async remove(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += 1000) {
      const batch = keys.slice(at, at + 1000);
      if (batch.length === 1) await this.client.removeObject(this.bucket, batch[0]!);
      else if (batch.length > 1) {
        // The client's type says `{ Error }`, its parser returns the <Error> elements themselves: read both.
        const failed = (await this.client.removeObjects(this.bucket, batch))
          .map((entry) => (entry && 'Error' in entry ? entry.Error : (entry as DeleteError | null | undefined)))
          .filter((error): error is DeleteError => !!error && error.Code !== 'NoSuchKey');
        if (failed.length > 0) throw new Error(`${failed.length} of ${batch.length} objects were not removed from bucket ${this.bucket}, e.g. ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`.trim());
      }
    }
  }

  /** The keys of every object under the prefix (at any depth). */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true) as AsyncIterable<{ name?: string }>) if (item.name) keys.push(item.name);
    return keys;
  }
}
