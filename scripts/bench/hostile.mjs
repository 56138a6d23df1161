#!/usr/bin/env node
// npm run bench:hostile — the worst mining request against the all-in-one process (issue 11).
// Starts `tessera start` (the code path of `npm start`) on a temporary data dir and a gateway
// port of its own, signs in as the manager of the largest demo store and asks for its
// itemsets with a minimum utility of one cent, while GET /health is polled every 25 ms and
// the process's RSS is sampled from /proc. Prints p50/p99/max health latency, peak RSS and
// what the job says about its threshold, as JSON.
//   --port P          gateway port (default 18080; the other services keep their fixed ports)
//   --rss-limit-mb M  the RSS the run must stay under (default 2048)
//   --min-utility U   the request's minUtility (default 0.01: one cent)
//   --keep            keep the data dir
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '18080' }, 'rss-limit-mb': { type: 'string', default: '2048' }, 'min-utility': { type: 'string', default: '0.01' }, keep: { type: 'boolean', default: false } } });
const root = new URL('../..', import.meta.url).pathname;
const port = Number(values.port);
const rssLimitMb = Number(values['rss-limit-mb']);
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));

const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(process.execPath, [`${root}apps/cli/bin/tessera.js`, 'start', '--port', String(port), '--data-dir', dataDir, '--fresh'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => process.stderr.write(d));
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

function rssMb() {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function waitFor(pattern, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output)) {
    if (Date.now() > deadline) throw new Error(`tessera start did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
    if (child.exitCode !== null) throw new Error(`tessera start exited (${child.exitCode}):\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function api(method, path, token, body) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

let result;
try {
  await waitFor(/Press Ctrl\+C to stop/, 15 * 60_000);
  // the largest demo store and its manager
  const stores = [...(/Stores:\s+(.*)/.exec(output)?.[1] ?? '').matchAll(/(\S+) \((\d+)\)/g)].map((m) => ({ storeId: m[1], transactions: Number(m[2]) })).sort((a, b) => b.transactions - a.transactions);
  const largest = stores[0];
  const account = [...output.matchAll(/demo account: store_manager (\S+) (\S+) (\S+)/g)].map((m) => ({ email: m[1], password: m[2], storeId: m[3] })).find((a) => a.storeId === largest.storeId);
  if (!account) throw new Error(`no store manager account for ${largest.storeId}`);
  const login = await api('POST', '/api/auth/login', undefined, { email: account.email, password: account.password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.token;
  const request = { storeId: largest.storeId, minUtility: Number(values['min-utility']) };

  // baseline health latency, idle
  const idle = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.arrayBuffer());
    idle.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 25));
  }
  const rssBefore = rssMb();
  const latencies = [];
  let peakRss = rssBefore;
  let failedHealth = 0;
  let polling = true;
  const timeline = [];
  const phases = [];
  let started = performance.now();
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 100);
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status !== 200) failedHealth++;
      } catch {
        failedHealth++;
      }
      latencies.push(performance.now() - t0);
      timeline.push({ atMs: Math.round(t0 - started), ms: +(performance.now() - t0).toFixed(1) });
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  started = performance.now();
  const start = await api('POST', '/api/mining/start', token, request);
  if (start.status !== 202) throw new Error(`mining start: ${start.status} ${JSON.stringify(start.body)}`);
  let job = start.body;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    job = (await api('GET', `/api/mining/jobs/${job.jobId}?storeId=${largest.storeId}`, token)).body;
    if (phases.at(-1)?.phase !== job.phase) phases.push({ atMs: Math.round(performance.now() - started), phase: job.phase });
  }
  const jobMs = performance.now() - started;
  // the results call of the finished job, also while polling
  const results = await api('GET', `/api/mining/results/${job.jobId}?storeId=${largest.storeId}&limit=100`, token);
  polling = false;
  await poller;
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, rssMb());
  const sorted = latencies.slice().sort((a, b) => a - b);
  const idleSorted = idle.slice().sort((a, b) => a - b);
  result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    store: largest,
    request: { method: 'POST', path: '/api/mining/start', body: request },
    job: { status: job.status, failureReason: job.failureReason, wallMs: Math.round(jobMs), statistics: job.statistics },
    resultsStatus: results.status,
    health: {
      samples: sorted.length,
      failed: failedHealth,
      p50Ms: +quantile(sorted, 0.5).toFixed(1),
      p99Ms: +quantile(sorted, 0.99).toFixed(1),
      maxMs: +sorted[sorted.length - 1].toFixed(1),
      idleP99Ms: +quantile(idleSorted, 0.99).toFixed(1),
      // the slowest answers and when they came (ms after the request), next to the job's phases
      worst: timeline.slice().sort((a, b) => b.ms - a.ms).slice(0, 8),
      phases,
    },
    rss: { beforeMb: Math.round(rssBefore), peakMb: Math.round(peakRss), limitMb: rssLimitMb },
    verdict: { healthP99Under200Ms: quantile(sorted, 0.99) < 200, rssUnderLimit: peakRss < rssLimitMb, processAlive: child.exitCode === null },
  };
} finally {
  child.kill('SIGINT');
  const stopped = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
  if (stopped === 'timeout') child.kill('SIGKILL');
  if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
process.exit(result.verdict.healthP99Under200Ms && result.verdict.rssUnderLimit && result.verdict.processAlive ? 0 : 1);
