import { CreateIngestionTables1732200000000 } from './1732200000000-create-ingestion-tables';
import { StageFileUploads1764650000000 } from './1764650000000-stage-file-uploads';
import { KeepUploadedFiles1764700000000 } from './1764700000000-keep-uploaded-files';
import { CreateApiKeys1764720000000 } from './1764720000000-create-api-keys';
import { RecordFileCustomers1764740000000 } from './1764740000000-record-file-customers';

export const ingestionMigrations = [CreateIngestionTables1732200000000, StageFileUploads1764650000000, KeepUploadedFiles1764700000000, CreateApiKeys1764720000000, RecordFileCustomers1764740000000];
