import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageLimit, PageOffset } from '../http/paging';
import { IsStoreId } from '../http/store-id';

export class ListFilesQuery {
  @ApiProperty({ description: 'Store whose uploaded files to list', example: 'store-uk' })
  @IsStoreId()
  storeId!: string;

  @PageLimit(50, 500)
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class FileParams {
  @ApiProperty({ description: 'The upload (its fileId)' })
  @IsUUID('all', { message: 'fileId must be a file id (a UUID)' })
  fileId!: string;
}

export class FileStoreQuery {
  @ApiProperty({ description: 'Store the file belongs to' })
  @IsStoreId()
  storeId!: string;
}
