import { parseCron } from './cron-plan.util';

export const SCHEDULE_KINDS = ['mining', 'federated_round', 'insights_refresh', 'retention_sweep'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];
export const DATA_CLASSES = ['raw_transactions', 'uploaded_files', 'audit', 'round_artefacts'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Runs closer together than this would let one schedule flood the queue. */
export const MIN_SECONDS_BETWEEN_RUNS = 1;

/** Bad input, naming the field: the gRPC layer turns it into INVALID_ARGUMENT, the gateway into a 400. */
export class ScheduleInputError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ScheduleInputError';
  }
}

export interface ScheduleInput {
  kind: string;
  cron: string;
  storeId: string;
  parametersJson: string;
  description: string;
}

export interface ValidSchedule {
  kind: ScheduleKind;
  cron: string;
  storeId: string | null;
  parameters: Record<string, unknown>;
  description: string;
}

const MINING_OPTIONS = ['minUtility', 'topK', 'minSupport', 'maxPatternLength', 'merging'];
const ROUND_OPTIONS = ['minStores', 'epsilon', 'delta', 'kThreshold', 'minUtilityFraction', 'maxPatternLength', 'topM', 'stageTimeoutSeconds', 'storeIds'];

function onlyKeys(parameters: Record<string, unknown>, allowed: string[]) {
  for (const key of Object.keys(parameters)) if (!allowed.includes(key)) throw new ScheduleInputError(`parameters.${key}`, `is not a parameter of this kind (allowed: ${allowed.join(', ') || 'none'})`);
}

function positiveNumber(parameters: Record<string, unknown>, key: string, integer: boolean) {
  const value = parameters[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new ScheduleInputError(`parameters.${key}`, `must be a positive ${integer ? 'integer' : 'number'}`);
}

/** Checks a schedule as a caller sent it; every refusal names its field. */
export function validateSchedule(input: ScheduleInput): ValidSchedule {
  if (!(SCHEDULE_KINDS as readonly string[]).includes(input.kind)) throw new ScheduleInputError('kind', `must be one of ${SCHEDULE_KINDS.join(', ')}`);
  const kind = input.kind as ScheduleKind;
  const cron = (input.cron ?? '').trim();
  if (!cron) throw new ScheduleInputError('cron', 'is required');
  const parsed = parseCron(cron);
  if (!parsed.ok) throw new ScheduleInputError('cron', `is not a cron expression: ${parsed.reason}`);
  const storeId = input.storeId ? input.storeId : null;
  if (storeId !== null && !STORE_ID.test(storeId)) throw new ScheduleInputError('storeId', 'is not a store id (letters, digits, _ . -, at most 64)');
  if (kind === 'mining' && storeId === null) throw new ScheduleInputError('storeId', 'is required for a mining schedule');
  if (kind === 'federated_round' && storeId !== null) throw new ScheduleInputError('storeId', 'must be empty for a federated round (it invites stores by parameters.storeIds)');
  let parameters: Record<string, unknown> = {};
  if (input.parametersJson) {
    try {
      parameters = JSON.parse(input.parametersJson);
    } catch {
      throw new ScheduleInputError('parameters', 'is not JSON');
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) throw new ScheduleInputError('parameters', 'must be a JSON object');
  }
  if (kind === 'mining') {
    onlyKeys(parameters, MINING_OPTIONS);
    positiveNumber(parameters, 'topK', true);
    positiveNumber(parameters, 'maxPatternLength', true);
    if (parameters.minUtility !== undefined && (typeof parameters.minUtility !== 'string' || !/^\d+(\.\d+)?%?$/.test(parameters.minUtility))) throw new ScheduleInputError('parameters.minUtility', 'must be cents ("125000") or a percentage ("0.5%")');
    if (parameters.minSupport !== undefined && !(typeof parameters.minSupport === 'number' && parameters.minSupport >= 0 && parameters.minSupport <= 1)) throw new ScheduleInputError('parameters.minSupport', 'must be a fraction from 0 to 1');
    if (parameters.merging !== undefined && !['auto', 'on', 'off'].includes(parameters.merging as string)) throw new ScheduleInputError('parameters.merging', 'must be auto, on or off');
  } else if (kind === 'federated_round') {
    onlyKeys(parameters, ROUND_OPTIONS);
    for (const key of ['minStores', 'kThreshold', 'maxPatternLength', 'topM', 'stageTimeoutSeconds']) positiveNumber(parameters, key, true);
    for (const key of ['epsilon', 'delta', 'minUtilityFraction']) positiveNumber(parameters, key, false);
    if (parameters.storeIds !== undefined && !(Array.isArray(parameters.storeIds) && parameters.storeIds.every((s) => typeof s === 'string' && STORE_ID.test(s)))) throw new ScheduleInputError('parameters.storeIds', 'must be a list of store ids');
  } else if (kind === 'insights_refresh') {
    onlyKeys(parameters, []);
  } else {
    onlyKeys(parameters, ['dataClass', 'olderThanDays']);
    if (!(DATA_CLASSES as readonly string[]).includes(parameters.dataClass as string)) throw new ScheduleInputError('parameters.dataClass', `must be one of ${DATA_CLASSES.join(', ')}`);
    positiveNumber(parameters, 'olderThanDays', true);
  }
  const description = (input.description ?? '').trim();
  if (description.length > 200) throw new ScheduleInputError('description', 'must be at most 200 characters');
  return { kind, cron, storeId, parameters, description };
}

/** The cutoff of a retention sweep: rows older than this go. */
export function retentionCutoff(now: Date, olderThanDays: number): Date {
  return new Date(now.getTime() - olderThanDays * 86_400_000);
}
