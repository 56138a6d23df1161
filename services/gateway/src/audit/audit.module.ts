import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit.service';
import { AuditRecorder } from './audit-recorder';
import { AuditInterceptor } from './audit.interceptor';

/** The rows the gateway writes itself (forwarded writes, refusals): every role. */
@Module({
  providers: [AuditRecorder, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditRecorder],
})
export class AuditRecordingModule {}

/** The audit log: reading it (admins), on the hub, where the auth service keeps it. */
@Module({
  imports: [AuditRecordingModule],
  controllers: [AuditController],
  providers: [AuditQueryService],
})
export class AuditModule {}
