export { startIngestionService, INGESTION_SCHEMA, type IngestionService } from './main';
export { ingestionConfig } from './ingestion.config';
export { hashCustomer } from './pos-event.validator';
