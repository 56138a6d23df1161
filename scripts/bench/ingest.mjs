#!/usr/bin/env node
// npm run bench:ingest — sustained POS events/s from Kafka into Postgres and end-to-end
// latency, with the ingestion service as its own process on the local Kafka and Postgres.
//   Phase 1 (throughput): N events are produced to a fresh topic first; the service is then
//     started and the rate is measured from the first stored row to the last.
//   Phase 2 (latency): events are produced at a steady rate while the service runs; latency
//     is received_at (set in the insert's transaction) minus the producer's send time.
// Options (BENCH_NODE_ARGS="--cpu-prof ..." profiles the service): --events N (default 200000), --rate R events/s for phase 2 (default 20000),
//          --seconds S for phase 2 (default 20), --quick (N=50000, S=8)
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import os from 'node:os';
import kafkajs from 'kafkajs';
import pg from 'pg';

const { values } = parseArgs({ options: { events: { type: 'string' }, rate: { type: 'string', default: '20000' }, seconds: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const total = Number(values.events ?? (values.quick ? 50_000 : 200_000));
const rate = Number(values.rate);
const seconds = Number(values.seconds ?? (values.quick ? 8 : 20));
const root = new URL('../..', import.meta.url).pathname;

const up = spawnSync('bash', [`${root}scripts/infra/up.sh`], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (up.status !== 0) process.exit(up.status ?? 1);
const env = Object.fromEntries([...up.stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
const brokers = env.KAFKA_BROKERS.split(',');
const run = `bench-${randomBytes(3).toString('hex')}`;
const topic = `pos.transactions.v1.${run}`;
const kafka = new kafkajs.Kafka({ clientId: run, brokers, logLevel: kafkajs.logLevel.NOTHING });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });

const freePort = () => new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function event(storeId, id, sentAt) {
  return JSON.stringify({
    transactionId: `${id}-${sentAt}`,
    storeId,
    occurredAt: new Date(sentAt).toISOString(),
    lines: [
      { sku: `SKU-${id % 50}`, quantity: 1 + (id % 4), unitPrice: 2.55 },
      { sku: `SKU-${(id % 50) + 100}`, quantity: 2, unitPrice: 0.85, unitProfit: 0.3 },
      { sku: `SKU-${(id % 7) + 300}`, quantity: 1, unitPrice: 12.5 },
    ],
  });
}

async function count(stores) {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM ingestion.transactions WHERE store_id = ANY($1)', [stores]);
  return rows[0].n;
}

async function startIngestion() {
  const httpPort = await freePort();
  // BENCH_NODE_ARGS passes Node flags to the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, `${root}apps/cli/bin/tessera.js`, 'serve', 'ingestion'], {
    env: { ...process.env, DATABASE_URL: env.DATABASE_URL, KAFKA_BROKERS: env.KAFKA_BROKERS, BUS_DRIVER: 'kafka', LOG_LEVEL: 'warn', HTTP_PORT: String(httpPort), GRPC_PORT: String(await freePort()), CUSTOMER_HASH_KEY: 'bench-key-0123456789abcdef0123456789', POS_TOPIC: topic, POS_DLQ_TOPIC: `${topic}.dlq`, BATCHES_TOPIC: `${topic}.batches`, POS_CONSUMER_GROUP: run },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`http://127.0.0.1:${httpPort}/health/ready`)).status === 200) return child; } catch {}
    await sleep(200);
  }
  throw new Error('ingestion did not become ready');
}

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }, { topic: `${topic}.dlq`, numPartitions: 3 }, { topic: `${topic}.batches`, numPartitions: 3 }] });
await admin.disconnect();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
await producer.connect();

// Phase 1: throughput from a full topic.
const stores = Array.from({ length: 12 }, (_, i) => `${run}-s${i}`);
console.error(`producing ${total} events to ${topic}...`);
for (let i = 0; i < total; i += 5000) {
  const messages = [];
  for (let j = i; j < Math.min(total, i + 5000); j++) messages.push({ key: stores[j % stores.length], value: event(stores[j % stores.length], j, Date.now()) });
  await producer.send({ topic, messages, compression: kafkajs.CompressionTypes.None });
}
const child = await startIngestion();
let first = 0;
let started = 0;
while ((first = await count(stores)) === 0) await sleep(5);
started = performance.now();
let stored = first;
while (stored < total) {
  await sleep(100);
  stored = await count(stores);
}
const elapsed = (performance.now() - started) / 1000;
const throughput = (total - first) / elapsed;
console.error(`phase 1: ${total} events stored, ${throughput.toFixed(0)} events/s sustained`);

// Phase 2: latency at a steady rate.
const latencyStores = Array.from({ length: 12 }, (_, i) => `${run}-l${i}`);
const tickMs = 50;
const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
let sent = 0;
const phase2Start = Date.now();
while (Date.now() - phase2Start < seconds * 1000) {
  const tickStart = Date.now();
  const messages = [];
  for (let k = 0; k < perTick; k++, sent++) messages.push({ key: latencyStores[sent % 12], value: event(latencyStores[sent % 12], sent, Date.now()) });
  await producer.send({ topic, messages });
  const wait = tickMs - (Date.now() - tickStart);
  if (wait > 0) await sleep(wait);
}
const achievedRate = sent / ((Date.now() - phase2Start) / 1000);
while ((await count(latencyStores)) < sent) await sleep(100);
const { rows } = await pool.query(
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
   FROM (SELECT extract(epoch FROM received_at) * 1000 - split_part(transaction_id, '-', 2)::bigint AS ms FROM ingestion.transactions WHERE store_id = ANY($1)) t`,
  [latencyStores],
);
child.kill('SIGTERM');
await producer.disconnect();
await pool.query('DELETE FROM ingestion.transactions WHERE store_id = ANY($1)', [[...stores, ...latencyStores]]);
await pool.end();
const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.cpus().length} cores (${os.cpus()[0].model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  throughputEventsPerSecond: Math.round(throughput),
  eventsMeasured: total - first,
  latencyRateEventsPerSecond: Math.round(achievedRate),
  latencyEvents: sent,
  p50Ms: Math.round(rows[0].p50),
  p99Ms: Math.round(rows[0].p99),
  maxMs: Math.round(rows[0].max),
};
console.log(JSON.stringify(result));
