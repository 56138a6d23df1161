import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { STORE_ID_REGEX } from '../transactions/transaction.dto';

export const SCHEDULE_KINDS = ['mining', 'federated_round', 'insights_refresh', 'retention_sweep'] as const;
const STORE_MESSAGE = { message: 'storeId must be letters, digits, _ . - (at most 64)' };

export class CreateScheduleBody {
  @ApiProperty({ enum: SCHEDULE_KINDS, description: "mining (a store's own; its manager), federated_round, insights_refresh, retention_sweep (coordinators and admins)" })
  @IsIn(SCHEDULE_KINDS, { message: `kind must be one of ${SCHEDULE_KINDS.join(', ')}` })
  kind!: (typeof SCHEDULE_KINDS)[number];

  @ApiProperty({ description: 'Cron expression in UTC: five fields (minute hour day month weekday, e.g. "0 2 * * *") or six with seconds first', example: '0 2 * * *' })
  @IsString({ message: 'cron must be a cron expression such as "0 2 * * *"' })
  @MaxLength(100, { message: 'cron must be at most 100 characters' })
  cron!: string;

  @ApiPropertyOptional({ description: 'The store (required for mining; empty for hub-wide rounds, insights and sweeps)' })
  @IsOptional()
  @Matches(STORE_ID_REGEX, STORE_MESSAGE)
  storeId?: string;

  @ApiPropertyOptional({ description: 'Kind-specific parameters: mining options (minUtility, topK, minSupport, maxPatternLength, merging), a round config (minStores, epsilon, ...), or { dataClass, olderThanDays } for a sweep', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'parameters must be a JSON object' })
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'What the schedule is for, in words' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'description must be at most 200 characters' })
  description?: string;
}

export class ScheduleParams {
  @ApiProperty({ description: 'Schedule id' })
  @IsUUID('all', { message: 'id must be a schedule id (a UUID)' })
  id!: string;
}

export class JobsQuery {
  @ApiPropertyOptional({ description: 'Only runs of this schedule' })
  @IsOptional()
  @IsUUID('all', { message: 'scheduleId must be a schedule id (a UUID)' })
  scheduleId?: string;

  @ApiPropertyOptional({ description: 'Only failed runs', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'failed must be true or false' })
  failed?: 'true' | 'false';

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(500)
  limit?: number;
}

export class CreateErasureBody {
  @ApiProperty({ enum: ['customer', 'store'], description: "customer: one customer's data in one store; store: everything of the store" })
  @IsIn(['customer', 'store'], { message: 'scope must be customer or store' })
  scope!: 'customer' | 'store';

  @ApiProperty({ description: 'The store' })
  @Matches(STORE_ID_REGEX, STORE_MESSAGE)
  storeId!: string;

  @ApiPropertyOptional({ description: "The store's own customer id, as its POS sends it (scope customer); hashed at once, never stored" })
  @IsOptional()
  @IsString({ message: 'customerId must be a string' })
  @MaxLength(128, { message: 'customerId must be at most 128 characters' })
  customerId?: string;

  @ApiPropertyOptional({ description: 'Days until the deadline (default 30)', minimum: 1, maximum: 90 })
  @IsOptional()
  @IsInt({ message: 'deadlineDays must be an integer' })
  @Min(1)
  @Max(90)
  deadlineDays?: number;
}

export class ErasureParams {
  @ApiProperty({ description: 'Erasure request id' })
  @IsUUID('all', { message: 'id must be an erasure request id (a UUID)' })
  id!: string;
}
