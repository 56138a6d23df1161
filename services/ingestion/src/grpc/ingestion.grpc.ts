import * as grpc from '@grpc/grpc-js';
import { GrpcError, toServiceError, unary, type GrpcBinding } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import type { FileFormat } from '@tessera/formats';
import { FileIngestService, STORE_ID_PATTERN, UploadError, type FileReport, type UploadHeader } from '../file-ingest.service';
import type { PosIngestService } from '../pos-ingest.service';
import type { TransactionQueryService } from '../transaction-query.service';

const { FileFormat: Format, FileStatus: Status } = ingestionV1;

const FORMAT_NAMES: Record<number, FileFormat | undefined> = {
  [Format.FILE_FORMAT_SEED_CSV]: 'seed-csv',
  [Format.FILE_FORMAT_SEED_JSON]: 'seed-json',
  [Format.FILE_FORMAT_LINEITEM_CSV]: 'lineitem-csv',
  [Format.FILE_FORMAT_SPMF]: 'spmf',
};
const FORMAT_CODES = Object.fromEntries(Object.entries(FORMAT_NAMES).map(([code, name]) => [name, Number(code)])) as Record<FileFormat, ingestionV1.FileFormat>;

/** How long a stream that ended without its FileEnd message is watched for a late cancellation. */
const CANCEL_GRACE_MS = 150;

/**
 * Splits a client stream into its header and the byte chunks that follow. The chunks end
 * with an error when the client cancelled (grpc-js ends a cancelled stream before it says
 * so) or when the FileEnd message gives another byte count: a cut-off upload never reads
 * as a complete file.
 */
async function readUpload(call: AsyncIterable<ingestionV1.UploadFileRequest> & Partial<Pick<grpc.ServerReadableStream<unknown, unknown>, 'on' | 'cancelled'>>): Promise<{ header: UploadHeader; chunks: AsyncIterable<Buffer> }> {
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

function toGrpcError(error: unknown): unknown {
  if (error instanceof UploadError) return new GrpcError(error.kind === 'too-large' ? grpc.status.RESOURCE_EXHAUSTED : error.kind === 'aborted' ? grpc.status.CANCELLED : grpc.status.INVALID_ARGUMENT, error.message);
  return error;
}

export function toFileSummary(report: FileReport): ingestionV1.FileSummary {
  const { file } = report;
  return {
    fileId: file.file_id,
    storeId: file.store_id,
    fileName: file.file_name,
    format: FORMAT_CODES[file.format as FileFormat] ?? Format.FILE_FORMAT_UNSPECIFIED,
    status: file.status === 'completed' ? Status.FILE_STATUS_COMPLETED : file.status === 'failed' ? Status.FILE_STATUS_FAILED : Status.FILE_STATUS_PROCESSING,
    transactionCount: file.stored,
    accepted: file.accepted,
    rejected: file.rejected,
    duplicates: file.duplicates,
    errorCount: String(report.errorCount),
    errors: report.errors.map((e) => ({ line: String(e.line), field: e.field, reason: e.reason })),
    failureReason: file.failure_reason ?? '',
    createdAt: file.created_at.toISOString(),
    completedAt: file.completed_at?.toISOString() ?? '',
  };
}

/** gRPC handlers: each maps the request to one service call. */
export function ingestionGrpcBinding(files: FileIngestService, queries: TransactionQueryService, pos: PosIngestService): GrpcBinding {
  const implementation: ingestionV1.IngestionServiceServer = {
    uploadFile: (call, callback) => {
      readUpload(call)
        .then(({ header, chunks }) => files.ingest(header, chunks))
        .then(
          (report) => callback(null, { file: toFileSummary(report) }),
          (error) => callback(toServiceError(toGrpcError(error))),
        );
    },
    previewFile: (call, callback) => {
      readUpload(call)
        .then(({ header, chunks }) => files.preview(header, chunks))
        .then(
          (preview) =>
            callback(null, {
              format: FORMAT_CODES[preview.format],
              transactions: preview.transactions.map((t) => ({
                line: String(t.line),
                transactionId: t.transactionId,
                occurredAt: t.occurredAt ?? '',
                lines: t.lines.map((l) => ({ sku: l.sku, name: l.name ?? '', quantity: String(l.quantity), unitPriceCents: String(l.unitPriceCents ?? 0), unitProfitCents: String(l.unitProfitCents ?? 0), hasUnitProfit: l.unitProfitCents !== undefined, utilityCents: String(l.utilityCents) })),
              })),
              errors: preview.errors.map((e) => ({ line: String(e.line), field: e.field, reason: e.reason })),
            }),
          (error) => callback(toServiceError(toGrpcError(error))),
        );
    },
    getFile: unary(async (request) => {
      const report = await files.report(request.storeId, request.fileId, request.errorLimit || 100, request.errorOffset || 0);
      if (!report) throw new GrpcError(grpc.status.NOT_FOUND, `no file ${request.fileId} for store ${request.storeId}`);
      return { file: toFileSummary(report) };
    }),
    listTransactions: unary((request) => queries.list(request)),
    streamTransactions: (call) => {
      queries.stream(call.request.storeId, call.request.batchSize || 1000, (batch) => new Promise<void>((resolve) => (call.write({ transactions: batch }) ? resolve() : call.once('drain', () => resolve())))).then(
        () => call.end(),
        (error) => call.destroy(error as Error),
      );
    },
    listStoreSummaries: unary((request) => queries.summaries(request.storeIds)),
    ingestEvents: unary(async (request) => {
      if (!STORE_ID_PATTERN.test(request.storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(request.storeId)} is not a valid store id`);
      if (request.events.length === 0 || request.events.length > 5000) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'send between 1 and 5000 events per request');
      const result = await pos.ingestDirect(request.storeId, request.events);
      return {
        stored: String(result.stored),
        duplicates: String(result.duplicates),
        rejected: result.rejected.map((r) => ({ index: r.index, transactionId: r.transactionId ?? '', fieldPath: r.fieldPath, reason: r.reason })),
      };
    }),
  };
  return { definition: ingestionV1.IngestionServiceService, implementation };
}
