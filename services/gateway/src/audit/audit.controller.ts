import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { ListAuditQuery } from './audit.dto';
import { AuditQueryService } from './audit.service';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Access({ roles: ['admin'], store: 'none' })
  @ApiOperation({ summary: 'The append-only audit log, newest first: every write and sign-in with who, what, when, from where and the outcome' })
  list(@Query() query: ListAuditQuery, @CurrentCaller() caller: Caller) {
    return this.audit.list(query, caller);
  }
}
