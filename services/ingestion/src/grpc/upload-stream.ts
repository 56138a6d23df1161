import * as grpc from '@grpc/grpc-js';
import { GrpcError } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import type { FileFormat } from '@tessera/formats';
import { UploadError, type UploadHeader } from '../file-ingest.service';

const { FileFormat: Format } = ingestionV1;

export const FORMAT_NAMES: Record<number, FileFormat | undefined> = {
  [Format.FILE_FORMAT_SEED_CSV]: 'seed-csv',
  [Format.FILE_FORMAT_SEED_JSON]: 'seed-json',
  [Format.FILE_FORMAT_LINEITEM_CSV]: 'lineitem-csv',
  [Format.FILE_FORMAT_SPMF]: 'spmf',
};

/** How long a stream that ended without its FileEnd message is watched for a late cancellation. */
const CANCEL_GRACE_MS = 150;

/**
 * Splits a client stream into its header and the byte chunks that follow. The chunks end
 * with an error when the client cancelled (grpc-js ends a cancelled stream before it says
 * so) or when the FileEnd message gives another byte count: a cut-off upload never reads
 * as a complete file.
 */
export async function readUpload(call: AsyncIterable<ingestionV1.UploadFileRequest> & Partial<Pick<grpc.ServerReadableStream<unknown, unknown>, 'on' | 'cancelled'>>): Promise<{ header: UploadHeader; chunks: AsyncIterable<Buffer> }> {
  let cancelled = false;
  const cancellation = new Promise<void>((resolve) => call.on?.('cancelled', () => resolve((cancelled = true) as unknown as void)));
  const iterator = call[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.part?.$case !== 'header') throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'the first message of an upload must be its header');
  const header = first.value.part.value;
  async function* chunks() {
    let bytes = 0;
    let ended = false;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const part = next.value.part;
      if (part?.$case === 'end') {
        if (Number(part.value.bytes) !== bytes) throw new UploadError('aborted', `the upload ended after ${bytes} bytes, but its end message says ${part.value.bytes}`);
        ended = true;
        continue;
      }
      if (part?.$case !== 'chunk' || ended) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'only chunks, then one end message, may follow the header');
      bytes += part.value.length;
      yield part.value;
    }
    if (!ended) await Promise.race([cancellation, new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS))]);
    if (cancelled || call.cancelled) throw new UploadError('aborted', `the upload was aborted after ${bytes} bytes, before the end of the file`);
  }
  if (header.mode && header.mode !== 'all-or-nothing' && header.mode !== 'partial') throw new GrpcError(grpc.status.INVALID_ARGUMENT, `mode must be all-or-nothing or partial, got ${JSON.stringify(header.mode)}`);
  const mode = header.mode === 'partial' ? ('partial' as const) : ('all-or-nothing' as const);
  return { header: { storeId: header.storeId, fileName: header.fileName, format: FORMAT_NAMES[header.format], mode }, chunks: chunks() };
}

