import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { STORE_ID_REGEX } from '../transactions/transaction.dto';

export class CreateApiKeyBody {
  @ApiProperty({ description: 'Store the key may send ingestion data for' })
  @Matches(STORE_ID_REGEX, { message: 'storeId must be letters, digits, _ . - (at most 64)' })
  storeId!: string;

  @ApiProperty({ description: 'What the key is for, e.g. the POS it is installed on', example: 'till 3' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class ListApiKeysQuery {
  @ApiProperty()
  @Matches(STORE_ID_REGEX, { message: 'storeId must be letters, digits, _ . - (at most 64)' })
  storeId!: string;
}

export class ApiKeyParams {
  @ApiProperty()
  @IsUUID('4', { message: 'apiKeyId must be a UUID' })
  apiKeyId!: string;
}
