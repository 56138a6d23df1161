import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { secaggCommand } from './secagg';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await secaggCommand(argv, { stdout, stderr });
  return { code, out, err };
}

describe('tessera secagg bench', () => {
  it('prints one JSON line with a correct sum (complete graph)', async () => {
    const { code, out } = await run(['bench', '--clients', '8', '--length', '100', '--dropout', '0.25']);
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(j).slice(0, 6), ['clients', 'length', 'dropout', 'serverMs', 'clientMsMedian', 'correct']);
    assert.equal(j.clients, 8);
    assert.equal(j.length, 100);
    assert.equal(j.dropout, 0.25);
    assert.equal(j.correct, true);
    assert.equal(j.contributors, 6);
    assert.ok(j.serverMs > 0 && j.clientMsMedian > 0);
  });

  it('supports the SecAgg+ graph and other drop stages', async () => {
    const { code, out } = await run(['bench', '--clients=30', '--length=50', '--dropout=0.2', '--neighbours=10', '--drop-stage=masked']);
    assert.equal(code, 0, out);
    const j = JSON.parse(out);
    assert.equal(j.correct, true);
    assert.equal(j.neighbours, 10);
    assert.equal(j.dropStage, 'afterMaskedInput');
  });

  it('too many dropouts: correct=false, exit 1, typed error in the JSON', async () => {
    const { code, out } = await run(['bench', '--clients', '10', '--length', '10', '--dropout', '0.7']);
    assert.equal(code, 1);
    const j = JSON.parse(out);
    assert.equal(j.correct, false);
    assert.equal(j.error.code, 'BELOW_THRESHOLD');
  });

  it('usage errors exit 2', async () => {
    for (const argv of [[], ['nope'], ['bench', '--clients', 'x'], ['bench', '--dropout', '1.5'], ['bench', '--frobnicate', '1'], ['bench', '--clients', '5', '--threshold', '9']]) {
      const { code, err, out } = await run(argv);
      assert.equal(code, 2, `${argv.join(' ')} → ${code}`);
      assert.ok((err + out).length > 0);
    }
    assert.equal((await run(['--help'])).code, 0);
  });
});
