import { BadRequestException, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { metadataWithRequestId } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT } from '../clients/ingestion.client';
import { httpErrorFromGrpc } from '../http/grpc-errors';
import { isStoreId } from '../http/store-id';
import { FILE_FORMAT_NAMES, formatCode } from './file-formats';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { fileSummaryJson } from './transaction.json';
import type { UploadSource } from './upload-source';
import { isOutage } from '../resilience/circuit-breakers';
import { Downstream } from '../clients/downstream';


type Kind = 'upload' | 'preview';

/** Room for the multipart boundaries and small fields around the file part, in the Content-Length pre-check. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const UPLOAD_MODES = ['all-or-nothing', 'partial'] as const;
/** Form fields an upload may send (storeId, format, mode and a few spare); more is refused, not silently dropped. */
const MAX_FORM_FIELDS = 10;

/** A refused upload's answer: what was stored (nothing, in all-or-nothing mode) goes with it to the client and the audit row. */
function refused(status: HttpStatus, message: string, stored?: 0): HttpException {
  return new HttpException({ statusCode: status, error: status === HttpStatus.PAYLOAD_TOO_LARGE ? 'Payload Too Large' : 'Bad Request', message, ...(stored === 0 ? { stored: 0 } : {}) }, status);
}

/**
 * Streams a multipart upload straight into the ingestion service's gRPC client stream:
 * the file is never held whole in the gateway. Fields `storeId` (and optional `format`)
 * must come before the `file` part, as browsers and curl send them in form order.
 */
@Injectable()
export class FileUploadService {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly downstream: Downstream,
  ) {}

  upload(source: UploadSource, requestId?: string) {
    return this.stream(source, 'upload', requestId).then(
      (response) => fileSummaryJson((response as ingestionV1.UploadFileResponse).file!),
      (error: unknown) => {
        // an all-or-nothing upload refused with a 4xx stored nothing: say so to the client and the audit row
        if (source.queryMode === 'partial' || !(error instanceof HttpException) || error.getStatus() >= 500) throw error;
        const body = error.getResponse();
        const fields = typeof body === 'object' && body !== null ? body : { statusCode: error.getStatus(), message: body };
        throw new HttpException({ ...fields, stored: 0 }, error.getStatus());
      },
    );
  }

  preview(source: UploadSource, requestId?: string) {
    return this.stream(source, 'preview', requestId);
  }

  private stream(source: UploadSource, kind: Kind, requestId?: string): Promise<ingestionV1.UploadFileResponse | ingestionV1.PreviewFileResponse> {
    if (!source.isMultipart) return Promise.reject(new BadRequestException('send the file as multipart/form-data with fields storeId, format (optional) and file'));
    // refuse what is announced too large before reading a byte of it
    const announced = Number(source.headers['content-length']);
    if (Number.isFinite(announced) && announced > this.options.maxUploadBytes + MULTIPART_OVERHEAD_BYTES) {
      source.body.resume();
      return Promise.reject(refused(HttpStatus.PAYLOAD_TOO_LARGE, `Content-Length ${announced} is over the ${this.options.maxUploadBytes}-byte upload limit; nothing was stored`, 0));
    }
    const mode = source.queryMode ?? 'all-or-nothing';
    if (typeof mode !== 'string' || !(UPLOAD_MODES as readonly string[]).includes(mode)) return Promise.reject(new BadRequestException(`mode must be ${UPLOAD_MODES.join(' or ')} (default all-or-nothing)`));
    return new Promise((resolve, reject) => {
      const fields: Record<string, string> = { ...(source.queryStoreId !== undefined ? { storeId: source.queryStoreId } : {}) };
      let fileSeen = false;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        source.body.unpipe();
        source.body.resume();
        reject(error);
      };
      let parser: busboy.Busboy;
      try {
        // defParamCharset: browsers and curl send a file name's UTF-8 bytes as they are (busboy would read them as latin1: "ü" became "Ã¼")
        parser = busboy({ headers: source.headers, defParamCharset: 'utf8', limits: { files: 1, fields: MAX_FORM_FIELDS, fieldSize: 1024, fileSize: this.options.maxUploadBytes } });
      } catch (error) {
        return reject(new BadRequestException(`malformed multipart request: ${(error as Error).message}`));
      }
      parser.on('field', (name, value) => (fields[name] = value));
      // Past the limit busboy drops fields silently, storeId among them: say what was wrong instead.
      parser.on('fieldsLimit', () => fail(new BadRequestException(`too many form fields: at most ${MAX_FORM_FIELDS} (storeId, format, mode) before the file`)));
      parser.on('file', (name, file, info) => {
        // Already answered (too many fields, say): whatever part busboy still had buffered is not uploaded.
        if (settled) {
          file.resume();
          return;
        }
        if (name !== 'file') {
          file.resume();
          return fail(new BadRequestException(`unexpected file field "${name}"; send the file as "file"`));
        }
        fileSeen = true;
        const storeId = fields.storeId;
        if (!isStoreId(storeId)) {
          file.resume();
          return fail(new BadRequestException('storeId (letters, digits, _ . -; at most 64) must be sent before the file part'));
        }
        try {
          source.authorizeStore(storeId); // the form field is the store that counts, whatever the query said
        } catch (error) {
          file.resume();
          return fail(error);
        }
        const format = fields.format ? formatCode(fields.format) : ingestionV1.FileFormat.FILE_FORMAT_UNSPECIFIED;
        if (format === undefined) {
          file.resume();
          return fail(new BadRequestException(`format must be one of ${FILE_FORMAT_NAMES.join(', ')}`));
        }
        this.downstream
          .run('ingestion', () => this.forward(kind, file, { storeId, fileName: info.filename ?? 'upload', format, requestId: requestId ?? '', mode: mode === 'partial' ? 'partial' : '' }, requestId))
          .then(
          (response) => {
            if (!settled) {
              settled = true;
              resolve(response);
            }
          },
          fail,
        );
      });
      parser.on('error', (error: Error) => fail(new BadRequestException(`malformed multipart request: ${error.message}`)));
      parser.on('close', () => {
        if (!fileSeen) fail(new BadRequestException('no "file" part in the upload'));
      });
      source.body.pipe(parser);
    });
  }

  private async forward(kind: Kind, file: Readable & { truncated?: boolean }, header: ingestionV1.FileHeader, requestId?: string) {
    let callError: unknown;
    let result: ingestionV1.UploadFileResponse | ingestionV1.PreviewFileResponse | undefined;
    const done = new Promise<void>((resolve) => {
      const callback = (error: grpc.ServiceError | null, response: ingestionV1.UploadFileResponse | ingestionV1.PreviewFileResponse) => {
        callError = error ?? undefined;
        result = response;
        resolve();
      };
      const metadata = metadataWithRequestId(requestId);
      const call = kind === 'upload' ? this.ingestion.uploadFile(metadata, callback) : this.ingestion.previewFile(metadata, callback);
      const tooLarge = () => refused(HttpStatus.PAYLOAD_TOO_LARGE, `the file is larger than the ${this.options.maxUploadBytes}-byte upload limit; ${header.mode === 'partial' ? 'transactions committed before the limit are kept (mode=partial)' : 'nothing was stored'}`, header.mode === 'partial' ? undefined : 0);
      // busboy ends the file stream at the limit; stop the upload there, not after the whole body
      file.once('limit', () => {
        callError = tooLarge();
        call.cancel();
      });
      (async () => {
        call.write({ part: { $case: 'header', value: header } });
        let bytes = 0;
        for await (const chunk of file) {
          if (callError !== undefined || result !== undefined) break; // the server answered early (preview, or an error)
          bytes += (chunk as Buffer).length;
          if (!call.write({ part: { $case: 'chunk', value: chunk as Buffer } })) await Promise.race([once(call, 'drain'), done]);
        }
        file.resume();
        if (file.truncated || callError !== undefined) {
          call.cancel();
          callError ??= tooLarge();
          return;
        }
        // tells ingestion the file is complete (a cancelled stream must never read as one)
        if (result === undefined) call.write({ part: { $case: 'end', value: { bytes: String(bytes) } } });
        call.end();
      })().catch((error) => {
        callError = error;
        call.cancel();
      });
    });
    await done;
    if (callError instanceof HttpException) throw callError;
    if (callError && (callError as grpc.ServiceError).code === grpc.status.CANCELLED && file.truncated) throw refused(HttpStatus.PAYLOAD_TOO_LARGE, `the file is larger than the ${this.options.maxUploadBytes}-byte upload limit; nothing was stored`, header.mode === 'partial' ? undefined : 0);
    if (callError && isOutage(callError)) throw callError; // counted by the circuit breaker, mapped by the caller
    if (callError) throw httpErrorFromGrpc(callError, 'ingestion');
    if (!result) throw new HttpException('ingestion returned no answer', HttpStatus.BAD_GATEWAY);
    return result;
  }
}
