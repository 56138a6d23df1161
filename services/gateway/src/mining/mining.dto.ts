import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

export class StartMiningBody {
  @ApiProperty({ description: 'Store whose own transactions to mine' })
  @IsStoreId()
  storeId!: string;

  @ApiPropertyOptional({ description: 'Minimum utility: a number is an amount in currency units (e.g. 125.5, at most 90071992547409); a string is a percentage of the store\'s total utility (e.g. "0.5%", at most "100%"). Give this or topK. When more itemsets than the service\'s cap (MINING_MAX_ITEMSETS) would pass it, the job raises the threshold and keeps the best ones: its statistics give requestedMinUtility, the minUtility used and thresholdRaised.', oneOf: [{ type: 'number' }, { type: 'string' }] })
  @IsOptional()
  @ValidateIf((o) => typeof o.minUtility === 'string')
  @Matches(/^(100(\.0+)?|\d{1,2}(\.\d{1,6})?)%$/, { message: 'minUtility as text must be a percentage from 0% to 100% such as "0.5%"' })
  minUtility?: number | string;

  @ApiPropertyOptional({ description: 'Top-k mode: the k itemsets of highest utility' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  topK?: number;

  @ApiPropertyOptional({ description: 'Minimum support as a fraction of transactions (0..1)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  minSupport?: number;

  @ApiPropertyOptional({ description: 'Maximum items in an itemset' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxPatternLength?: number;

  @ApiPropertyOptional({ description: 'Transaction merging (EFIM): true lets the miner decide from the data, false turns it off. Results are identical either way; only speed differs.' })
  @IsOptional()
  @IsBoolean()
  usePruning?: boolean;

  @ApiPropertyOptional({ description: 'Accepted for compatibility with the seed API; transactions are always streamed from ingestion in batches of 2,000.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  batchSize?: number;
}

export class JobParams {
  @ApiProperty()
  @IsUUID('4', { message: 'jobId must be a UUID' })
  jobId!: string;
}

export class StoreQuery {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;
}

export class MiningResultsQuery extends StoreQuery {
  @ApiPropertyOptional({ enum: ['utility', 'support', 'confidence', 'length'], default: 'utility' })
  @IsOptional()
  @IsIn(['utility', 'support', 'confidence', 'length'])
  sortBy?: 'utility' | 'support' | 'confidence' | 'length';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'Only patterns with at least this utility, in currency units' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(90_071_992_547_409)
  minUtility?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  minConfidence?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  minLength?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  maxLength?: number;

  @ApiPropertyOptional({ description: 'Only patterns containing this SKU' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  containsItem?: string;

  @PageLimit(100, 10000)
  limit?: number;

  @PageOffset()
  offset?: number;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv downloads the (filtered, sorted) patterns' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
