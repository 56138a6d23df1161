import * as grpc from '@grpc/grpc-js';
import { federationV1, ingestionV1 } from '@tessera/proto';

export type InputFormat = 'spmf' | 'seed-csv' | 'seed-json' | 'lineitem-csv';

const FORMAT_CODES: Record<InputFormat, ingestionV1.FileFormat> = {
  spmf: ingestionV1.FileFormat.FILE_FORMAT_SPMF,
  'seed-csv': ingestionV1.FileFormat.FILE_FORMAT_SEED_CSV,
  'seed-json': ingestionV1.FileFormat.FILE_FORMAT_SEED_JSON,
  'lineitem-csv': ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV,
};

/** Uploads one store's file through ingestion's gRPC client stream, as the gateway does. */
export function uploadToIngestion(client: ingestionV1.IngestionServiceClient, storeId: string, content: string, format: InputFormat): Promise<ingestionV1.FileSummary> {
  return new Promise((resolve, reject) => {
    const call = client.uploadFile((error, response) => (error ? reject(error) : resolve(response.file!)));
    call.write({ part: { $case: 'header', value: { storeId, fileName: `${storeId}.${format === 'seed-json' ? 'json' : 'txt'}`, format: FORMAT_CODES[format], requestId: 'tessera-cli', mode: '' } } });
    const bytes = Buffer.from(content);
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) call.write({ part: { $case: 'chunk', value: bytes.subarray(offset, offset + 64 * 1024) } });
    call.write({ part: { $case: 'end', value: { bytes: String(bytes.length) } } });
    call.end();
  });
}

/** The Country column of a line-item CSV row (the last field; descriptions may hold quoted commas). */
function countryOf(row: string): string {
  return row.slice(row.lastIndexOf(',') + 1).trim() || 'unknown';
}

/**
 * Splits a transaction file into per-store files in the same format: round-robin by
 * transaction (line-item rows stay with their invoice), or by the Country column of a
 * line-item CSV (one store per country).
 */
export function splitDataset(text: string, format: InputFormat, stores: number, split: 'round-robin' | 'country'): Map<string, string> {
  const out = new Map<string, string[]>();
  const add = (storeId: string, line: string, header?: string) => {
    let lines = out.get(storeId);
    if (!lines) out.set(storeId, (lines = header === undefined ? [] : [header]));
    lines.push(line);
  };
  if (split === 'country' && format !== 'lineitem-csv') throw new Error('--split country needs a line-item CSV (it has a Country column)');
  if (format === 'seed-json') {
    const records = JSON.parse(text) as unknown[];
    if (!Array.isArray(records)) throw new Error('a seed JSON file is an array of transactions');
    const byStore = new Map<string, unknown[]>();
    records.forEach((record, i) => {
      const storeId = `store-${(i % stores) + 1}`;
      byStore.set(storeId, [...(byStore.get(storeId) ?? []), record]);
    });
    return new Map([...byStore].map(([storeId, list]) => [storeId, JSON.stringify(list)]));
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const header = format === 'seed-csv' || format === 'lineitem-csv' ? lines.shift()! : undefined;
  if (format === 'lineitem-csv') {
    const invoiceIndex = new Map<string, number>();
    for (const row of lines) {
      const invoice = row.slice(0, row.indexOf(','));
      if (!invoiceIndex.has(invoice)) invoiceIndex.set(invoice, invoiceIndex.size);
      const storeId = split === 'country' ? `store-${countryOf(row).toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : `store-${(invoiceIndex.get(invoice)! % stores) + 1}`;
      add(storeId, row, header);
    }
  } else {
    lines.forEach((line, i) => add(`store-${(i % stores) + 1}`, line, header));
  }
  return new Map([...out].map(([storeId, storeLines]) => [storeId, storeLines.join('\n') + '\n']));
}

/** For a country split: the `keep` biggest countries as stores, the rest merged into one store. */
export function mergeSmallStores(files: Map<string, string>, keep: number, header: string): Map<string, string> {
  const sized = [...files].sort((a, b) => b[1].length - a[1].length);
  if (sized.length <= keep + 1) return files;
  const merged = new Map(sized.slice(0, keep));
  merged.set('store-rest', [header, ...sized.slice(keep).flatMap(([, text]) => text.trim().split('\n').slice(1))].join('\n') + '\n');
  return merged;
}

export interface RoundSummary {
  round: federationV1.Round;
  patterns: federationV1.GlobalPattern[];
  /** Supports of the published bundles' parts that are not patterns themselves. */
  subsetSupports: federationV1.ItemsetSupport[];
}

function unary<Req, Res>(client: federationV1.FederationServiceClient, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response))));
}

/** Starts a round through the coordinator API and waits for it, reporting each status change. */
export async function runRound(
  client: federationV1.FederationServiceClient,
  config: federationV1.RoundConfig,
  onProgress: (round: federationV1.Round) => void,
  top: number,
  timeoutMs = 15 * 60_000,
): Promise<RoundSummary> {
  const { round: started } = await unary<federationV1.StartRoundRequest, federationV1.StartRoundResponse>(client, client.startRound, { config, requestedBy: 'tessera-cli' });
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let failedPolls = 0;
  for (;;) {
    // A failed status poll is not a failed round (the embedded database can refuse one query
    // under load): ask again a few times before giving up.
    let answer: federationV1.GetRoundResponse;
    try {
      answer = await unary<federationV1.GetRoundRequest, federationV1.GetRoundResponse>(client, client.getRound, { roundId: started!.roundId });
      failedPolls = 0;
    } catch (error) {
      if (++failedPolls > 5) throw error;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const { round } = answer;
    if (round!.status !== last) {
      last = round!.status;
      onProgress(round!);
    }
    if (round!.status === federationV1.RoundStatus.ROUND_STATUS_COMPLETED || round!.status === federationV1.RoundStatus.ROUND_STATUS_FAILED) {
      const { patterns, subsetSupports } = await unary<federationV1.ListGlobalPatternsRequest, federationV1.ListGlobalPatternsResponse>(client, client.listGlobalPatterns, { roundId: round!.roundId, limit: top, offset: 0 });
      return { round: round!, patterns, subsetSupports };
    }
    if (Date.now() > deadline) throw new Error(`the round did not finish within ${timeoutMs / 1000} s (status ${round!.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const STATUS_NAMES: Record<number, string> = {
  [federationV1.RoundStatus.ROUND_STATUS_PENDING]: 'pending',
  [federationV1.RoundStatus.ROUND_STATUS_PROPOSING]: 'proposing',
  [federationV1.RoundStatus.ROUND_STATUS_KEY_SETUP]: 'key setup',
  [federationV1.RoundStatus.ROUND_STATUS_MEASURING]: 'measuring',
  [federationV1.RoundStatus.ROUND_STATUS_UNMASKING]: 'unmasking',
  [federationV1.RoundStatus.ROUND_STATUS_COMPLETED]: 'completed',
  [federationV1.RoundStatus.ROUND_STATUS_FAILED]: 'failed',
};
