export interface BusRecord {
  key?: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Largest batch handed to the handler at once (default 1000). */
  maxBatchSize?: number;
}

/**
 * Handles one batch of one partition, in offset order. The batch's offsets are committed
 * only after the returned promise resolves; if it rejects, the same batch is delivered
 * again after a backoff. Handlers must therefore be idempotent.
 */
export type BatchHandler = (batch: BusMessage[]) => Promise<void>;

export interface Subscription {
  close(): Promise<void>;
}

export interface BusLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface Bus {
  publish(topic: string, records: BusRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export const Topics = {
  posTransactions: 'pos.transactions.v1',
  posTransactionsDlq: 'pos.transactions.dlq.v1',
  ingestionBatches: 'ingestion.batches.v1',
  miningJobs: 'mining.jobs.v1',
  federationRounds: 'federation.rounds.v1',
  privacyLedger: 'privacy.ledger.v1',
} as const;

/** Partition counts the services expect (scripts/infra/up.sh creates them so). */
export const TOPIC_PARTITIONS: Record<string, number> = {
  [Topics.posTransactions]: 6,
  [Topics.posTransactionsDlq]: 3,
  [Topics.ingestionBatches]: 3,
  [Topics.miningJobs]: 3,
  [Topics.federationRounds]: 3,
  [Topics.privacyLedger]: 3,
};

/** Exponential backoff for redelivering a failed batch: 100 ms doubling to 5 s. */
export function redeliveryDelay(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
}
