/**
 * Round configuration shared (publicly) by the server and all clients of one aggregation round.
 */
import { KeyObject } from 'node:crypto';
import { importIdentityPublicKey, roundSalt, sha256 } from './crypto';
import { SecAggError } from './errors';
import { Topology } from './graph';

export interface RoundConfig {
  /** Unique id of this aggregation round; bound into every signature, key derivation and AAD. */
  roundId: string;
  /** PKI: clientId → raw 32-byte Ed25519 identity public key. */
  identityKeys: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** Clients invited to this round (default: every client in `identityKeys`). */
  participants?: readonly string[];
  /**
   * Shamir threshold t, relative to the committee size (n for the complete graph, k + 1 with
   * SecAgg+). Every stage needs ≥ t live committee members; t shares reconstruct a secret.
   */
  threshold: number;
  /** Number of uint32 entries per input vector. */
  vectorLength: number;
  /** SecAgg+: degree k of the Harary graph (omit, or ≥ n − 1, for the complete graph). */
  neighbours?: number;
  /** Public randomness for the SecAgg+ graph permutation (default SHA-256 of the round id). */
  graphSeed?: Uint8Array;
  /** Run the ConsistencyCheck stage of the malicious-secure variant (default true). */
  consistencyCheck?: boolean;
  /**
   * Number of valid consistency signatures on the same U3 a client requires before unmasking.
   * Must exceed n/2 (so two different U3 views cannot both collect enough honest signatures);
   * default max(t, ⌊n/2⌋ + 1) for the complete graph and ⌊n/2⌋ + 1 with SecAgg+.
   */
  consistencyThreshold?: number;
}

const MAX_ID = 256;

/** Validated, indexed form of a RoundConfig; safe to share between many clients (in memory). */
export class RoundParams {
  readonly roundId: string;
  /** Participant ids in ascending code-unit order; a client's index is its position here. */
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly n: number;
  readonly threshold: number;
  readonly vectorLength: number;
  readonly topology: Topology;
  readonly consistencyCheck: boolean;
  readonly consistencyThreshold: number;
  readonly salt: Uint8Array;
  private readonly identityRaw: readonly Uint8Array[];
  private readonly identityKeyObjects: (KeyObject | undefined)[];

  constructor(config: RoundConfig) {
    if (config instanceof RoundParams) throw new TypeError('already resolved');
    const bad = (msg: string): never => {
      throw new SecAggError('INVALID_CONFIG', msg);
    };
    if (typeof config.roundId !== 'string' || config.roundId.length === 0 || config.roundId.length > MAX_ID) bad('roundId must be a non-empty string');
    const pki = config.identityKeys instanceof Map ? config.identityKeys : new Map(Object.entries(config.identityKeys ?? {}));
    const ids = [...(config.participants ?? [...pki.keys()])];
    for (const id of ids) if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) bad(`invalid client id ${JSON.stringify(id)}`);
    if (new Set(ids).size !== ids.length) bad('duplicate participant ids');
    ids.sort();
    if (ids.length < 2) bad('need at least 2 participants');
    const raw = ids.map((id) => {
      const k = pki.get(id);
      if (!(k instanceof Uint8Array) || k.length !== 32) bad(`no 32-byte Ed25519 identity key for participant ${id}`);
      return k as Uint8Array;
    });
    const n = ids.length;
    if (!Number.isSafeInteger(config.vectorLength) || config.vectorLength < 1 || config.vectorLength > 1 << 26) bad('vectorLength must be an integer in [1, 2^26]');
    let topology: Topology;
    if (config.neighbours === undefined || config.neighbours >= n - 1) topology = Topology.complete(n);
    else {
      const seed = config.graphSeed ?? sha256('tessera-secagg/v1', 'graph-seed', config.roundId);
      if (!(seed instanceof Uint8Array) || seed.length < 16) bad('graphSeed must be ≥ 16 bytes');
      topology = Topology.harary(n, config.neighbours, seed);
    }
    const committee = topology.degree + 1;
    if (!Number.isInteger(config.threshold) || config.threshold < 2 || config.threshold > committee) {
      bad(`threshold must be an integer in [2, ${committee}] (committee size), got ${config.threshold}`);
    }
    const majority = Math.floor(n / 2) + 1;
    const ct = config.consistencyThreshold ?? (topology.complete ? Math.max(config.threshold, majority) : majority);
    if (!Number.isInteger(ct) || ct < majority || ct > n) bad(`consistencyThreshold must be an integer in [${majority}, ${n}] (a strict majority), got ${ct}`);

    this.roundId = config.roundId;
    this.ids = Object.freeze(ids);
    this.index = new Map(ids.map((id, i) => [id, i]));
    this.n = n;
    this.threshold = config.threshold;
    this.vectorLength = config.vectorLength;
    this.topology = topology;
    this.consistencyCheck = config.consistencyCheck ?? true;
    this.consistencyThreshold = ct;
    this.salt = roundSalt(config.roundId);
    this.identityRaw = raw;
    this.identityKeyObjects = new Array(n);
  }

  static from(config: RoundConfig | RoundParams): RoundParams {
    return config instanceof RoundParams ? config : new RoundParams(config);
  }

  identityKey(i: number): KeyObject {
    let k = this.identityKeyObjects[i];
    if (!k) {
      try {
        k = importIdentityPublicKey(this.identityRaw[i]);
      } catch {
        throw new SecAggError('INVALID_CONFIG', `identity key of ${this.ids[i]} is not a valid Ed25519 public key`);
      }
      this.identityKeyObjects[i] = k;
    }
    return k;
  }

  identityPublicRaw(i: number): Uint8Array {
    return this.identityRaw[i];
  }

  /** Shamir x-coordinate of client index i. */
  x(i: number): number {
    return i + 1;
  }

  committee(i: number): readonly number[] {
    return this.topology.committee(i);
  }

  inCommittee(owner: number, member: number): boolean {
    return owner === member || this.topology.isNeighbour(owner, member);
  }
}

/** Sensible default: a strict majority of the committee (n, or k + 1 with SecAgg+). */
export function defaultThreshold(committeeSize: number): number {
  return Math.max(2, Math.floor(committeeSize / 2) + 1);
}
