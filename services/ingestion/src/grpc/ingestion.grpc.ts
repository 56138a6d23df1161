import * as grpc from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { GrpcError, toServiceError } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import type { FileFormat } from '@tessera/formats';
import { FileIngestService, STORE_ID_PATTERN, UploadError, type FileReport, type UploadHeader } from '../file-ingest.service';
import { PosIngestService } from '../pos-ingest.service';
import { TransactionQueryService } from '../transaction-query.service';
import { FORMAT_NAMES, readUpload } from './upload-stream';

const { FileFormat: Format, FileStatus: Status } = ingestionV1;

const FORMAT_CODES = Object.fromEntries(Object.entries(FORMAT_NAMES).map(([code, name]) => [name, Number(code)])) as Record<FileFormat, ingestionV1.FileFormat>;

function toGrpcError(error: unknown): unknown {
  if (error instanceof UploadError) {
    const code = { 'too-large': grpc.status.RESOURCE_EXHAUSTED, aborted: grpc.status.CANCELLED, precondition: grpc.status.FAILED_PRECONDITION, invalid: grpc.status.INVALID_ARGUMENT }[error.kind];
    return new GrpcError(code, error.message);
  }
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
    bucket: file.object_key ? (file.bucket ?? '') : '',
    objectKey: file.object_key ?? '',
    sizeBytes: file.size_bytes ?? '0',
    sha256: file.sha256 ?? '',
  };
}

function checkStoreId(storeId: string): void {
  if (!STORE_ID_PATTERN.test(storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(storeId)} is not a valid store id`);
}

function checkFileId(fileId: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `fileId ${JSON.stringify(fileId)} is not a file id (a UUID)`);
}

/** The most of a file sent in one DownloadFile message. */
const DOWNLOAD_CHUNK_BYTES = 64 * 1024;

/** gRPC handlers of IngestionService: each maps the request to one service call. */
@Controller()
export class IngestionGrpcController {
  constructor(
    private readonly files: FileIngestService,
    private readonly queries: TransactionQueryService,
    private readonly pos: PosIngestService,
  ) {}

  /** Client stream: the header, then the file's bytes; answered once the file is stored. */
  @GrpcStreamCall('IngestionService', 'UploadFile')
  uploadFile(call: grpc.ServerReadableStream<ingestionV1.UploadFileRequest, ingestionV1.UploadFileResponse>, callback: grpc.sendUnaryData<ingestionV1.UploadFileResponse>) {
    readUpload(call)
      .then(({ header, chunks }) => this.files.ingest(header, chunks))
      .then(
        (report) => callback(null, { file: toFileSummary(report) }),
        (error) => callback(toServiceError(toGrpcError(error))),
      );
  }

  @GrpcStreamCall('IngestionService', 'PreviewFile')
  previewFile(call: grpc.ServerReadableStream<ingestionV1.PreviewFileRequest, ingestionV1.PreviewFileResponse>, callback: grpc.sendUnaryData<ingestionV1.PreviewFileResponse>) {
    readUpload(call)
      .then(({ header, chunks }) => this.files.preview(header, chunks))
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
  }

  @GrpcMethod('IngestionService', 'GetFile')
  async getFile(request: ingestionV1.GetFileRequest): Promise<ingestionV1.GetFileResponse> {
    const report = await this.files.report(request.storeId, request.fileId, request.errorLimit || 100, request.errorOffset || 0);
    if (!report) throw new GrpcError(grpc.status.NOT_FOUND, `no file ${request.fileId} for store ${request.storeId}`);
    return { file: toFileSummary(report) };
  }

  @GrpcMethod('IngestionService', 'ListTransactions')
  listTransactions(request: ingestionV1.ListTransactionsRequest): Promise<ingestionV1.ListTransactionsResponse> {
    return this.queries.list(request);
  }

  /**
   * Server stream of a store's transactions. Written to the call here, with backpressure, rather
   * than emitted: Nest's writer buffers emitted values without pausing the source, and a store's
   * transactions need not fit in memory. The observable completes (Nest ends the call) or fails.
   */
  @GrpcMethod('IngestionService', 'StreamTransactions')
  streamTransactions(request: ingestionV1.StreamTransactionsRequest, _metadata: grpc.Metadata, call: grpc.ServerWritableStream<ingestionV1.StreamTransactionsRequest, ingestionV1.StreamTransactionsResponse>): Observable<never> {
    return new Observable<never>((subscriber) => {
      this.queries.stream(request.storeId, request.batchSize || 1000, (batch) => new Promise<void>((resolve) => (call.write({ transactions: batch }) ? resolve() : call.once('drain', () => resolve())))).then(
        () => subscriber.complete(),
        (error) => subscriber.error(error),
      );
    });
  }

  @GrpcMethod('IngestionService', 'ListStoreSummaries')
  listStoreSummaries(request: ingestionV1.ListStoreSummariesRequest): Promise<ingestionV1.ListStoreSummariesResponse> {
    return this.queries.summaries(request.storeIds);
  }

  @GrpcMethod('IngestionService', 'ListFiles')
  async listFiles(request: ingestionV1.ListFilesRequest): Promise<ingestionV1.ListFilesResponse> {
    checkStoreId(request.storeId);
    const limit = request.limit || 50;
    if (limit < 1 || limit > 500) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'limit must be between 1 and 500');
    if (request.offset < 0) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'offset must be >= 0');
    const { files, total } = await this.files.list(request.storeId, limit, request.offset);
    return { files: files.map((file) => toFileSummary({ file, errorCount: Number(file.rejected), errors: [] })), total: String(total) };
  }

  /** Server stream: a header (name, format, size, sha256), then the object's bytes, with backpressure. */
  @GrpcMethod('IngestionService', 'DownloadFile')
  downloadFile(request: ingestionV1.DownloadFileRequest, _metadata: grpc.Metadata, call: grpc.ServerWritableStream<ingestionV1.DownloadFileRequest, ingestionV1.DownloadFileResponse>): Observable<never> {
    return new Observable<never>((subscriber) => {
      const write = (message: ingestionV1.DownloadFileResponse) => new Promise<void>((resolve) => (call.write(message) ? resolve() : call.once('drain', () => resolve())));
      (async () => {
        checkStoreId(request.storeId);
        checkFileId(request.fileId);
        const found = await this.files.download(request.storeId, request.fileId);
        if (!found) throw new GrpcError(grpc.status.NOT_FOUND, `no kept file ${request.fileId} for store ${request.storeId}`);
        const { file } = found;
        await write({ part: { $case: 'header', value: { fileName: file.file_name, format: FORMAT_CODES[file.format as FileFormat] ?? Format.FILE_FORMAT_UNSPECIFIED, sizeBytes: file.size_bytes ?? '0', sha256: file.sha256 ?? '', contentType: found.contentType } } });
        for await (const chunk of found.body) {
          for (let at = 0; at < chunk.length; at += DOWNLOAD_CHUNK_BYTES) {
            if (call.cancelled) return;
            await write({ part: { $case: 'chunk', value: chunk.subarray(at, at + DOWNLOAD_CHUNK_BYTES) } });
          }
        }
      })().then(
        () => subscriber.complete(),
        (error) => subscriber.error(error),
      );
    });
  }

  @GrpcMethod('IngestionService', 'ReprocessFile')
  async reprocessFile(request: ingestionV1.ReprocessFileRequest): Promise<ingestionV1.ReprocessFileResponse> {
    checkStoreId(request.storeId);
    checkFileId(request.fileId);
    const report = await this.files.reprocess(request.storeId, request.fileId).catch((error: unknown) => {
      throw toGrpcError(error);
    });
    if (!report) throw new GrpcError(grpc.status.NOT_FOUND, `no file ${request.fileId} for store ${request.storeId}`);
    return { file: toFileSummary(report) };
  }

  @GrpcMethod('IngestionService', 'IngestEvents')
  async ingestEvents(request: ingestionV1.IngestEventsRequest): Promise<ingestionV1.IngestEventsResponse> {
    if (!STORE_ID_PATTERN.test(request.storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(request.storeId)} is not a valid store id`);
    if (request.events.length === 0 || request.events.length > 5000) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'send between 1 and 5000 events per request');
    const result = await this.pos.ingestDirect(request.storeId, request.events);
    return {
      stored: String(result.stored),
      duplicates: String(result.duplicates),
      rejected: result.rejected.map((r) => ({ index: r.index, transactionId: r.transactionId ?? '', fieldPath: r.fieldPath, reason: r.reason })),
    };
  }
}
