import { Module } from '@nestjs/common';
import { TransactionsController } from './transactions.controller';
import { FileUploadService } from './file-upload.service';
import { TransactionsService } from './transactions.service';

/** Uploads (streamed to ingestion), POS events over REST, and a store's transactions. */
@Module({
  controllers: [TransactionsController],
  providers: [FileUploadService, TransactionsService],
})
export class TransactionsModule {}
