/**
 * `tessera privacy ...` — sample exact discrete noise and convert privacy parameters.
 *
 *   tessera privacy sample --mechanism discrete-gaussian|discrete-laplace --scale S --count N [--seed HEX]
 *   tessera privacy epsilon --rho R --delta D                      prints ε of ρ-zCDP at δ (CKS20 Cor 13)
 *   tessera privacy epsilon --epsilon E --delta D --sensitivity S  prints the discrete Gaussian σ to use
 *
 * Exit codes: 0 ok, 2 usage error (the message names the offending flag), 1 unexpected failure.
 * The algorithms live in @tessera/privacy; this file only parses flags and prints.
 */
import {
  DiscreteGaussianSampler,
  DiscreteLaplaceSampler,
  IntegerSampler,
  Rational,
  calibrateGaussianSigma,
  parseHexSeed,
  parseRational,
  zcdpToEpsilon,
} from '@tessera/privacy';

export interface PrivacyIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage:
  tessera privacy sample --mechanism discrete-gaussian|discrete-laplace --scale S --count N [--seed HEX]
      prints N exact samples, one integer per line (S is σ for the Gaussian, b for the Laplace;
      decimals such as 0.1 and fractions such as 1/3 are read exactly).
      --seed makes the output reproducible: for tests only, never for real releases.
  tessera privacy epsilon --rho R --delta D
      prints the ε such that ρ-zCDP implies (ε, δ)-DP (Canonne-Kamath-Steinke 2020, Cor. 13).
  tessera privacy epsilon --epsilon E --delta D --sensitivity S
      prints the discrete Gaussian σ for (ε, δ)-DP with L2 sensitivity S.
`;

class UsageError extends Error {}

type Flags = Map<string, string>;

function parseFlags(args: string[], allowed: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`unknown flag --${name}`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (flags.has(name)) throw new UsageError(`--${name} given more than once`);
    flags.set(name, value);
  }
  return flags;
}

function required(flags: Flags, name: string): string {
  const v = flags.get(name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  if (v.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return v;
}

function positiveRational(flags: Flags, name: string): Rational {
  const text = required(flags, name);
  let r: Rational;
  try {
    r = parseRational(text);
  } catch {
    throw new UsageError(`--${name} must be a number, got "${text}"`);
  }
  if (r.num <= 0n) throw new UsageError(`--${name} must be > 0, got "${text}"`);
  return r;
}

function finiteNumber(flags: Flags, name: string, check: (x: number) => boolean, what: string): number {
  const text = required(flags, name);
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${what}, got "${text}"`);
  return x;
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

async function sample(args: string[], io: PrivacyIo): Promise<number> {
  const flags = parseFlags(args, ['mechanism', 'scale', 'count', 'seed']);
  const mechanism = required(flags, 'mechanism');
  if (mechanism !== 'discrete-gaussian' && mechanism !== 'discrete-laplace') {
    throw new UsageError(`--mechanism must be discrete-gaussian or discrete-laplace, got "${mechanism}"`);
  }
  const scale = positiveRational(flags, 'scale');
  const count = finiteNumber(flags, 'count', (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  const seed = flags.get('seed');
  if (seed !== undefined) {
    try {
      parseHexSeed(seed);
    } catch {
      throw new UsageError(`--seed must be an even-length hex string, got "${seed}"`);
    }
    await write(io.stderr, 'warning: --seed makes the noise predictable; use it for tests only\n');
  }
  const opts = seed === undefined ? {} : { seed };
  const sampler: IntegerSampler =
    mechanism === 'discrete-gaussian' ? new DiscreteGaussianSampler({ sigma: scale }, opts) : new DiscreteLaplaceSampler(scale, opts);
  const CHUNK = 8192;
  for (let done = 0; done < count; ) {
    const n = Math.min(CHUNK, count - done);
    const lines = sampler.sampleBigInt(n).join('\n') + '\n';
    await write(io.stdout, lines);
    done += n;
  }
  return 0;
}

async function epsilon(args: string[], io: PrivacyIo): Promise<number> {
  const flags = parseFlags(args, ['rho', 'delta', 'epsilon', 'sensitivity']);
  const delta = finiteNumber(flags, 'delta', (x) => x > 0 && x < 1, 'in (0, 1)');
  if (flags.has('rho') && (flags.has('epsilon') || flags.has('sensitivity'))) {
    throw new UsageError(`--rho cannot be combined with --${flags.has('epsilon') ? 'epsilon' : 'sensitivity'}`);
  }
  if (flags.has('rho')) {
    const rho = finiteNumber(flags, 'rho', (x) => x >= 0, 'a number >= 0');
    await write(io.stdout, `${zcdpToEpsilon(rho, delta)}\n`);
    return 0;
  }
  if (!flags.has('epsilon')) throw new UsageError('--rho or --epsilon is required');
  const eps = finiteNumber(flags, 'epsilon', (x) => x > 0, 'a number > 0');
  const sensitivity = finiteNumber(flags, 'sensitivity', (x) => x > 0, 'a number > 0');
  await write(io.stdout, `${calibrateGaussianSigma({ epsilon: eps, delta, l2Sensitivity: sensitivity })}\n`);
  return 0;
}

/** Entry point for `tessera privacy ...`; argv excludes the word `privacy`. Returns the exit code. */
export async function privacyCommand(argv: string[], io: PrivacyIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      await write(sub === undefined ? io.stderr : io.stdout, USAGE);
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'sample') return await sample(rest, io);
    if (sub === 'epsilon') return await epsilon(rest, io);
    throw new UsageError(`unknown subcommand "${sub}" (expected sample or epsilon)`);
  } catch (err) {
    if (err instanceof UsageError) {
      await write(io.stderr, `tessera privacy: ${err.message}\n${USAGE}`);
      return 2;
    }
    await write(io.stderr, `tessera privacy: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
