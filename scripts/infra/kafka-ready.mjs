#!/usr/bin/env node
// Waits until the Kafka broker answers an admin request, then makes sure the given topics
// exist with at least the given partition counts (creates or grows them; never shrinks).
//   node scripts/infra/kafka-ready.mjs --brokers 127.0.0.1:9092 [--timeout 60] [--pid 1234]
//        [--topics-file infra/kafka/topics.txt] [--quiet]
// --pid: give up early if that process dies (the broker we just started).
// Exit codes: 0 ready, 1 not ready / failed, 2 the watched process died, 3 kafkajs missing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let kafkajs;
try {
  kafkajs = require('kafkajs');
} catch {
  process.stderr.write('kafkajs not found (run npm ci at the repo root)\n');
  process.exit(3);
}
const { Kafka, logLevel } = kafkajs;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const brokers = opt('brokers', '127.0.0.1:9092').split(',');
const timeoutMs = Number(opt('timeout', '60')) * 1000;
const pid = opt('pid') ? Number(opt('pid')) : undefined;
const topicsFile = opt('topics-file');
const quiet = args.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`${m}\n`); };

const topics = topicsFile
  ? readFileSync(topicsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
      .map((l) => { const [topic, n] = l.split(/\s+/); return { topic, numPartitions: Number(n) }; })
  : [];

const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const kafka = new Kafka({
  clientId: 'tessera-infra-up',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});

const deadline = Date.now() + timeoutMs;
let admin;
let lastErr;
for (;;) {
  if (pid !== undefined && !alive(pid)) { log(`broker process ${pid} exited`); process.exit(2); }
  admin = kafka.admin();
  try {
    await admin.connect();
    // A broker answers metadata before its controller is done electing itself; describeCluster
    // then listTopics needs a working metadata path, and createTopics needs the controller.
    await admin.describeCluster();
    await admin.listTopics();
    break;
  } catch (err) {
    lastErr = err;
    await admin.disconnect().catch(() => {});
    if (Date.now() > deadline) {
      log(`kafka at ${brokers.join(',')} not ready after ${timeoutMs / 1000}s: ${lastErr?.message ?? lastErr}`);
      process.exit(1);
    }
    await sleep(250);
  }
}

try {
  if (topics.length) {
    // The controller may still be settling right after start: retry topic creation briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length) {
          await admin.createTopics({
            topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: 1 })),
            waitForLeaders: true,
          });
          log(`created topics: ${missing.map((t) => `${t.topic}(${t.numPartitions})`).join(', ')}`);
        }
        const present = topics.filter((t) => existing.has(t.topic));
        if (present.length) {
          const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
          const grow = [];
          for (const t of meta.topics) {
            const want = present.find((p) => p.topic === t.name).numPartitions;
            if (t.partitions.length < want) grow.push({ topic: t.name, count: want });
          }
          if (grow.length) {
            await admin.createPartitions({ topicPartitions: grow });
            log(`grew topics: ${grow.map((g) => `${g.topic}->${g.count}`).join(', ')}`);
          }
        }
        break;
      } catch (err) {
        if (attempt >= 20 || Date.now() > deadline + 30_000) throw err;
        await sleep(500);
      }
    }
  }
} catch (err) {
  log(`topic setup failed: ${err?.message ?? err}`);
  await admin.disconnect().catch(() => {});
  process.exit(1);
}
await admin.disconnect();
