import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { STORE_ID_REGEX } from '../transactions/transaction.dto';

const STORE_MESSAGE = { message: 'storeId must be letters, digits, _ . - (at most 64)' };

export class InsightsStoreQuery {
  @ApiProperty({ description: 'The store (yours, as its manager)' })
  @Matches(STORE_ID_REGEX, STORE_MESSAGE)
  storeId!: string;
}

export class ConsortiumForecastsQuery {
  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], description: 'Period of the series (default week; weeks start Monday)' })
  @IsOptional()
  @IsIn(['day', 'week', 'month'], { message: 'period must be day, week or month' })
  period?: 'day' | 'week' | 'month';

  @ApiPropertyOptional({ description: 'Periods ahead (at most what was computed: 28 days, 12 weeks, 6 months)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'horizon must be an integer' })
  @Min(1)
  @Max(365)
  horizon?: number;

  @ApiPropertyOptional({ description: 'Items, by quantity sold (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'top must be an integer' })
  @Min(1)
  @Max(2000)
  top?: number;
}

export class StoreForecastsQuery extends ConsortiumForecastsQuery {
  @ApiProperty({ description: 'The store (yours, as its manager)' })
  @Matches(STORE_ID_REGEX, STORE_MESSAGE)
  storeId!: string;

  @ApiPropertyOptional({ description: 'One item instead of the top items' })
  @IsOptional()
  @MaxLength(64)
  sku?: string;
}
