import { CreateIngestionTables1732200000000 } from './1732200000000-create-ingestion-tables';
import { StageFileUploads1764650000000 } from './1764650000000-stage-file-uploads';
import { KeepUploadedFiles1764700000000 } from './1764700000000-keep-uploaded-files';

export const ingestionMigrations = [CreateIngestionTables1732200000000, StageFileUploads1764650000000, KeepUploadedFiles1764700000000];
