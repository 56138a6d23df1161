/** Topics the scheduler publishes and reads (protobuf, tessera.scheduler.v1), keyed by store id. */
export const SchedulerTopics = {
  erasureRequests: 'erasure.requests.v1',
  erasureConfirmations: 'erasure.confirmations.v1',
  insightsRefresh: 'insights.refresh.requested.v1',
  retentionSweeps: 'retention.sweeps.v1',
} as const;
