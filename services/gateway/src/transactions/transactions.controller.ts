import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { FileUploadService } from './file-upload.service';
import { TransactionsService } from './transactions.service';
import { FileStatusParams, FileStatusQuery, ListTransactionsQuery } from './transaction.dto';
import { previewJson } from './transaction.json';
import { PostPosEventsBody } from './pos-events.dto';
import { Upload, type UploadSource } from './upload-source';
import { FILE_FORMAT_NAMES } from './file-formats';
import { Access } from '../access/access.decorator';
import { ALL_ROLES } from '../access/access-policy';

const uploadBody = {
  schema: {
    type: 'object',
    required: ['storeId', 'file'],
    properties: {
      storeId: { type: 'string', description: 'must come before file' },
      format: { type: 'string', enum: FILE_FORMAT_NAMES, description: 'detected from the first line when omitted' },
      file: { type: 'string', format: 'binary' },
    },
  },
};

@ApiTags('transactions')
@Controller('api/transactions')
export class TransactionsController {
  constructor(
    private readonly uploads: FileUploadService,
    private readonly transactions: TransactionsService,
  ) {}

  @Post('upload')
  @HttpCode(201)
  @Access({ roles: ['store_manager', 'admin'], apiKey: 'ingestion', store: 'multipart.storeId', audit: { action: 'transactions.upload', by: 'gateway' } })
  @ApiOperation({ summary: 'Upload a transaction file (seed CSV/JSON, line-item CSV, SPMF), up to 100 MB, streamed' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(uploadBody)
  upload(@Upload() upload: UploadSource, @CurrentCaller() caller: Caller) {
    return this.uploads.upload(upload, caller.requestId);
  }

  @Post('upload/preview')
  @HttpCode(200)
  @Access({ roles: ['store_manager', 'admin'], apiKey: 'ingestion', store: 'multipart.storeId', readOnly: true })
  @ApiOperation({ summary: 'Parse the first transactions of a file without storing anything' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(uploadBody)
  async preview(@Upload() upload: UploadSource, @CurrentCaller() caller: Caller) {
    return previewJson((await this.uploads.preview(upload, caller.requestId)) as never);
  }

  @Post('events')
  @HttpCode(200)
  @Access({ roles: ['store_manager', 'admin'], apiKey: 'ingestion', store: 'body.storeId', audit: { action: 'transactions.events', by: 'gateway' } })
  @ApiOperation({ summary: 'POS events over REST (for systems without Kafka): validated like pos.transactions.v1, stored once per transaction id' })
  postEvents(@Body() body: PostPosEventsBody, @CurrentCaller() caller: Caller) {
    return this.transactions.postEvents(body.storeId, body.events, caller.requestId);
  }

  // Raw transactions are readable only by the store's own manager (DESIGN: a store node is
  // the only place its raw data is readable); coordinators work with aggregates.
  @Get()
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: "A store's transactions, filtered by date and utility, paged (the store's manager only)" })
  list(@Query() query: ListTransactionsQuery, @CurrentCaller() caller: Caller) {
    return this.transactions.list(query, caller.requestId);
  }

  @Get('files/:fileId')
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "An upload's status, counts and row errors" })
  fileStatus(@Param() params: FileStatusParams, @Query() query: FileStatusQuery, @CurrentCaller() caller: Caller) {
    return this.transactions.fileStatus(params.fileId, query, caller.requestId);
  }
}
