import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested, ArrayMinSize } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

export class UpdatePrivacyConfigBody {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;

  @ApiPropertyOptional({ description: 'Lifetime epsilon cap at the store\'s delta (default 10)', minimum: 0.01, maximum: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(100)
  epsilonCap?: number;

  @ApiPropertyOptional({ description: 'Epsilon the store offers a round unless the round asks for another' })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(100)
  defaultRoundEpsilon?: number;

  @ApiPropertyOptional({ enum: ['discrete-gaussian', 'discrete-laplace'] })
  @IsOptional()
  @IsIn(['discrete-gaussian', 'discrete-laplace'])
  mechanism?: 'discrete-gaussian' | 'discrete-laplace';

  @ApiPropertyOptional({ description: 'Share only keyed hashes of SKUs with the hub' })
  @IsOptional()
  @IsBoolean()
  hashPatterns?: boolean;
}

export class LedgerQuery {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;

  @PageLimit(50, 500)
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class ImpactPatternBody {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  items!: string[];

  @ApiProperty({ description: 'The pattern\'s utility in currency units (its estimate on this store)' })
  @IsNumber()
  @Min(0)
  @Max(90_071_992_547_409, { message: 'utility must be at most 90071992547409 (currency units)' })
  utility!: number;
}

export class ImpactPreviewBody {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;

  @ApiProperty({ description: 'Epsilon to preview', minimum: 0.01, maximum: 100 })
  @IsNumber()
  @Min(0.01)
  @Max(100)
  epsilon!: number;

  @ApiProperty({ description: 'Per-transaction contribution bound in currency units (the L2 clipping bound B)' })
  @IsNumber()
  @Min(0.01)
  @Max(1_000_000)
  clipBound!: number;

  @ApiPropertyOptional({ type: [ImpactPatternBody], description: 'Patterns to preview; or give miningJobId to use a mining job\'s top patterns' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ImpactPatternBody)
  patterns?: ImpactPatternBody[];

  @ApiPropertyOptional({ description: 'Use the top patterns of this completed mining job of the store' })
  @IsOptional()
  @IsUUID('4')
  miningJobId?: string;
}
