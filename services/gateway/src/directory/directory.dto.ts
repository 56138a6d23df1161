import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { STORE_ID_REGEX } from '../transactions/transaction.dto';

export class CreateRegionBody {
  @ApiProperty({ example: 'benelux' })
  @Matches(STORE_ID_REGEX, { message: 'id must be letters, digits, _ . - (at most 64)' })
  id!: string;

  @ApiProperty({ example: 'Benelux' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class CreateStoreBody {
  @ApiProperty({ example: 'store-utrecht' })
  @Matches(STORE_ID_REGEX, { message: 'id must be letters, digits, _ . - (at most 64)' })
  id!: string;

  @ApiProperty({ example: 'Utrecht Centraal' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'Region whose coordinator reaches this store' })
  @IsOptional()
  @Matches(STORE_ID_REGEX, { message: 'regionId must be letters, digits, _ . - (at most 64)' })
  regionId?: string;
}
