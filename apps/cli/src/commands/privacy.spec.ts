import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { privacyCommand } from './privacy';
import { DiscreteGaussianSampler, DiscreteLaplaceSampler, calibrateGaussianSigma, zcdpToEpsilon } from '@tessera/privacy';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await privacyCommand(argv, { stdout, stderr });
  return { code, out, err };
}

test('sample: seeded discrete Gaussian prints N integers, identical to the library', async () => {
  const r = await run('sample', '--mechanism', 'discrete-gaussian', '--scale', '3', '--count', '1000', '--seed', 'c0ffee');
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 1000);
  assert.ok(lines.every((l) => /^-?\d+$/.test(l)));
  assert.deepEqual(lines.map(Number), new DiscreteGaussianSampler({ sigma: 3 }, { seed: 'c0ffee' }).sample(1000));
  assert.match(r.err, /tests only/);
});

test('sample: discrete Laplace with an exact decimal scale, --flag=value form', async () => {
  const r = await run('sample', '--mechanism=discrete-laplace', '--scale=0.5', '--count=20000', '--seed=01');
  assert.equal(r.code, 0);
  const xs = r.out.trimEnd().split('\n').map(Number);
  assert.deepEqual(xs, new DiscreteLaplaceSampler('1/2', { seed: '01' }).sample(20000));
  assert.ok(xs.some((x) => x !== 0));
});

test('sample: without a seed uses the CSPRNG (two runs differ), count 0 prints nothing', async () => {
  const a = await run('sample', '--mechanism', 'discrete-gaussian', '--scale', '1000', '--count', '50');
  const b = await run('sample', '--mechanism', 'discrete-gaussian', '--scale', '1000', '--count', '50');
  assert.equal(a.code, 0);
  assert.equal(a.err, '');
  assert.notEqual(a.out, b.out);
  const z = await run('sample', '--mechanism', 'discrete-gaussian', '--scale', '1', '--count', '0');
  assert.equal(z.code, 0);
  assert.equal(z.out, '');
});

test('epsilon: from rho, and sigma from epsilon', async () => {
  const r = await run('epsilon', '--rho', '0.5', '--delta', '1e-5');
  assert.equal(r.code, 0);
  assert.equal(Number(r.out.trim()), zcdpToEpsilon(0.5, 1e-5));
  const s = await run('epsilon', '--epsilon', '1', '--delta', '1e-5', '--sensitivity', '1');
  assert.equal(s.code, 0);
  const sigma = Number(s.out.trim());
  assert.equal(sigma, calibrateGaussianSigma({ epsilon: 1, delta: 1e-5, l2Sensitivity: 1 }));
  assert.ok(Math.abs(sigma - 4.0451) < 1e-3);
});

test('usage errors exit 2 and name the flag', async () => {
  const cases: [string[], RegExp][] = [
    [['sample', '--scale', '1', '--count', '3'], /--mechanism is required/],
    [['sample', '--mechanism', 'gauss', '--scale', '1', '--count', '3'], /--mechanism must be/],
    [['sample', '--mechanism', 'discrete-gaussian', '--count', '3'], /--scale is required/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '-1', '--count', '3'], /--scale must be > 0/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', 'abc', '--count', '3'], /--scale must be a number/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '1'], /--count is required/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '1', '--count', '2.5'], /--count must be a non-negative integer/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '1', '--count', '3', '--seed', 'xyz'], /--seed must be/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '1', '--count', '3', '--bogus', '1'], /unknown flag --bogus/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale'], /--scale needs a value/],
    [['sample', '--mechanism', 'discrete-gaussian', '--scale', '1', '--scale', '2', '--count', '1'], /--scale given more than once/],
    [['epsilon', '--rho', '0.5'], /--delta is required/],
    [['epsilon', '--rho', '0.5', '--delta', '2'], /--delta must be in \(0, 1\)/],
    [['epsilon', '--rho', 'x', '--delta', '1e-5'], /--rho must be a number >= 0/],
    [['epsilon', '--delta', '1e-5'], /--rho or --epsilon is required/],
    [['epsilon', '--epsilon', '1', '--delta', '1e-5'], /--sensitivity is required/],
    [['epsilon', '--epsilon', '0', '--delta', '1e-5', '--sensitivity', '1'], /--epsilon must be a number > 0/],
    [['epsilon', '--rho', '1', '--epsilon', '1', '--delta', '1e-5'], /--rho cannot be combined with --epsilon/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
    [[], /usage:/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
    assert.equal(r.out, '', argv.join(' '));
  }
});

test('help prints usage to stdout with exit 0', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  assert.match(r.out, /tessera privacy sample/);
});
