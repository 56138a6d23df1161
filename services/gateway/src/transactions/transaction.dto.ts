import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, Max, Min, IsUUID } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

/** Kept here for existing imports; the one definition is http/store-id. */
export { STORE_ID_REGEX } from '../http/store-id';

export class ListTransactionsQuery {
  @ApiProperty({ description: 'Store whose transactions to list', example: 'store-uk' })
  @IsStoreId()
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

  @PageLimit(100, 1000)
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class FileStatusParams {
  @ApiProperty()
  @IsUUID('4', { message: 'fileId must be a UUID' })
  fileId!: string;
}

export class FileStatusQuery {
  @ApiProperty({ description: 'Store the upload belongs to' })
  @IsStoreId()
  storeId!: string;

  @PageLimit(100, 1000)
  errorLimit?: number;

  @PageOffset()
  errorOffset?: number;
}
