import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

test('lowerThreadPriority lowers only the calling thread (Linux)', async () => {
  const before = getPriority(process.pid);
  const code = `
    const { parentPort } = require('node:worker_threads');
    const { readlinkSync } = require('node:fs');
    const { getPriority } = require('node:os');
    const { lowerThreadPriority } = require(${JSON.stringify(join(__dirname, 'thread-priority.js'))});
    const lowered = lowerThreadPriority(7);
    const tid = process.platform === 'linux' ? Number(readlinkSync('/proc/thread-self').split('/').pop()) : 0;
    parentPort.postMessage({ lowered, priority: tid ? getPriority(tid) : null });
  `;
  const answer = await new Promise<{ lowered: boolean; priority: number | null }>((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (process.platform === 'linux') {
    assert.equal(answer.lowered, true);
    assert.equal(answer.priority, Math.max(7, before));
  } else assert.equal(answer.lowered, false);
  assert.equal(getPriority(process.pid), before, 'the main thread keeps its priority');
});
