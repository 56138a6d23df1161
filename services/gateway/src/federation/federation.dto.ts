import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBase64, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

export const ROUND_KINDS = ['itemsets', 'demand-series', 'price-response'] as const;
export type RoundKindName = (typeof ROUND_KINDS)[number];
export const PERIODS = ['day', 'week', 'month'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The public list of items a statistics round measures: named SKUs, or the top N items of the latest itemset round. */
export class CatalogueBody {
  @ApiPropertyOptional({ description: 'Explicit SKUs (at most 1000); when given, topItems must be left out', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'catalogue.skus must name at least one SKU (or use catalogue.topItems)' })
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  skus?: string[];

  @ApiPropertyOptional({ description: 'The N items with the highest aggregated utility in the latest completed itemset round', minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  topItems?: number;
}

/** Per-transaction contribution bounds of a demand-series round, fixed before it starts. */
export class DemandBoundsBody {
  @ApiPropertyOptional({ description: "L2 bound on a transaction's quantities over the catalogue", default: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1_000_000)
  maxQuantityPerTransaction?: number;

  @ApiPropertyOptional({ description: "L2 bound on a transaction's revenues over the catalogue, in currency units", default: 200 })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(10_000_000)
  maxRevenuePerTransaction?: number;
}

/** Clip bounds of a price-response round, fixed before it starts (never read from data). */
export class PriceBoundsBody {
  @ApiPropertyOptional({ description: 'Unit prices are clipped into [minUnitPrice, maxUnitPrice] (currency units)', default: 0.1 })
  @IsOptional()
  @IsNumber()
  @Min(0.0001)
  @Max(10_000_000)
  minUnitPrice?: number;

  @ApiPropertyOptional({ description: 'Upper clip of unit prices (currency units)', default: 1000 })
  @IsOptional()
  @IsNumber()
  @Min(0.0001)
  @Max(10_000_000)
  maxUnitPrice?: number;

  @ApiPropertyOptional({ description: 'Quantities per transaction line are clipped into [1, maxQuantity]', default: 1000 })
  @IsOptional()
  @IsNumber()
  @Min(1.0001)
  @Max(1_000_000)
  maxQuantity?: number;

  @ApiPropertyOptional({ description: 'Public list prices, one per catalogue.skus item in order (currency units): each price is clipped around its reference', type: [Number] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsNumber({}, { each: true })
  @Min(0.0001, { each: true })
  referenceUnitPrices?: number[];

  @ApiPropertyOptional({ description: 'Factor around each reference price', default: 2 })
  @IsOptional()
  @IsNumber()
  @Min(1.0001)
  @Max(100)
  priceBand?: number;
}

export class StartRoundBody {
  @ApiPropertyOptional({ enum: ROUND_KINDS, default: 'itemsets', description: 'What the round measures: global high-utility itemsets, per-item per-period demand sums, or price-response statistics' })
  @IsOptional()
  @IsIn(ROUND_KINDS, { message: `kind must be one of ${ROUND_KINDS.join(', ')}` })
  kind?: RoundKindName;

  @ApiPropertyOptional({ type: CatalogueBody, description: 'demand-series and price-response: the items measured (required for those kinds)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CatalogueBody)
  catalogue?: CatalogueBody;

  @ApiPropertyOptional({ enum: PERIODS, default: 'week', description: 'demand-series: length of a period (weeks start Monday)' })
  @IsOptional()
  @IsIn(PERIODS, { message: `period must be one of ${PERIODS.join(', ')}` })
  period?: (typeof PERIODS)[number];

  @ApiPropertyOptional({ description: 'demand-series: first day covered (YYYY-MM-DD); default 52 weeks (90 days, 12 months) before toDate' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'fromDate must be a date YYYY-MM-DD' })
  fromDate?: string;

  @ApiPropertyOptional({ description: "demand-series: last day covered (YYYY-MM-DD); default the round's start date" })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'toDate must be a date YYYY-MM-DD' })
  toDate?: string;

  @ApiPropertyOptional({ type: DemandBoundsBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => DemandBoundsBody)
  demandBounds?: DemandBoundsBody;

  @ApiPropertyOptional({ type: PriceBoundsBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceBoundsBody)
  priceBounds?: PriceBoundsBody;

  @ApiProperty({ description: 'Fewest stores that must join; also the fewest that must survive (at least 70% of those who start)', minimum: 2 })
  @IsInt()
  @Min(2)
  @Max(1000)
  minClients!: number;

  @ApiProperty({ description: 'Epsilon each store spends on this round (at delta 1e-5)', minimum: 0.01, maximum: 20 })
  @IsNumber()
  @Min(0.01)
  @Max(20)
  privacyBudget!: number;

  @ApiPropertyOptional({ description: 'Deadline of each stage, in seconds', default: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  roundTimeout?: number;

  @ApiPropertyOptional({ description: 'An itemset must be proposed by at least this many stores to be measured or published (>= min(5, minClients))' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(10_000)
  kThreshold?: number;

  @ApiPropertyOptional({ description: 'Publish only itemsets whose noisy utility is at least this fraction of the total', default: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.5)
  minUtilityFraction?: number;

  @ApiPropertyOptional({ default: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  maxPatternLength?: number;

  @ApiPropertyOptional({ description: 'Itemsets each store proposes', default: 200 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  topM?: number;

  @ApiPropertyOptional({ description: 'Stores to invite; default every connected store the caller reaches', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsStoreId('each store id', { each: true })
  storeIds?: string[];
}

export class RoundParams {
  @ApiProperty()
  @IsUUID('4', { message: 'id must be a round id (UUID)' })
  id!: string;
}

/** Rounds are paged with the default bounds. */
export { PageQuery } from '../http/paging';

export class GlobalPatternsQuery {
  @ApiPropertyOptional({ description: 'Round to read; default the latest completed round' })
  @IsOptional()
  @IsUUID('4', { message: 'roundId must be a round id (UUID)' })
  roundId?: string;

  @PageLimit(100, 5000)
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class DemandSeriesQuery {
  @ApiPropertyOptional({ description: 'Comma-separated SKUs to return; default every item of the round' })
  @IsOptional()
  @Matches(/^[^,]{1,200}(,[^,]{1,200}){0,999}$/, { message: 'skus must be a comma-separated list of SKUs (at most 1000)' })
  skus?: string;
}

export class EnrolStoreBody {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;

  @ApiProperty({ description: "The store node's Ed25519 identity public key (32 bytes), base64" })
  @IsBase64(undefined, { message: 'identityPublicKey must be base64' })
  identityPublicKey!: string;
}
