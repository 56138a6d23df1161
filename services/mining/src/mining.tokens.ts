/** The store's ingestion service client (`ingestionV1.IngestionServiceClient`), where transactions are read from. */
export const INGESTION_CLIENT = Symbol('INGESTION_CLIENT');
/** How long a store's loaded database is kept for measurements (ms); MeasureService's default when not provided. */
export const MEASURE_CACHE_MAX_AGE_MS = Symbol('MEASURE_CACHE_MAX_AGE_MS');
/** The guard of the proposal step (`{ maxItemsets, memoryBudgetBytes }`): MINING_MAX_ITEMSETS and MINING_MEMORY_BUDGET_MB. */
export const MEASURE_LIMITS = Symbol('MEASURE_LIMITS');
