import { Module } from '@nestjs/common';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';

/** Uploaded files kept in the store node's bucket: list, download, reprocess (through ingestion). */
@Module({
  controllers: [FilesController],
  providers: [FilesService],
})
export class FilesModule {}
