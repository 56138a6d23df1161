import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsStoreId } from '../http/store-id';

export class CreateRegionBody {
  @ApiProperty({ example: 'benelux' })
  @IsStoreId('id')
  id!: string;

  @ApiProperty({ example: 'Benelux' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class CreateStoreBody {
  @ApiProperty({ example: 'store-utrecht' })
  @IsStoreId('id')
  id!: string;

  @ApiProperty({ example: 'Utrecht Centraal' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'Region whose coordinator reaches this store' })
  @IsOptional()
  @IsStoreId('regionId')
  regionId?: string;
}
