import { Inject, Injectable } from '@nestjs/common';
import { Transform, type Readable } from 'node:stream';
import { metadataWithRequestId } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT, callUnary } from '../clients/ingestion.client';
import { Downstream } from '../clients/downstream';
import { fileSummaryJson } from '../transactions/transaction.json';
import type { ListFilesQuery } from './files.dto';

/** An uploaded file as the API shows it: the upload's summary and where its original bytes are kept. */
export function storedFileJson(file: ingestionV1.FileSummary) {
  const { errors: _errors, ...summary } = fileSummaryJson(file);
  return {
    ...summary,
    sizeBytes: Number(file.sizeBytes),
    sha256: file.sha256 || undefined,
    /** False for a refused upload (its bytes were removed) or one made before object storage. */
    kept: Boolean(file.objectKey),
    bucket: file.bucket || undefined,
    objectKey: file.objectKey || undefined,
  };
}

export interface FileDownload {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  body: Readable;
}

/** Uploaded files kept in the store node's bucket (through ingestion): listed, downloaded, reprocessed. */
@Injectable()
export class FilesService {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    private readonly downstream: Downstream,
  ) {}

  async list(query: ListFilesQuery, requestId?: string) {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const response = await this.downstream.unary('ingestion', this.ingestion.listFiles.bind(this.ingestion), { storeId: query.storeId, limit, offset }, requestId);
    return { files: response.files.map(storedFileJson), total: Number(response.total), limit, offset };
  }

  async reprocess(storeId: string, fileId: string, requestId?: string) {
    // Reprocessing a large file takes as long as its upload did.
    const response = await this.downstream.run('ingestion', () => callUnary(this.ingestion.reprocessFile.bind(this.ingestion), { storeId, fileId, requestId: requestId ?? '' }, requestId, 30 * 60_000));
    return fileSummaryJson(response.file!);
  }

  /**
   * Opens the file's byte stream: resolves once ingestion sent the header (so a missing file is a
   * 404 before any byte is written), then the body streams with backpressure; a client that goes
   * away cancels the call.
   */
  download(storeId: string, fileId: string, requestId?: string): Promise<FileDownload> {
    return this.downstream.run(
      'ingestion',
      () =>
        new Promise<FileDownload>((resolve, reject) => {
          const call = this.ingestion.downloadFile({ storeId, fileId }, metadataWithRequestId(requestId));
          let started = false;
          const body = new Transform({
            writableObjectMode: true,
            transform(message: ingestionV1.DownloadFileResponse, _encoding, done) {
              if (message.part?.$case === 'header' && !started) {
                started = true;
                const header = message.part.value;
                resolve({ fileName: header.fileName, contentType: header.contentType || 'application/octet-stream', sizeBytes: Number(header.sizeBytes), sha256: header.sha256, body });
                done();
              } else if (message.part?.$case === 'chunk') done(null, Buffer.from(message.part.value));
              else done();
            },
          });
          call.on('error', (error) => (started ? body.destroy(error) : reject(error)));
          call.on('end', () => {
            if (!started) reject(new Error('ingestion ended the download without a header'));
          });
          body.on('close', () => call.cancel());
          call.pipe(body);
        }),
    );
  }
}
