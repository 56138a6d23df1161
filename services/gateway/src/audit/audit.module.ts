import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit.service';
import { AuditRecorder } from './audit-recorder';
import { AuditInterceptor } from './audit.interceptor';

/** The audit log: reading it (admins), and the rows the gateway writes itself (forwarded writes, refusals). */
@Module({
  controllers: [AuditController],
  providers: [AuditQueryService, AuditRecorder, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditRecorder],
})
export class AuditModule {}
