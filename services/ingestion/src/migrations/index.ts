import { CreateIngestionTables1732200000000 } from './1732200000000-create-ingestion-tables';

export const ingestionMigrations = [CreateIngestionTables1732200000000];
