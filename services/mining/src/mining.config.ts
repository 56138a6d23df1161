import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the mining service: local high-utility itemsets on the store node. */
export const miningConfig = defineConfig('mining', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8083' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the mining service', default: '50053' }),
  INGESTION_GRPC_URL: vars.string({ description: 'host:port of the ingestion service, where transactions are read from', default: '127.0.0.1:50052' }),
  MINING_THREADS: vars.integer({ description: 'Threads one mining job uses (the search tree is split across them)', default: '2', min: 1, max: 64 }),
  MAX_CONCURRENT_JOBS: vars.integer({ description: 'Jobs that run at the same time; the others wait in the queue', default: '1', min: 1, max: 16 }),
  MAX_PATTERNS_STORED: vars.integer({ description: 'Most patterns kept per job (highest utility first); the job says when it cut', default: '200000', min: 1 }),
  MINING_MAX_ITEMSETS: vars.integer({ description: 'Most itemsets one mining job or proposal holds in memory: past it the search raises its threshold as top-k does and keeps the best ones (the job says so and to what)', default: '200000', min: 1 }),
  MINING_MAX_ITEMSET_ITEMS: vars.integer({ description: 'Most items summed over the itemsets one mining job holds (long itemsets of a very low threshold): past it the threshold is raised the same way', default: '2000000', min: 1 }),
  MINING_MEMORY_BUDGET_MB: vars.integer({ description: "Buffer budget of one mining job's search in MB (shared by its threads): a job that cannot fit fails fast with an estimate", default: '1024', min: 16 }),
  MINING_WORKER_MAX_OLD_GENERATION_MB: vars.integer({ description: 'Heap limit (resourceLimits.maxOldGenerationSizeMb) of each mining worker thread: a worker over it dies and fails its job, the service keeps running', default: '1024', min: 64 }),
  MINING_THREAD_NICENESS: vars.integer({ description: "Niceness (0-19, Linux) of a job's mining threads: above 0 the process's event loop keeps the CPU when they use every core (health and API stay responsive in the all-in-one process); 0 leaves them at normal priority", default: '10', min: 0, max: 19 }),
  JOBS_TOPIC: vars.string({ description: 'Topic for job progress events', default: 'mining.jobs.v1' }),
  BATCHES_TOPIC: vars.string({ description: "Ingestion's committed-batch topic, which tells mining a store has new data", default: 'ingestion.batches.v1' }),
});

export type MiningConfig = ReturnType<typeof miningConfig.load>;
