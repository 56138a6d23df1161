/**
 * Protocol messages of the five stages of Bonawitz et al. (CCS 2017, Fig. 4 / malicious variant
 * Fig. 5), as plain serialisable objects. `encodeMessage` / `decodeMessage` give their canonical
 * binary form (see codec.ts); `validateMessage` checks the exact shape of an untrusted object.
 *
 * Every message carries `roundId` and `stage`. Client → server messages carry `from` and an
 * Ed25519 signature `sig` by the sender's long-term identity key over
 *   lp("tessera-secagg/v1/client-message") ‖ canonicalBytes(message without `sig`),
 * so the server can authenticate them independently of the transport, and so other clients can
 * verify the advertisements and consistency signatures the server forwards to them.
 * Server → client messages carry `to`; clients authenticate their *content* (every key or
 * signature inside was signed by a client), so they need no server signature.
 */
import { canonicalBytes, decode, encode, Encodable } from './codec';
import { DOMAIN, KEY_BYTES, SEALED_SHARE_BYTES, SIG_BYTES, lp } from './crypto';
import { SecAggError } from './errors';

export const Stage = {
  AdvertiseKeys: 0,
  ShareKeys: 1,
  MaskedInputCollection: 2,
  ConsistencyCheck: 3,
  Unmasking: 4,
} as const;
export type StageNumber = (typeof Stage)[keyof typeof Stage];
export const STAGE_NAMES = ['AdvertiseKeys', 'ShareKeys', 'MaskedInputCollection', 'ConsistencyCheck', 'Unmasking'] as const;
export const stageName = (s: number): string => STAGE_NAMES[s] ?? `stage ${s}`;

// ---- client → server -------------------------------------------------------------------------

/** Stage 0: the two fresh X25519 public keys c_u^PK (share encryption) and s_u^PK (masks). */
export interface AdvertiseKeysMessage {
  type: 'AdvertiseKeys';
  roundId: string;
  stage: 0;
  from: string;
  cPk: Uint8Array;
  sPk: Uint8Array;
  sig: Uint8Array;
}

/** Stage 1: one AES-GCM ciphertext per committee member v ≠ u, containing (u, v, s_{u,v}^SK share, b_{u,v} share). */
export interface ShareKeysMessage {
  type: 'ShareKeys';
  roundId: string;
  stage: 1;
  from: string;
  shares: { to: string; ciphertext: Uint8Array }[];
  sig: Uint8Array;
}

/** Stage 2: y_u = x_u + PRG(b_u) + Σ_v ±PRG(s_{u,v}) mod 2^32. */
export interface MaskedInputMessage {
  type: 'MaskedInput';
  roundId: string;
  stage: 2;
  from: string;
  masked: Uint32Array;
  sig: Uint8Array;
}

/** Stage 3: signature on the survivor set U3, carried as SHA-256 of its bitmap (see survivorsDigest). */
export interface ConsistencySignatureMessage {
  type: 'ConsistencySignature';
  roundId: string;
  stage: 3;
  from: string;
  survivorsDigest: Uint8Array;
  sig: Uint8Array;
}

/** Stage 4: b-shares of surviving committee members, s^SK-shares of dropped ones (never both). */
export interface UnmaskMessage {
  type: 'Unmask';
  roundId: string;
  stage: 4;
  from: string;
  selfMaskShares: { of: string; share: Uint8Array }[];
  maskKeyShares: { of: string; share: Uint8Array }[];
  sig: Uint8Array;
}

export type ClientMessage = AdvertiseKeysMessage | ShareKeysMessage | MaskedInputMessage | ConsistencySignatureMessage | UnmaskMessage;

// ---- server → client -------------------------------------------------------------------------

/** Start of stage 1: the signed advertisements of the recipient's committee members in U1 (incl. its own). */
export interface ShareKeysRequest {
  type: 'ShareKeysRequest';
  roundId: string;
  stage: 1;
  to: string;
  advertisements: AdvertiseKeysMessage[];
}

/** Start of stage 2: U2 ∩ C(to) and the ciphertexts addressed to the recipient. */
export interface MaskedInputRequest {
  type: 'MaskedInputRequest';
  roundId: string;
  stage: 2;
  to: string;
  shareKeysSurvivors: string[];
  shares: { from: string; ciphertext: Uint8Array }[];
}

/** Start of stage 3: the full set U3 of clients whose masked input was accepted. */
export interface ConsistencyRequest {
  type: 'ConsistencyRequest';
  roundId: string;
  stage: 3;
  to: string;
  maskedInputSurvivors: string[];
}

/** Start of stage 4: U3 again plus the consistency signatures of U4 (empty if the check is disabled). */
export interface UnmaskRequest {
  type: 'UnmaskRequest';
  roundId: string;
  stage: 4;
  to: string;
  maskedInputSurvivors: string[];
  consistencySignatures: ConsistencySignatureMessage[];
}

export type ServerMessage = ShareKeysRequest | MaskedInputRequest | ConsistencyRequest | UnmaskRequest;
export type SecAggMessage = ClientMessage | ServerMessage;

// ---- canonical encoding ----------------------------------------------------------------------

export function encodeMessage(msg: SecAggMessage): Uint8Array {
  return encode(msg as unknown as Encodable);
}

/** Decodes and validates; throws SecAggError('MALFORMED') on anything unexpected. */
export function decodeMessage(bytes: Uint8Array): SecAggMessage {
  return validateMessage(decode(bytes));
}

const SIGNING_LABEL = lp(`${DOMAIN}/client-message`);

/** The bytes a client signs: label ‖ canonical encoding of the message without `sig`. */
export function signingBytes(msg: ClientMessage | Omit<ClientMessage, 'sig'>): Uint8Array {
  const { sig: _sig, ...rest } = msg as ClientMessage;
  return new Uint8Array(Buffer.concat([SIGNING_LABEL, canonicalBytes(rest as unknown as Encodable)]));
}

// ---- validation ------------------------------------------------------------------------------

const MAX_ID = 256;

function fail(what: string): never {
  throw new SecAggError('MALFORMED', what);
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array) && !(x instanceof Uint32Array);
}

function exactKeys(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  const present = Object.keys(o).filter((k) => o[k] !== undefined);
  for (const k of keys) if (!(k in o) || o[k] === undefined) fail(`${what}: missing field "${k}"`);
  for (const k of present) if (!keys.includes(k)) fail(`${what}: unexpected field "${k}"`);
}

function id(x: unknown, what: string): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > MAX_ID) fail(`${what}: must be a non-empty string of ≤ ${MAX_ID} chars`);
  return x;
}

function bytes(x: unknown, len: number | undefined, what: string): Uint8Array {
  if (!(x instanceof Uint8Array)) fail(`${what}: must be a Uint8Array`);
  if (len !== undefined && x.length !== len) fail(`${what}: must be ${len} bytes, got ${x.length}`);
  return x;
}

function arr(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) fail(`${what}: must be an array`);
  return x;
}

function idList(x: unknown, what: string): string[] {
  const a = arr(x, what).map((v, i) => id(v, `${what}[${i}]`));
  if (new Set(a).size !== a.length) fail(`${what}: duplicate ids`);
  return a;
}

const common = ['type', 'roundId', 'stage'];

function header(o: Record<string, unknown>, stage: number, what: string): void {
  if (typeof o.roundId !== 'string' || o.roundId.length === 0 || o.roundId.length > MAX_ID) fail(`${what}: bad roundId`);
  if (o.stage !== stage) fail(`${what}: stage must be ${stage} (${stageName(stage)})`);
}

function clientHeader(o: Record<string, unknown>, stage: number, what: string, fields: string[]): void {
  exactKeys(o, [...common, 'from', 'sig', ...fields], what);
  header(o, stage, what);
  id(o.from, `${what}.from`);
  bytes(o.sig, SIG_BYTES, `${what}.sig`);
}

function serverHeader(o: Record<string, unknown>, stage: number, what: string, fields: string[]): void {
  exactKeys(o, [...common, 'to', ...fields], what);
  header(o, stage, what);
  id(o.to, `${what}.to`);
}

function pairs(x: unknown, idKey: string, valKey: string, len: number, what: string): void {
  const seen = new Set<string>();
  arr(x, what).forEach((e, i) => {
    if (!isObj(e)) fail(`${what}[${i}]: must be an object`);
    exactKeys(e, [idKey, valKey], `${what}[${i}]`);
    const who = id(e[idKey], `${what}[${i}].${idKey}`);
    if (seen.has(who)) fail(`${what}: duplicate entry for ${who}`);
    seen.add(who);
    bytes(e[valKey], len, `${what}[${i}].${valKey}`);
  });
}

/**
 * Checks that `x` is exactly one of the documented message shapes (no missing/extra fields,
 * right types and byte lengths, no duplicate ids). Semantic checks (round, stage, membership,
 * signatures) are done by the state machines.
 */
export function validateMessage(x: unknown): SecAggMessage {
  if (!isObj(x)) fail('message must be an object');
  const t = x.type;
  switch (t) {
    case 'AdvertiseKeys':
      clientHeader(x, 0, t, ['cPk', 'sPk']);
      bytes(x.cPk, KEY_BYTES, `${t}.cPk`);
      bytes(x.sPk, KEY_BYTES, `${t}.sPk`);
      break;
    case 'ShareKeys':
      clientHeader(x, 1, t, ['shares']);
      pairs(x.shares, 'to', 'ciphertext', SEALED_SHARE_BYTES, `${t}.shares`);
      break;
    case 'MaskedInput':
      clientHeader(x, 2, t, ['masked']);
      if (!(x.masked instanceof Uint32Array)) fail(`${t}.masked: must be a Uint32Array`);
      break;
    case 'ConsistencySignature':
      clientHeader(x, 3, t, ['survivorsDigest']);
      bytes(x.survivorsDigest, 32, `${t}.survivorsDigest`);
      break;
    case 'Unmask':
      clientHeader(x, 4, t, ['selfMaskShares', 'maskKeyShares']);
      pairs(x.selfMaskShares, 'of', 'share', 32, `${t}.selfMaskShares`);
      pairs(x.maskKeyShares, 'of', 'share', 32, `${t}.maskKeyShares`);
      break;
    case 'ShareKeysRequest':
      serverHeader(x, 1, t, ['advertisements']);
      arr(x.advertisements, `${t}.advertisements`).forEach((a) => {
        if (!isObj(a) || a.type !== 'AdvertiseKeys') fail(`${t}.advertisements: entries must be AdvertiseKeys messages`);
        validateMessage(a);
      });
      break;
    case 'MaskedInputRequest':
      serverHeader(x, 2, t, ['shareKeysSurvivors', 'shares']);
      idList(x.shareKeysSurvivors, `${t}.shareKeysSurvivors`);
      pairs(x.shares, 'from', 'ciphertext', SEALED_SHARE_BYTES, `${t}.shares`);
      break;
    case 'ConsistencyRequest':
      serverHeader(x, 3, t, ['maskedInputSurvivors']);
      idList(x.maskedInputSurvivors, `${t}.maskedInputSurvivors`);
      break;
    case 'UnmaskRequest':
      serverHeader(x, 4, t, ['maskedInputSurvivors', 'consistencySignatures']);
      idList(x.maskedInputSurvivors, `${t}.maskedInputSurvivors`);
      arr(x.consistencySignatures, `${t}.consistencySignatures`).forEach((a) => {
        if (!isObj(a) || a.type !== 'ConsistencySignature') fail(`${t}.consistencySignatures: entries must be ConsistencySignature messages`);
        validateMessage(a);
      });
      break;
    default:
      fail(`unknown message type ${JSON.stringify(typeof t === 'string' ? t.slice(0, 40) : t)}`);
  }
  return x as unknown as SecAggMessage;
}

export function isClientMessage(m: SecAggMessage): m is ClientMessage {
  return 'from' in m;
}
