import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, IsInt, IsNumber, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { STORE_ID_REGEX } from '../transactions/transaction.dto';

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
  @Matches(STORE_ID_REGEX, { each: true, message: 'each store id must be letters, digits, _ . - (at most 64)' })
  storeIds?: string[];
}

export class RoundParams {
  @ApiProperty()
  @IsUUID('4', { message: 'id must be a round id (UUID)' })
  id!: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset?: number;
}

export class GlobalPatternsQuery {
  @ApiPropertyOptional({ description: 'Round to read; default the latest completed round' })
  @IsOptional()
  @IsUUID('4', { message: 'roundId must be a round id (UUID)' })
  roundId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset?: number;
}

export class EnrolStoreBody {
  @ApiProperty()
  @Matches(STORE_ID_REGEX, { message: 'storeId must be letters, digits, _ . - (at most 64)' })
  storeId!: string;

  @ApiProperty({ description: "The store node's Ed25519 identity public key (32 bytes), base64" })
  @IsBase64(undefined, { message: 'identityPublicKey must be base64' })
  identityPublicKey!: string;
}
