import { Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../access/access.decorator';
import { CurrentCaller, type Caller } from '../http/caller';
import { FileParams, FileStoreQuery, ListFilesQuery } from './files.dto';
import { FilesService } from './files.service';

/** The response header carrying the hex sha256 of a downloaded file's bytes. */
export const SHA256_HEADER = 'X-Content-SHA256';

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'file';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

// An uploaded file is its store's raw data: its bytes are readable only by the store's own
// manager (like GET /api/transactions); listing and reprocessing follow the upload's policy.
@ApiTags('files')
@Controller('api/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "A store's uploaded files, newest first, with size, sha256 and whether their bytes are kept" })
  list(@Query() query: ListFilesQuery, @CurrentCaller() caller: Caller) {
    return this.files.list(query, caller.requestId);
  }

  @Get(':fileId/download')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: `The original bytes of an uploaded file, streamed from object storage (the store's manager only); ${SHA256_HEADER} carries their sha256` })
  @ApiProduces('application/octet-stream', 'text/csv', 'text/plain', 'application/json')
  async download(@Param() params: FileParams, @Query() query: FileStoreQuery, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    const file = await this.files.download(query.storeId, params.fileId, caller.requestId);
    response.setHeader(SHA256_HEADER, file.sha256);
    return new StreamableFile(file.body, { type: file.contentType, disposition: contentDisposition(file.fileName), length: file.sizeBytes });
  }

  @Post(':fileId/reprocess')
  @HttpCode(200)
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId', audit: { action: 'files.reprocess', by: 'gateway' } })
  @ApiOperation({ summary: 'Parse a kept file again from object storage (rows already stored count as duplicates); 409 when its bytes are not kept or it is being processed' })
  reprocess(@Param() params: FileParams, @Query() query: FileStoreQuery, @CurrentCaller() caller: Caller) {
    return this.files.reprocess(query.storeId, params.fileId, caller.requestId);
  }
}
