import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsStoreId } from '../http/store-id';

export class CreateApiKeyBody {
  @ApiProperty({ description: 'Store the key may send ingestion data for' })
  @IsStoreId()
  storeId!: string;

  @ApiProperty({ description: 'What the key is for, e.g. the POS it is installed on', example: 'till 3' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class ListApiKeysQuery {
  @ApiProperty()
  @IsStoreId()
  storeId!: string;
}

export class ApiKeyParams {
  @ApiProperty()
  @IsUUID('4', { message: 'apiKeyId must be a UUID' })
  apiKeyId!: string;
}
