import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { IsStoreId } from '../http/store-id';

/** Events are validated field by field against schemas/pos-transaction.v1.schema.json by ingestion. */
export class PostPosEventsBody {
  @ApiProperty({ description: 'Store the events belong to; every event must carry the same storeId' })
  @IsStoreId()
  storeId!: string;

  @ApiProperty({ description: 'pos.transactions.v1 events (see schemas/pos-transaction.v1.schema.json)', type: 'array', items: { type: 'object' } })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsObject({ each: true, message: 'each event must be a JSON object' })
  events!: Record<string, unknown>[];
}
