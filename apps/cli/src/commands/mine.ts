/**
 * `tessera mine`: mine high-utility itemsets from a transaction file.
 *
 *   tessera mine --input FILE [--format spmf|seed-csv|seed-json|lineitem-csv]
 *                (--min-util N | --min-util P% | --top-k K) [--max-length L] [--min-support F]
 *                [--threads T] [--output FILE] [--output-format spmf|csv|json] [--stats]
 *
 * Exit codes: 0 ok, 1 runtime error (unreadable or invalid input, ...), 2 bad arguments.
 */
import * as fs from 'node:fs';
import { DatabaseBuilder, mine, mineParallel, MiningPool, readSpmf } from '@tessera/huim';
import type { MineOptions, MineResult, UtilityDatabase } from '@tessera/huim';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const FORMATS = ['spmf', 'seed-csv', 'seed-json', 'lineitem-csv'] as const;
const OUTPUT_FORMATS = ['spmf', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const MINE_USAGE = `usage: tessera mine --input FILE [--format spmf|seed-csv|seed-json|lineitem-csv]
                   (--min-util N | --min-util P% | --top-k K) [--max-length L]
                   [--min-support F] [--threads T] [--output FILE]
                   [--output-format spmf|csv|json] [--stats]

  --input FILE          transaction file ("-" for stdin)
  --format F            input format (default spmf)
  --min-util N | P%     minimum utility, absolute or percent of the total utility
  --top-k K             the K itemsets of highest utility (ties at the K-th included)
  --max-length L        at most L items per itemset
  --min-support F       minimum support as a fraction of the transactions (0..1)
  --threads T           mining threads (default 1)
  --output FILE         write itemsets to FILE (default stdout)
  --output-format F     spmf ("1 2 3 #UTIL: 42", default), csv or json
  --stats               print {"ms","peakRssMb","itemsets","transactions"} as JSON on stderr
`;

class UsageError extends Error {}

interface Args {
  input: string;
  format: Format;
  minUtil?: number | string;
  topK?: number;
  maxLength?: number;
  minSupport?: number;
  threads: number;
  output?: string;
  outputFormat: OutputFormat;
  stats: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Partial<Args> & { threads: number; format: Format; outputFormat: OutputFormat; stats: boolean; help: boolean } = {
    threads: 1,
    format: 'spmf',
    outputFormat: 'spmf',
    stats: false,
    help: false,
  };
  const args = argv[0] === 'mine' ? argv.slice(1) : argv.slice();
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    let flag = args[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const need = (): string => {
      if (value !== undefined) return value;
      const v = args[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (seen.has(flag) && flag !== '--stats') throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    switch (flag) {
      case '--help':
      case '-h':
        a.help = true;
        break;
      case '--input':
        a.input = need();
        break;
      case '--format': {
        const v = need();
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${v}"`);
        a.format = v as Format;
        break;
      }
      case '--min-util': {
        const v = need().trim();
        if (/^\d+(\.\d+)?%$/.test(v)) a.minUtil = v;
        else if (/^\d+(\.\d+)?$/.test(v)) a.minUtil = Number(v);
        else throw new UsageError(`--min-util must be a non-negative number or a percentage like 0.5%, got "${v}"`);
        break;
      }
      case '--top-k':
        a.topK = positiveInt(flag, need());
        break;
      case '--max-length':
        a.maxLength = positiveInt(flag, need());
        break;
      case '--min-support': {
        const v = need();
        const f = Number(v);
        if (!/^\d*\.?\d+(e-?\d+)?$/i.test(v) || !(f >= 0 && f <= 1)) throw new UsageError(`--min-support must be a fraction between 0 and 1, got "${v}"`);
        a.minSupport = f;
        break;
      }
      case '--threads':
        a.threads = positiveInt(flag, need());
        break;
      case '--output':
        a.output = need();
        break;
      case '--output-format': {
        const v = need();
        if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) throw new UsageError(`--output-format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${v}"`);
        a.outputFormat = v as OutputFormat;
        break;
      }
      case '--stats':
        a.stats = true;
        break;
      default:
        throw new UsageError(`unknown argument "${args[i]}"`);
    }
  }
  if (a.help) return a as Args;
  if (!a.input) throw new UsageError('--input FILE is required');
  if ((a.minUtil === undefined) === (a.topK === undefined)) throw new UsageError('give exactly one of --min-util and --top-k');
  return a as Args;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
  return Number(v);
}

/**
 * Shape of the streaming parsers of @tessera/formats. Loaded at run time so that the SPMF
 * path never depends on that package; the transaction is read from `transaction` (current
 * package) or `tx` (the shape first announced).
 */
interface FormatsLine {
  sku: string;
  utilityCents: number;
}
type FormatsTx = { line: number; transactionId: string; lines: FormatsLine[] };
type FormatsEvent = { kind: 'transaction'; transaction?: FormatsTx; tx?: FormatsTx } | { kind: 'error'; error: { line: number; field: string; reason: string } };
type ParseTransactions = (input: AsyncIterable<Buffer | string>, format: string) => AsyncIterable<FormatsEvent>;

function loadParseTransactions(): ParseTransactions | undefined {
  try {
    const mod = require('@tessera/formats') as { parseTransactions?: ParseTransactions };
    return typeof mod.parseTransactions === 'function' ? mod.parseTransactions : undefined;
  } catch {
    return undefined;
  }
}

async function readInput(args: Args, io: CommandIo): Promise<UtilityDatabase> {
  if (args.format === 'spmf') {
    if (args.input === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return readSpmf(Buffer.concat(chunks));
    }
    return readSpmf(args.input);
  }
  const parse = loadParseTransactions();
  if (!parse) throw new UsageError(`--format ${args.format} is not yet supported (needs parseTransactions from @tessera/formats); use --format spmf`);
  const builder = new DatabaseBuilder();
  const stream: AsyncIterable<Buffer | string> = args.input === '-' ? process.stdin : fs.createReadStream(args.input);
  let errors = 0;
  for await (const ev of parse(stream, args.format)) {
    if (ev.kind === 'error') {
      errors++;
      if (errors <= 20) io.stderr.write(`${args.input}:${ev.error.line}: ${ev.error.field}: ${ev.error.reason} (record skipped)\n`);
      continue;
    }
    const tx = ev.transaction ?? ev.tx;
    if (!tx) continue;
    builder.add(
      tx.lines.map((l) => l.sku),
      tx.lines.map((l) => l.utilityCents),
    );
  }
  if (errors > 20) io.stderr.write(`${errors} invalid records skipped in total\n`);
  return builder.build();
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function* renderChunks(result: MineResult, format: OutputFormat): Generator<string> {
  // Written from the flat result: no per-itemset objects, one string per distinct item.
  const f = result.flat;
  const keyOf = (d: number) => f.dictionary.keyOf(d);
  const n = f.count;
  const nT = f.nTransactions;
  const names: string[] = new Array(f.dictionary.size);
  for (let d = 0; d < names.length; d++) names[d] = format === 'json' ? JSON.stringify(keyOf(d)) : String(keyOf(d));
  const sep = format === 'json' ? ',' : ' ';
  const itemsText = (x: number): string => {
    let s = '';
    for (let p = f.offsets[x], e = f.offsets[x + 1]; p < e; p++) s += (p === f.offsets[x] ? '' : sep) + names[f.items[p]];
    return s;
  };
  const CHUNK = 4096;
  if (format === 'json') yield '[';
  if (format === 'csv') yield 'items,utility,support,support_ratio,confidence\n';
  for (let s0 = 0; s0 < n; s0 += CHUNK) {
    const parts: string[] = [];
    for (let x = s0; x < Math.min(n, s0 + CHUNK); x++) {
      const sup = f.support[x];
      const ratio = nT > 0 ? sup / nT : 0;
      if (format === 'spmf') parts.push(`${itemsText(x)} #UTIL: ${f.utility[x]}\n`);
      else if (format === 'csv') parts.push(`${csvField(itemsText(x))},${f.utility[x]},${sup},${ratio},${f.confidence[x]}\n`);
      else
        parts.push(
          `${x === 0 ? '\n' : ',\n'}{"items":[${itemsText(x)}],"utility":${f.utility[x]},"support":${sup},"supportRatio":${ratio},"confidence":${f.confidence[x]}}`,
        );
    }
    yield parts.join('');
  }
  if (format === 'json') yield n ? '\n]\n' : ']\n';
}

async function writeAll(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const c of chunks) {
    if (!stream.write(c)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}

function progressBar(stderr: NodeJS.WritableStream): { update: (done: number, total: number) => void; clear: () => void } {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - start < 1000 || now - last < 100) return; // only for long runs, at most 10/s
      last = now;
      shown = true;
      const width = 30;
      const f = total > 0 ? done / total : 1;
      const bar = '#'.repeat(Math.round(f * width)).padEnd(width, '.');
      stderr.write(`\r[${bar}] ${done}/${total} branches ${((now - start) / 1000).toFixed(1)}s`);
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
    },
  };
}

/** Entry point; returns the process exit code. */
export async function mineCommand(argv: string[], io: CommandIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`tessera mine: ${e.message}\n\n${MINE_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.stdout.write(MINE_USAGE);
    return 0;
  }
  const t0 = performance.now();
  const bar = progressBar(io.stderr);
  // worker threads start while the input is read (the calling thread mines too)
  const pool = args.threads > 1 ? new MiningPool(args.threads - 1) : undefined;
  try {
    const db = await readInput(args, io);
    const options: MineOptions = { maxLength: args.maxLength, minSupport: args.minSupport, onProgress: bar.update, patterns: false };
    if (args.topK !== undefined) options.topK = args.topK;
    else options.minUtility = args.minUtil;
    const result = pool ? await mineParallel(db, { ...options, threads: args.threads, pool }) : mine(db, options);
    bar.clear();
    const chunks = renderChunks(result, args.outputFormat);
    if (args.output) {
      const out = fs.createWriteStream(args.output);
      const done = new Promise<void>((resolve, reject) => {
        out.once('finish', resolve);
        out.once('error', reject);
      });
      await writeAll(out, chunks);
      out.end();
      await done;
    } else {
      await writeAll(io.stdout, chunks);
      await new Promise<void>((resolve) => io.stdout.write('', () => resolve()));
    }
    if (args.stats) {
      const ms = performance.now() - t0;
      const peakRssMb = process.resourceUsage().maxRSS / 1024;
      io.stderr.write(
        JSON.stringify({ ms: Math.round(ms * 10) / 10, peakRssMb: Math.round(peakRssMb * 10) / 10, itemsets: result.flat.count, transactions: db.nTransactions }) + '\n',
      );
    }
    return 0;
  } catch (e) {
    bar.clear();
    if (e instanceof UsageError) {
      io.stderr.write(`tessera mine: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`tessera mine: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    if (pool) await pool.close();
  }
}
