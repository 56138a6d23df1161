import { Module } from '@nestjs/common';
import { FederationController } from './federation.controller';
import { FederationService } from './federation.service';

/** Federated rounds, enrolment and global patterns (aggregates only). */
@Module({
  controllers: [FederationController],
  providers: [FederationService],
})
export class FederationApiModule {}
