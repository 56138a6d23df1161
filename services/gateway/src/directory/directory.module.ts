import { Module } from '@nestjs/common';
import { RegionsController } from './regions.controller';
import { DirectoryService } from './directory.service';

/** Regions and store registration, through the auth service. */
@Module({
  controllers: [RegionsController],
  providers: [DirectoryService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
