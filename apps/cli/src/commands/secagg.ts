/**
 * `tessera secagg …` — secure aggregation tooling (libs/secagg: Bonawitz et al., CCS 2017, with
 * the optional SecAgg+ graph of Bell et al., CCS 2020).
 *
 *   tessera secagg bench --clients N --length L --dropout F [--neighbours K] [--threshold T]
 *                        [--drop-stage advertise|share|masked|consistency] [--no-consistency]
 *
 * Runs one whole round in memory and prints one JSON line
 *   {"clients":…,"length":…,"dropout":…,"serverMs":…,"clientMsMedian":…,"correct":true|false, …extras}
 * serverMs is the server's total compute across stages; clientMsMedian the median, over the
 * clients that completed the round, of each client's total compute across stages; correct
 * compares the unmasked sum with the true sum of the contributors' inputs. Exit code 0 if
 * correct, 1 if not (or the round failed, e.g. too few survivors), 2 on usage errors.
 */
import { DropPoint, simulateRound, simulationThreshold } from '@tessera/secagg';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: tessera secagg bench --clients N --length L --dropout F [options]

Runs a complete secure-aggregation round in memory and prints one JSON line.

options:
  --clients N        number of clients (default 100)
  --length L         uint32 entries per vector (default 10000)
  --dropout F        fraction of clients dropping out, 0 ≤ F < 1 (default 0.3)
  --drop-stage S     when they drop: advertise | share | masked | consistency (default share:
                     after sending their key shares, before their masked input — the costliest
                     case for the server, whose unmasking must recompute their pairwise masks)
  --neighbours K     use the SecAgg+ graph with degree K (default: complete graph)
  --threshold T      Shamir threshold (default: majority of n; with --neighbours, the t that
                     balances privacy and dropout-robustness for 10% corrupted clients)
  --no-consistency   skip the ConsistencyCheck round (semi-honest server only)
`;

const STAGES: Record<string, DropPoint> = {
  advertise: 'afterAdvertise',
  share: 'afterShareKeys',
  masked: 'afterMaskedInput',
  consistency: 'afterConsistency',
};

class UsageError extends Error {}

function parseFlags(argv: string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === '--no-consistency' || a === '--help') flags.set(a.slice(2), true);
    else {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  return flags;
}

function intFlag(flags: Map<string, string | true>, name: string, dflt: number | undefined, min: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return n;
}

export async function secaggCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === 'help' || sub === '-h') {
    io.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'bench') {
    io.stderr.write(`unknown secagg subcommand ${JSON.stringify(sub)}\n${USAGE}`);
    return 2;
  }
  let clients: number, length: number, dropout: number, neighbours: number | undefined, threshold: number, dropStage: DropPoint, consistencyCheck: boolean;
  try {
    const flags = parseFlags(rest);
    if (flags.has('help')) {
      io.stdout.write(USAGE);
      return 0;
    }
    const known = new Set(['clients', 'length', 'dropout', 'neighbours', 'threshold', 'drop-stage', 'no-consistency']);
    for (const k of flags.keys()) if (!known.has(k)) throw new UsageError(`unknown option --${k}`);
    clients = intFlag(flags, 'clients', 100, 2)!;
    length = intFlag(flags, 'length', 10000, 1)!;
    const d = flags.get('dropout') ?? '0.3';
    dropout = Number(d);
    if (typeof d !== 'string' || !Number.isFinite(dropout) || dropout < 0 || dropout >= 1) throw new UsageError('--dropout must be a number in [0, 1)');
    neighbours = intFlag(flags, 'neighbours', undefined, 1);
    const stage = flags.get('drop-stage') ?? 'share';
    if (typeof stage !== 'string' || !(stage in STAGES)) throw new UsageError(`--drop-stage must be one of ${Object.keys(STAGES).join(', ')}`);
    dropStage = STAGES[stage];
    consistencyCheck = !flags.has('no-consistency');
    const dropoutSpec = { [dropStage]: dropout };
    threshold = intFlag(flags, 'threshold', undefined, 2) ?? simulationThreshold({ clients, neighbours, dropout: dropoutSpec });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }

  let r;
  try {
    r = simulateRound({ clients, length, threshold, neighbours, consistencyCheck, dropout: { [dropStage]: dropout } });
  } catch (e) {
    // Invalid parameter combinations (e.g. threshold larger than the committee) are usage errors.
    if (e instanceof Error && 'code' in e && (e as { code: unknown }).code === 'INVALID_CONFIG') {
      io.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const round = (x: number): number => Math.round(x * 10) / 10;
  const line: Record<string, unknown> = {
    clients,
    length,
    dropout,
    serverMs: round(r.serverMs),
    clientMsMedian: round(r.clientMsMedian),
    correct: r.correct,
    dropStage,
    neighbours: neighbours ?? null,
    threshold,
    consistencyCheck,
    contributors: r.result?.contributors.length ?? 0,
    clientMsMax: round(r.clientMsMax),
    serverStageMs: r.serverStageMs.map((x) => round(x ?? 0)),
  };
  if (r.error) line.error = { code: r.error.code, message: r.error.message };
  io.stdout.write(JSON.stringify(line) + '\n');
  return r.correct ? 0 : 1;
}
