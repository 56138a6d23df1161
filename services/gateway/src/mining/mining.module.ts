import { Module } from '@nestjs/common';
import { MiningController } from './mining.controller';
import { MiningService } from './mining.service';

/** A store's own mining jobs and their patterns, on its node. */
@Module({
  controllers: [MiningController],
  providers: [MiningService],
})
export class MiningApiModule {}
