import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { StoresController } from './stores.controller';
import { StoresService } from './stores.service';

/** The stores a caller reaches: registered ones merged with those holding data. */
@Module({
  imports: [DirectoryModule],
  controllers: [StoresController],
  providers: [StoresService],
})
export class StoresModule {}
