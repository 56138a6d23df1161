/** Topic names the services use. Created with these partition counts by scripts/infra/up.sh (infra/kafka/topics.txt). */
export const Topics = {
  posTransactions: 'pos.transactions.v1',
  posTransactionsDlq: 'pos.transactions.dlq.v1',
  ingestionBatches: 'ingestion.batches.v1',
  miningJobs: 'mining.jobs.v1',
  federationRounds: 'federation.rounds.v1',
  privacyLedger: 'privacy.ledger.v1',
  erasureRequests: 'erasure.requests.v1',
  erasureConfirmations: 'erasure.confirmations.v1',
  insightsRefreshRequested: 'insights.refresh.requested.v1',
  retentionSweeps: 'retention.sweeps.v1',
  insightsRefreshed: 'insights.refreshed.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Partition count of each topic. Keys are store ids, so more partitions = more stores processed in parallel. */
export const TopicPartitions: Readonly<Record<TopicName, number>> = {
  'pos.transactions.v1': 6,
  'pos.transactions.dlq.v1': 3,
  'ingestion.batches.v1': 3,
  'mining.jobs.v1': 3,
  'federation.rounds.v1': 3,
  'privacy.ledger.v1': 3,
  'erasure.requests.v1': 3,
  'erasure.confirmations.v1': 3,
  'insights.refresh.requested.v1': 3,
  'retention.sweeps.v1': 3,
  'insights.refreshed.v1': 3,
};

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** Every service topic with its partition count, ready for ensureTopics(). */
export const TopicSpecs: readonly TopicSpec[] = Object.values(Topics).map((topic) => ({ topic, partitions: TopicPartitions[topic] }));

/** Same as TopicPartitions, keyed by any string (the first API's name). */
export const TOPIC_PARTITIONS: Readonly<Record<string, number>> = TopicPartitions;
