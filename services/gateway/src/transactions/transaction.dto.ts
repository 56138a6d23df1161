import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsNumber, IsOptional, Matches, Max, Min, IsUUID } from 'class-validator';

export const STORE_ID_REGEX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class ListTransactionsQuery {
  @ApiProperty({ description: 'Store whose transactions to list', example: 'store-uk' })
  @Matches(STORE_ID_REGEX, { message: 'storeId must be letters, digits, _ . - (at most 64)' })
  storeId!: string;

  @ApiPropertyOptional({ description: 'ISO 8601 lower bound on occurredAt (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'startDate must be an ISO 8601 date' })
  startDate?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 upper bound on occurredAt (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'endDate must be an ISO 8601 date' })
  endDate?: string;

  @ApiPropertyOptional({ description: 'Minimum transaction utility, in currency units' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'minUtility must be a number with at most 2 decimals' })
  @Min(0)
  @Max(90_071_992_547_409, { message: 'minUtility must be at most 90071992547409 (currency units)' })
  minUtility?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset?: number;
}

export class FileStatusParams {
  @ApiProperty()
  @IsUUID('4', { message: 'fileId must be a UUID' })
  fileId!: string;
}

export class FileStatusQuery {
  @ApiProperty({ description: 'Store the upload belongs to' })
  @Matches(STORE_ID_REGEX, { message: 'storeId must be letters, digits, _ . - (at most 64)' })
  storeId!: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  errorLimit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  errorOffset?: number;
}
