#!/usr/bin/env node
// npm run bench:ingest — sustained POS events/s from Kafka into Postgres and end-to-end
// latency, with the ingestion service as its own process(es) on the local Kafka and Postgres,
// and where the machine's cores went while it ran.
//   Phase 1 (throughput): N events are produced to a fresh topic first (the producer's CPU is
//     measured on its own); the consumers are then started and the rate is measured from the
//     moment every consumer holds partitions (and a row is stored) to the last stored row.
//   Phase 2 (latency): events are produced at a steady rate while the service runs; latency
//     is received_at (set in the insert's transaction) minus the producer's send time.
//   Breakdown: CPU seconds of each process during each phase, from /proc/<pid>/stat: the
//     consumers, Postgres (the consumers' own backends, and its background writers), the Kafka
//     broker, the producer (this process), and the rest of the machine (other work on it).
// Options (BENCH_NODE_ARGS="--cpu-prof ..." profiles the service): --events N (default 300000),
//          --consumers C service processes in one consumer group (default 2),
//          --rate R events/s for phase 2 (default 40000), --seconds S for phase 2 (default 15),
//          --quick (N=100000, S=6)
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import os from 'node:os';
import kafkajs from 'kafkajs';
import pg from 'pg';

const { values } = parseArgs({ options: { events: { type: 'string' }, consumers: { type: 'string', default: '2' }, rate: { type: 'string', default: '40000' }, seconds: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const total = Number(values.events ?? (values.quick ? 100_000 : 300_000));
const consumers = Number(values.consumers);
const rate = Number(values.rate);
const seconds = Number(values.seconds ?? (values.quick ? 6 : 15));
const root = new URL('../..', import.meta.url).pathname;

const up = spawnSync('bash', [`${root}scripts/infra/up.sh`], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (up.status !== 0) process.exit(up.status ?? 1);
const env = Object.fromEntries([...up.stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
const brokers = env.KAFKA_BROKERS.split(',');
const run = `bench-${randomBytes(3).toString('hex')}`;
const topic = `pos.transactions.v1.${run}`;
// A schema of the run's own: its tables go with it, and its connections are named after it.
const schema = `ingestion_${run.replace('-', '_')}`;
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
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.transactions WHERE store_id = ANY($1)`, [stores]);
  return rows[0].n;
}

/** CPU seconds (user + system) of a process so far, or undefined once it is gone. */
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return undefined;
  }
}

/** Busy and total core-seconds of the whole machine so far (/proc/stat). */
function machineCpu() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + f[4];
  const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (all - idle) / TICK, all: all / TICK };
}

function pidsWhere(test) {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (test(readFileSync(`/proc/${name}/cmdline`, 'utf8'))) pids.push(Number(name));
    } catch {}
  }
  return pids;
}
const brokerPids = pidsWhere((cmd) => cmd.includes('kafka.Kafka'));

/** Local TCP ports of the processes' connections to Postgres (their sockets in /proc/<pid>/fd matched in /proc/net/tcp). */
function postgresClientPorts(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]);
        } catch {}
      }
    } catch {}
  }
  const pgPort = Number(new URL(env.DATABASE_URL).port || 5432);
  const ports = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      if (parseInt(f[2].split(':')[1], 16) === pgPort) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** Postgres processes by role: the consumers' own backends and the background ones (WAL writer, checkpointer, autovacuum...). */
async function postgresPids(children) {
  const { rows } = await pool.query(
    `SELECT pid, CASE WHEN client_port = ANY($1::int[]) THEN 'ours' WHEN backend_type <> 'client backend' THEN 'background' ELSE 'other' END AS role FROM pg_stat_activity`,
    [postgresClientPorts(children.map((c) => c.pid))],
  );
  return { ours: rows.filter((r) => r.role === 'ours').map((r) => r.pid), background: rows.filter((r) => r.role === 'background').map((r) => r.pid) };
}

/** CPU of every group of processes at one moment; `since` turns two of these into the breakdown of the window between. */
async function snapshot(children) {
  const pg = await postgresPids(children);
  const group = (pids) => Object.fromEntries(pids.map((pid) => [pid, cpuOf(pid) ?? 0]));
  const self = process.cpuUsage();
  return { at: performance.now(), machine: machineCpu(), consumers: group(children.map((c) => c.pid)), postgres: group(pg.ours), postgresBackground: group(pg.background), broker: group(brokerPids), producer: (self.user + self.system) / 1e6 };
}

async function since(start, children) {
  const end = await snapshot(children);
  const seconds = (end.at - start.at) / 1000;
  const delta = (name) => Object.entries(end[name]).reduce((sum, [pid, cpu]) => sum + cpu - (start[name][pid] ?? 0), 0);
  const used = { consumers: delta('consumers'), postgres: delta('postgres'), postgresBackground: delta('postgresBackground'), broker: delta('broker'), producer: end.producer - start.producer };
  const machineBusy = end.machine.busy - start.machine.busy;
  const machineAll = end.machine.all - start.machine.all;
  const ours = Object.values(used).reduce((a, b) => a + b, 0);
  const round = (x) => Math.round(x * 100) / 100;
  // cores: CPU seconds per second of the window (2.0 = both cores all the time).
  return {
    seconds: round(seconds),
    cpuSeconds: Object.fromEntries([...Object.entries(used), ['otherOnMachine', Math.max(0, machineBusy - ours)], ['idle', Math.max(0, machineAll - machineBusy)]].map(([k, v]) => [k, round(v)])),
    cores: Object.fromEntries([...Object.entries(used), ['otherOnMachine', Math.max(0, machineBusy - ours)], ['idle', Math.max(0, machineAll - machineBusy)]].map(([k, v]) => [k, round(v / seconds)])),
  };
}

function printBreakdown(title, b, events) {
  console.error(`${title}: ${b.seconds} s; CPU seconds (cores busy) and events per CPU-second:`);
  for (const [name, cpu] of Object.entries(b.cpuSeconds)) {
    const perCpu = cpu > 0 && name !== 'idle' && name !== 'otherOnMachine' ? `  ${Math.round(events / cpu).toLocaleString('en')} events/CPU-s` : '';
    console.error(`  ${name.padEnd(19)} ${String(cpu).padStart(7)} s  (${b.cores[name].toFixed(2)} cores)${perCpu}`);
  }
}

/** Events the consumers have committed so far (their ingestion_pos_events_total{outcome="stored"}): cheaper to poll than count(*). */
async function storedByMetrics(children) {
  let sum = 0;
  for (const child of children) {
    const text = await (await fetch(`http://127.0.0.1:${child.httpPort}/metrics`)).text();
    const m = /^\w*pos_events_total\{[^}]*outcome="stored"[^}]*\} (\d+)/m.exec(text);
    sum += m ? Number(m[1]) : 0;
  }
  return sum;
}

async function startIngestion() {
  const httpPort = await freePort();
  // BENCH_NODE_ARGS passes Node flags to the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, `${root}apps/cli/bin/tessera.js`, 'serve', 'ingestion'], {
    env: { ...process.env, DATABASE_URL: env.DATABASE_URL, KAFKA_BROKERS: env.KAFKA_BROKERS, BUS_DRIVER: 'kafka', LOG_LEVEL: 'warn', HTTP_PORT: String(httpPort), GRPC_PORT: String(await freePort()), CUSTOMER_HASH_KEY: 'bench-key-0123456789abcdef0123456789', POS_TOPIC: topic, POS_DLQ_TOPIC: `${topic}.dlq`, BATCHES_TOPIC: `${topic}.batches`, POS_CONSUMER_GROUP: run, DATABASE_SCHEMA: schema },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`http://127.0.0.1:${httpPort}/health/ready`)).status === 200) return Object.assign(child, { httpPort }); } catch {}
    await sleep(200);
  }
  throw new Error('ingestion did not become ready');
}

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }, { topic: `${topic}.dlq`, numPartitions: 3 }, { topic: `${topic}.batches`, numPartitions: 3 }] });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
await producer.connect();
const loadBefore = os.loadavg();

// Phase 1: throughput from a full topic.
const stores = Array.from({ length: 12 }, (_, i) => `${run}-s${i}`);
console.error(`producing ${total} events to ${topic}...`);
const produceStart = await snapshot([]);
for (let i = 0; i < total; i += 5000) {
  const messages = [];
  for (let j = i; j < Math.min(total, i + 5000); j++) messages.push({ key: stores[j % stores.length], value: event(stores[j % stores.length], j, Date.now()) });
  await producer.send({ topic, messages, compression: kafkajs.CompressionTypes.None });
}
const produced = await since(produceStart, []);
console.error(`produced at ${Math.round(total / produced.seconds)} events/s; producer ${Math.round(total / produced.cpuSeconds.producer).toLocaleString('en')} events per producer-CPU-second`);
printBreakdown('producing (no consumer running)', produced, total);

// Every consumer of the group (one per process) must hold partitions before the window opens:
// the first one to join would otherwise run alone until the group rebalances.
const children = await Promise.all(Array.from({ length: consumers }, () => startIngestion()));
async function groupReady() {
  const { groups } = await admin.describeGroups([run]);
  const g = groups[0];
  if (g.state !== 'Stable' || g.members.length !== consumers) return false;
  return g.members.every((m) => kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment?.[topic]?.length > 0);
}
while (!(await groupReady())) await sleep(20);
let first;
while ((first = await storedByMetrics(children)) === 0) await sleep(5);
const window1 = await snapshot(children);
let stored = first;
while (stored < total) {
  await sleep(100);
  stored = await storedByMetrics(children);
}
const phase1 = await since(window1, children);
const inTable = await count(stores);
if (inTable !== total || stored !== total) throw new Error(`phase 1: ${inTable} rows in the table and ${stored} counted as stored, for ${total} distinct events`);
const throughput = (total - first) / phase1.seconds;
console.error(`phase 1: ${total} events stored, ${throughput.toFixed(0)} events/s sustained over the last ${total - first} (${consumers} consumer process(es))`);
printBreakdown('phase 1', phase1, total - first);

// Phase 2: latency at a steady rate.
const latencyStores = Array.from({ length: 12 }, (_, i) => `${run}-l${i}`);
const tickMs = 50;
const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
let sent = 0;
const window2 = await snapshot(children);
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
const phase2 = await since(window2, children);
const { rows } = await pool.query(
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
   FROM (SELECT extract(epoch FROM received_at) * 1000 - split_part(transaction_id, '-', 2)::bigint AS ms FROM ${schema}.transactions WHERE store_id = ANY($1)) t`,
  [latencyStores],
);
console.error(`phase 2: ${sent} events at ${Math.round(achievedRate)} events/s: p50 ${Math.round(rows[0].p50)} ms, p99 ${Math.round(rows[0].p99)} ms, max ${Math.round(rows[0].max)} ms`);
printBreakdown('phase 2 (producer and consumers together)', phase2, sent);
const loadAfter = os.loadavg();
await Promise.all(children.map((child) => new Promise((ok) => { child.once('exit', ok); child.kill('SIGTERM'); })));
await producer.disconnect();
await admin.deleteTopics({ topics: [topic, `${topic}.dlq`, `${topic}.batches`] }).catch(() => {});
await admin.disconnect();
await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await pool.end();
const perCpu = (events, cpu) => (cpu > 0 ? Math.round(events / cpu) : null);
const measured = total - first;
const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.cpus().length} cores (${os.cpus()[0].model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  loadAverage1m: { before: Math.round(loadBefore[0] * 10) / 10, after: Math.round(loadAfter[0] * 10) / 10 },
  consumers,
  throughputEventsPerSecond: Math.round(throughput),
  eventsMeasured: measured,
  latencyRateEventsPerSecond: Math.round(achievedRate),
  latencyEvents: sent,
  p50Ms: Math.round(rows[0].p50),
  p99Ms: Math.round(rows[0].p99),
  maxMs: Math.round(rows[0].max),
  // Events handled per CPU-second of each part during phase 1: what one core of its own would sustain.
  eventsPerCpuSecond: {
    consumer: perCpu(measured, phase1.cpuSeconds.consumers),
    postgres: perCpu(measured, phase1.cpuSeconds.postgres + phase1.cpuSeconds.postgresBackground),
    broker: perCpu(measured, phase1.cpuSeconds.broker),
    producer: perCpu(total, produced.cpuSeconds.producer),
  },
  breakdown: { produce: produced, phase1, phase2 },
};
console.log(JSON.stringify(result));
