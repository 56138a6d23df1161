import { Module } from '@nestjs/common';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** A store's privacy budget, ledger and impact preview. */
@Module({
  controllers: [PrivacyController],
  providers: [PrivacyService],
})
export class PrivacyApiModule {}
