import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { RunningService } from '@tessera/common';
import { startEmbeddedPostgres } from '@tessera/db';
import { createInProcessBus } from '@tessera/bus';
import { detectFormat } from '@tessera/formats';
import { federationV1, ingestionV1 } from '@tessera/proto';
import type { CommandIo } from '../main';
import { embeddedNodeTls } from '../embedded-pki';
import { mergeSmallStores, runRound, splitDataset, STATUS_NAMES, uploadToIngestion, type InputFormat } from '../embedded-round';
import { startEmbeddedObjectStorage } from '../embedded-s3';
import { dataWindow, statisticsConfig, statisticsOutput, topItemsOf, type StatisticsKind } from '../statistics-round';

const USAGE = `usage: tessera round [--kind itemsets] --dataset FILE [--format spmf|seed-csv|seed-json|lineitem-csv] --stores N [--split round-robin|country]
                     --epsilon E --min-util P% [--k K] [--top N] [--max-length L] [--top-m M] [--json]
       tessera round --kind demand-series|price-response --dataset FILE [--format ...] --stores N [--split ...]
                     [--period day|week|month] [--items TOP_N] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                     [--max-quantity Q] [--max-revenue CENTS] --epsilon E [--json]
Runs one federated round on embedded defaults: splits FILE into N store nodes, runs the
whole protocol (itemsets: proposals with a k-store threshold, private clip calibration;
every kind: distributed discrete Gaussian noise, secure aggregation) and prints the top
global patterns, the per-item, per-period demand series, or the per-item price elasticities.
The statistics kinds' catalogue is the file's TOP_N items by revenue (default 20) and
their window the stores' first to last day.
`;

function fail(io: CommandIo, message: string): number {
  io.stderr.write(`tessera round: ${message}\n\n${USAGE}`);
  return 2;
}

/** `tessera round`: one complete federated round in this process, from a file. */
export async function roundCommand(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        format: { type: 'string' },
        stores: { type: 'string', default: '5' },
        split: { type: 'string', default: 'round-robin' },
        epsilon: { type: 'string', default: '4' },
        'min-util': { type: 'string', default: '0%' },
        k: { type: 'string' },
        top: { type: 'string', default: '20' },
        'max-length': { type: 'string', default: '3' },
        'top-m': { type: 'string', default: '600' },
        json: { type: 'boolean', default: false },
        kind: { type: 'string', default: 'itemsets' },
        period: { type: 'string', default: 'week' },
        items: { type: 'string', default: '20' },
        from: { type: 'string' },
        to: { type: 'string' },
        'max-quantity': { type: 'string' },
        'max-revenue': { type: 'string' },
      },
    }));
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  if (!values.dataset) return fail(io, '--dataset is required');
  const kind = values.kind!;
  if (kind !== 'itemsets' && kind !== 'demand-series' && kind !== 'price-response') return fail(io, '--kind must be itemsets, demand-series or price-response');
  if (!['day', 'week', 'month'].includes(values.period!)) return fail(io, '--period must be day, week or month');
  const items = Number(values.items);
  if (!Number.isInteger(items) || items < 1 || items > 1000) return fail(io, '--items must be an integer from 1 to 1000');
  const maxQuantity = values['max-quantity'] === undefined ? undefined : Number(values['max-quantity']);
  const maxRevenueCents = values['max-revenue'] === undefined ? undefined : Number(values['max-revenue']);
  if ((maxQuantity !== undefined && !(maxQuantity > 0)) || (maxRevenueCents !== undefined && !(maxRevenueCents > 0))) return fail(io, '--max-quantity and --max-revenue must be positive numbers');
  const stores = Number(values.stores);
  if (!Number.isInteger(stores) || stores < 2 || stores > 100) return fail(io, '--stores must be an integer from 2 to 100');
  if (values.split !== 'round-robin' && values.split !== 'country') return fail(io, '--split must be round-robin or country');
  const epsilon = Number(values.epsilon);
  if (!(epsilon > 0 && epsilon <= 20)) return fail(io, '--epsilon must be in (0, 20]');
  const minUtil = /^(\d+(?:\.\d+)?)%$/.exec(values['min-util']!);
  if (!minUtil) return fail(io, '--min-util must be a percentage such as 0.5%');
  const top = Number(values.top);
  const maxLength = Number(values['max-length']);
  const topM = Number(values['top-m']);
  if (!(top >= 1) || !(maxLength >= 1 && maxLength <= 20) || !(topM >= 1)) return fail(io, '--top, --max-length and --top-m must be positive integers');

  let text: string;
  try {
    text = readFileSync(values.dataset, 'utf8');
  } catch (error) {
    return fail(io, `cannot read ${values.dataset}: ${(error as Error).message}`);
  }
  const format = (values.format ?? detectFormat(values.dataset, text.slice(0, text.indexOf('\n')))) as InputFormat | undefined;
  if (!format || !['spmf', 'seed-csv', 'seed-json', 'lineitem-csv'].includes(format)) return fail(io, 'cannot tell the format; pass --format');
  let files: Map<string, string>;
  try {
    files = splitDataset(text, format, stores, values.split);
    if (values.split === 'country') files = mergeSmallStores(files, stores - 1, text.slice(0, text.indexOf('\n')).trim());
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  const storeIds = [...files.keys()].sort();
  const k = values.k ? Number(values.k) : Math.min(5, storeIds.length);
  const say = (line: string) => {
    if (!values.json) io.stdout.write(line + '\n');
    else io.stderr.write(line + '\n');
  };

  const database = await startEmbeddedPostgres();
  // The uploads are kept in a throwaway s3rver bucket (ingestion writes every file to one before parsing).
  const objectDir = mkdtempSync(join(tmpdir(), 'tessera-round-s3-'));
  const objectStorage = await startEmbeddedObjectStorage({ directory: objectDir });
  const bus = createInProcessBus();
  const running: RunningService[] = [];
  // The node links over mTLS as deployed, with a throwaway CA removed at the end.
  const pkiDir = mkdtempSync(join(tmpdir(), 'tessera-round-pki-'));
  const env = { ...objectStorage.env, DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4', BUS_DRIVER: 'memory', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'tessera-round-embedded-customer-key-0000' };
  try {
    const nodeTls = await embeddedNodeTls(join(pkiDir, 'pki'), storeIds);
    const { startIngestionService } = await import('@tessera/ingestion-service');
    const { startMiningService } = await import('@tessera/mining-service');
    const { startFederationService } = await import('@tessera/federation-service');
    const { startPrivacyService } = await import('@tessera/privacy-service');
    const ingestion = await startIngestionService({ ...env, POS_CONSUMER_ENABLED: 'false' }, { bus });
    running.push(ingestion);
    const mining = await startMiningService({ ...env, INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}` }, { bus });
    running.push(mining);
    const federation = await startFederationService({ ...env, NODE_GRPC_PORT: '0', ...nodeTls.hub }, { bus });
    running.push(federation);

    const ingestionClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
    say(`splitting ${values.dataset} (${format}) into ${storeIds.length} stores (${values.split})`);
    for (const storeId of storeIds) {
      const file = await uploadToIngestion(ingestionClient, storeId, files.get(storeId)!, format);
      say(`  ${storeId.padEnd(28)} ${String(file.transactionCount).padStart(6)} transactions${Number(file.rejected) ? `, ${file.rejected} rows rejected` : ''}`);
    }
    ingestionClient.close();

    // The hub dialled by name (its certificate names localhost): TLS sends no IP address as a server name.
    const privacy = await startPrivacyService(
      { ...env, MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`, FEDERATION_HUB_URL: `localhost:${federation.nodePort}`, FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`, FEDERATION_STORE_IDS: storeIds.join(','), ...nodeTls.node },
      { bus },
    );
    running.push(privacy);
    const deadline = Date.now() + 30_000;
    while (federation.registry.connected().length < storeIds.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
    const minStores = Math.max(2, Math.ceil(storeIds.length * 0.7));
    const started = Date.now();
    if (kind !== 'itemsets') {
      const { skus, referencePricesCents } = await topItemsOf(text, format, items);
      const windowClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
      const window = await dataWindow(windowClient, storeIds).finally(() => windowClient.close());
      const config = statisticsConfig(kind, { minStores, epsilon, storeIds, skus, referencePricesCents, period: values.period!, fromDate: values.from ?? window.fromDate, toDate: values.to ?? window.toDate, maxQuantity, maxRevenueCents });
      const { round } = await runRound(coordinator, config, (r) => say(`round ${r.roundId.slice(0, 8)}: ${STATUS_NAMES[r.status]}`), 0);
      if (round.status === federationV1.RoundStatus.ROUND_STATUS_FAILED) {
        coordinator.close();
        io.stderr.write(`the round failed: ${round.failureReason}\n`);
        return 1;
      }
      const output = await statisticsOutput(coordinator, kind, round.roundId);
      coordinator.close();
      if (values.json) io.stdout.write(JSON.stringify(output) + '\n');
      else printStatistics(say, kind, output, (Date.now() - started) / 1000, epsilon);
      return 0;
    }
    const summary = await runRound(
      coordinator,
      federationV1.RoundConfig.fromPartial({ minStores, epsilon, delta: 1e-5, kThreshold: k, minUtilityFraction: Number(minUtil[1]) / 100, maxPatternLength: maxLength, topM, stageTimeoutSeconds: 120, storeIds }),
      (round) => say(`round ${round.roundId.slice(0, 8)}: ${STATUS_NAMES[round.status]}${round.candidateCount ? ` (${round.candidateCount} candidates)` : ''}`),
      top,
    );
    coordinator.close();
    const { round, patterns, subsetSupports } = summary;
    if (round.status === federationV1.RoundStatus.ROUND_STATUS_FAILED) {
      io.stderr.write(`the round failed: ${round.failureReason}\n`);
      return 1;
    }
    const participants = round.participants.filter((p) => p.state === 'contributed').length;
    if (values.json) {
      io.stdout.write(
        JSON.stringify({
          round: round.roundId,
          participants,
          epsilon,
          candidates: round.candidateCount,
          patterns: patterns.map((p) => ({ items: p.items, aggregatedUtility: p.aggregatedUtilityCents, globalSupport: p.globalSupport, contributingStores: p.contributingStores, interval: [p.intervalLowCents, p.intervalHighCents] })),
          // What bundles' support, confidence and lift need: the noisy transaction count and the
          // supports of the published bundles' parts that are not patterns, with the support σ.
          transactions: { count: round.transactionCount, sigma: round.transactionCountSigma },
          supportSigma: round.supportSigma,
          subsetSupports: subsetSupports.map((s) => ({ items: s.items, support: s.support, interval: [s.supportLow95, s.supportHigh95] })),
        }) + '\n',
      );
    } else {
      say(`completed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${participants} stores contributed, ${round.candidateCount} candidates, ${round.patternCount} global patterns (epsilon ${epsilon} per store)`);
      say('');
      say(`${'rank'.padStart(4)}  ${'utility'.padStart(14)}  ${'95% interval'.padStart(27)}  ${'support'.padStart(8)}  items`);
      for (const p of patterns) say(`${String(p.rank).padStart(4)}  ${p.aggregatedUtilityCents.toFixed(0).padStart(14)}  ${`[${p.intervalLowCents.toFixed(0)}, ${p.intervalHighCents.toFixed(0)}]`.padStart(27)}  ${p.globalSupport.toFixed(0).padStart(8)}  ${p.items.join(' ')}`);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`tessera round: ${(error as Error).message}\n`);
    return 1;
  } finally {
    for (const service of running.reverse()) await service.close().catch(() => undefined);
    await bus.close();
    await database.stop();
    rmSync(pkiDir, { recursive: true, force: true });
    await objectStorage.stop().catch(() => undefined);
    rmSync(objectDir, { recursive: true, force: true });
  }
}

function printStatistics(say: (line: string) => void, kind: StatisticsKind, output: Record<string, unknown>, seconds: number, epsilon: number) {
  say(`completed in ${seconds.toFixed(1)} s (epsilon ${epsilon} per store); 95% intervals from the known noise scale`);
  say('');
  if (kind === 'demand-series') {
    say(`${'sku'.padEnd(12)}  ${'period'.padEnd(10)}  ${'quantity'.padStart(10)}  ${'interval'.padStart(22)}  ${'revenue'.padStart(12)}`);
    for (const p of output.series as { sku: string; period: string; quantity: number; revenue: number; interval: { quantity: number[] } }[]) {
      say(`${p.sku.padEnd(12)}  ${p.period.padEnd(10)}  ${p.quantity.toFixed(0).padStart(10)}  ${`[${p.interval.quantity[0].toFixed(0)}, ${p.interval.quantity[1].toFixed(0)}]`.padStart(22)}  ${p.revenue.toFixed(0).padStart(12)}`);
    }
    return;
  }
  say(`${'sku'.padEnd(12)}  ${'elasticity'.padStart(10)}  ${'95% interval'.padStart(20)}  ${'observations'.padStart(12)}`);
  for (const e of output.elasticities as { sku: string; elasticity: number | null; interval: (number | null)[]; observations: number }[]) {
    const value = e.elasticity === null ? 'no fit' : e.elasticity.toFixed(3);
    const interval = e.interval[0] === null ? '' : `[${e.interval[0]!.toFixed(3)}, ${e.interval[1]!.toFixed(3)}]`;
    say(`${e.sku.padEnd(12)}  ${value.padStart(10)}  ${interval.padStart(20)}  ${e.observations.toFixed(0).padStart(12)}`);
  }
}
