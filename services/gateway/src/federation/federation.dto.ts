import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ArrayMaxSize, IsArray, IsBase64, IsInt, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

export class StartRoundBody {
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

export class EnrolStoreBody {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;

  @ApiProperty({ description: "The store node's Ed25519 identity public key (32 bytes), base64" })
  @IsBase64(undefined, { message: 'identityPublicKey must be base64' })
  identityPublicKey!: string;
}
