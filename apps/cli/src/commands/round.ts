import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { RunningService } from '@tessera/common';
import { startEmbeddedPostgres } from '@tessera/db';
import { createInProcessBus } from '@tessera/bus';
import { detectFormat } from '@tessera/formats';
import { federationV1, ingestionV1 } from '@tessera/proto';
import type { CommandIo } from '../main';
import { mergeSmallStores, runRound, splitDataset, STATUS_NAMES, uploadToIngestion, type InputFormat } from '../embedded-round';

const USAGE = `usage: tessera round --dataset FILE [--format spmf|seed-csv|seed-json|lineitem-csv] --stores N [--split round-robin|country]
                     --epsilon E --min-util P% [--k K] [--top N] [--max-length L] [--top-m M] [--json]
Runs one federated round on embedded defaults: splits FILE into N store nodes, runs the
whole protocol (proposals with a k-store threshold, private clip calibration, distributed
discrete Gaussian noise, secure aggregation) and prints the top global patterns.
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
      },
    }));
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  if (!values.dataset) return fail(io, '--dataset is required');
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
  const bus = createInProcessBus();
  const running: RunningService[] = [];
  const env = { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4', BUS_DRIVER: 'memory', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'tessera-round-embedded-customer-key-0000' };
  try {
    const { startIngestionService } = await import('@tessera/ingestion-service');
    const { startMiningService } = await import('@tessera/mining-service');
    const { startFederationService } = await import('@tessera/federation-service');
    const { startPrivacyService } = await import('@tessera/privacy-service');
    const ingestion = await startIngestionService({ ...env, POS_CONSUMER_ENABLED: 'false' }, { bus });
    running.push(ingestion);
    const mining = await startMiningService({ ...env, INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}` }, { bus });
    running.push(mining);
    const federation = await startFederationService({ ...env, NODE_GRPC_PORT: '0' }, { bus });
    running.push(federation);

    const ingestionClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
    say(`splitting ${values.dataset} (${format}) into ${storeIds.length} stores (${values.split})`);
    for (const storeId of storeIds) {
      const file = await uploadToIngestion(ingestionClient, storeId, files.get(storeId)!, format);
      say(`  ${storeId.padEnd(28)} ${String(file.transactionCount).padStart(6)} transactions${Number(file.rejected) ? `, ${file.rejected} rows rejected` : ''}`);
    }
    ingestionClient.close();

    const privacy = await startPrivacyService(
      { ...env, MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`, FEDERATION_HUB_URL: `127.0.0.1:${federation.nodePort}`, FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`, FEDERATION_STORE_IDS: storeIds.join(',') },
      { bus },
    );
    running.push(privacy);
    const deadline = Date.now() + 30_000;
    while (federation.registry.connected().length < storeIds.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
    const minStores = Math.max(2, Math.ceil(storeIds.length * 0.7));
    const started = Date.now();
    const summary = await runRound(
      coordinator,
      federationV1.RoundConfig.fromPartial({ minStores, epsilon, delta: 1e-5, kThreshold: k, minUtilityFraction: Number(minUtil[1]) / 100, maxPatternLength: maxLength, topM, stageTimeoutSeconds: 120, storeIds }),
      (round) => say(`round ${round.roundId.slice(0, 8)}: ${STATUS_NAMES[round.status]}${round.candidateCount ? ` (${round.candidateCount} candidates)` : ''}`),
      top,
    );
    coordinator.close();
    const { round, patterns } = summary;
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
  }
}
