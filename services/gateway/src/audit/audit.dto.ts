import { ApiPropertyOptional } from '@nestjs/swagger';

import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';

export class ListAuditQuery {
  @ApiPropertyOptional({ description: 'resource.verb, e.g. user.create, session.login, transactions.upload' })
  @IsOptional()
  @Matches(/^[a-z_.]{1,64}$/, { message: 'action must look like resource.verb' })
  action?: string;

  @ApiPropertyOptional({ description: 'User id or API key id' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  storeId?: string;

  @ApiPropertyOptional({ description: 'The X-Request-Id of the request that caused the entry' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure', 'denied'] })
  @IsOptional()
  @IsIn(['success', 'failure', 'denied'], { message: 'outcome must be success, failure or denied' })
  outcome?: 'success' | 'failure' | 'denied';

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date' })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date' })
  until?: string;

  @PageLimit(100, 1000)
  limit?: number;

  @PageOffset()
  offset?: number;
}
