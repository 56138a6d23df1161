/** Values the ingestion providers take from the config (the classes are their own tokens). */
export const CUSTOMER_HASH_KEY = Symbol('CUSTOMER_HASH_KEY');
export const POS_DLQ_TOPIC = Symbol('POS_DLQ_TOPIC');
export const BATCHES_TOPIC = Symbol('BATCHES_TOPIC');
export const FILE_INGEST_OPTIONS = Symbol('FILE_INGEST_OPTIONS');
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');
export const FILE_RETENTION_DAYS = Symbol('FILE_RETENTION_DAYS');
