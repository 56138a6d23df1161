/**
 * Server state machine of the secure aggregation protocol of Bonawitz et al., "Practical Secure
 * Aggregation for Privacy-Preserving Machine Learning" (CCS 2017), with the optional sparse
 * neighbour graph of SecAgg+ (Bell et al., "Secure Single-Server Aggregation with
 * (Poly)Logarithmic Overhead", CCS 2020).
 *
 * Transport-free: feed client messages to `receive()` (which throws a typed SecAggError for
 * anything malformed, replayed, for another round or stage, from an unknown sender, badly signed
 * or protocol-violating — without changing state), then call `closeStage()` when the driver
 * decides the stage is over (everyone answered or a timeout fired). `closeStage()` returns the
 * messages to send for the next stage, or the aggregation result after Unmasking. If fewer than
 * the threshold survive, it throws BelowThresholdError and the server enters the `failed` state.
 *
 * Stages and survivor sets (U5 ⊆ U4 ⊆ U3 ⊆ U2 ⊆ U1):
 *   0 AdvertiseKeys          U1 = clients whose signed (c^PK, s^PK) arrived
 *   1 ShareKeys              U2 = clients in U1 that sent encrypted shares to their committee
 *   2 MaskedInputCollection  U3 = clients in U2 whose masked vector y_u arrived
 *   3 ConsistencyCheck       U4 = clients in U3 that signed U3 (optional stage)
 *   4 Unmasking              U5 = clients in U4 that returned b-shares of U3 / s-shares of U2 \ U3
 * Result: Σ_{u∈U3} x_u = Σ y_u − Σ_{u∈U3} PRG(b_u) − Σ_{v∈U2\U3, u∈U3∩N(v)} Δ_{u,v}·PRG(s_{u,v}).
 */
import { KeyObject } from 'node:crypto';
import { RoundConfig, RoundParams } from './config';
import { addInto, expandMask, isUsableX25519Public, verifyBytes, x25519PrivateFromScalar, x25519PublicOf, importX25519Public, subInto } from './crypto';
import { BelowThresholdError, SecAggError } from './errors';
import { decodeFieldElement } from './field';
import {
  AdvertiseKeysMessage,
  ClientMessage,
  ConsistencySignatureMessage,
  MaskedInputMessage,
  ServerMessage,
  ShareKeysMessage,
  Stage,
  StageNumber,
  UnmaskMessage,
  signingBytes,
  stageName,
  validateMessage,
} from './messages';
import { bytesEqual, pairwiseMaskKeyFrom, selfMaskKey, survivorsDigest } from './protocol';
import { LagrangeCache, Share, reconstruct } from './shamir';

export type ServerState = 'collecting' | 'failed' | 'done';

export interface AggregationResult {
  roundId: string;
  /** Σ_{u ∈ U3} x_u mod 2^32. */
  sum: Uint32Array;
  /** Clients whose inputs are in the sum (U3). */
  contributors: string[];
  /** Survivor sets after each stage, for auditing. */
  survivors: {
    advertiseKeys: string[];
    shareKeys: string[];
    maskedInput: string[];
    consistencyCheck: string[];
    unmasking: string[];
  };
  /** Clients excluded by the server (not dropped) because too few of their neighbours were alive (SecAgg+ only). */
  excluded: string[];
}

export type ServerStep =
  | { done: false; stage: StageNumber; messages: ServerMessage[] }
  | { done: true; result: AggregationResult };

export class SecAggServer {
  readonly params: RoundParams;
  private _state: ServerState = 'collecting';
  private _stage: StageNumber = Stage.AdvertiseKeys;
  /** Senders seen per stage (to tell replays from late messages). */
  private readonly seen: Set<number>[] = [0, 1, 2, 3, 4].map(() => new Set<number>());
  private readonly usedKeys = new Set<string>();
  private readonly excluded = new Set<number>();

  private readonly adverts = new Map<number, AdvertiseKeysMessage>();
  private readonly shareMsgs = new Map<number, ShareKeysMessage>();
  private readonly masked = new Map<number, Uint32Array>();
  private readonly consistency = new Map<number, ConsistencySignatureMessage>();
  private readonly unmask = new Map<number, UnmaskMessage>();

  private u1 = new Set<number>();
  private u2 = new Set<number>();
  private u3 = new Set<number>();
  private u4 = new Set<number>();
  private u3Digest?: Uint8Array;
  private _result?: AggregationResult;

  constructor(config: RoundConfig | RoundParams) {
    this.params = RoundParams.from(config);
  }

  get state(): ServerState {
    return this._state;
  }

  /** The stage currently collecting client messages. */
  get stage(): StageNumber {
    return this._stage;
  }

  get result(): AggregationResult | undefined {
    return this._result;
  }

  /** Client ids expected to answer in the current stage (the previous stage's survivors). */
  expectedSenders(): string[] {
    const s = [this.allIndices(), this.u1, this.u2, this.u3, this.params.consistencyCheck ? this.u4 : this.u3][this._stage];
    return [...s].sort((a, b) => a - b).map((i) => this.params.ids[i]);
  }

  /** Client ids whose message for the current stage was accepted. */
  receivedFrom(): string[] {
    return [...this.seen[this._stage]].sort((a, b) => a - b).map((i) => this.params.ids[i]);
  }

  /** Validates and records one client message; throws SecAggError (state unchanged) if rejected. */
  receive(message: ClientMessage | unknown): void {
    if (this._state !== 'collecting') throw new SecAggError('INVALID_STATE', `server is ${this._state}; no more messages are accepted`);
    const msg = validateMessage(message);
    if (!('from' in msg)) throw new SecAggError('MALFORMED', `the server only accepts client messages, got ${msg.type}`);
    const p = this.params;
    if (msg.roundId !== p.roundId) {
      throw new SecAggError('WRONG_ROUND', `message is for round ${JSON.stringify(msg.roundId)}, this is round ${JSON.stringify(p.roundId)}`, { expected: p.roundId, got: msg.roundId });
    }
    const u = p.index.get(msg.from);
    if (u === undefined) throw new SecAggError('UNKNOWN_SENDER', `${msg.from} is not a participant of this round`, { sender: msg.from });
    if (!verifyBytes(p.identityKey(u), signingBytes(msg), msg.sig)) {
      throw new SecAggError('BAD_SIGNATURE', `${msg.type} message does not carry a valid signature of ${msg.from}`, { sender: msg.from });
    }
    if (this.seen[msg.stage].has(u)) {
      throw new SecAggError('REPLAY', `${msg.from} already sent its ${stageName(msg.stage)} message`, { sender: msg.from, stage: msg.stage });
    }
    if (msg.stage !== this._stage) {
      throw new SecAggError('WRONG_STAGE', `${stageName(msg.stage)} message received during ${stageName(this._stage)}`, { sender: msg.from, stage: msg.stage, expected: this._stage });
    }
    switch (msg.type) {
      case 'AdvertiseKeys':
        this.onAdvertise(u, msg);
        break;
      case 'ShareKeys':
        this.requireMember(this.u1, u, 'U1 (it did not advertise keys in time)');
        this.onShareKeys(u, msg);
        break;
      case 'MaskedInput':
        this.requireMember(this.u2, u, 'U2 (it did not share keys in time)');
        if (msg.masked.length !== p.vectorLength) throw new SecAggError('MALFORMED', `masked vector has ${msg.masked.length} entries, expected ${p.vectorLength}`);
        this.masked.set(u, msg.masked);
        break;
      case 'ConsistencySignature':
        this.requireMember(this.u3, u, 'U3 (its masked input was not accepted)');
        if (!bytesEqual(msg.survivorsDigest, this.u3Digest!)) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} signed a different U3`);
        this.consistency.set(u, msg);
        break;
      case 'Unmask':
        this.requireMember(p.consistencyCheck ? this.u4 : this.u3, u, p.consistencyCheck ? 'U4 (it did not sign U3)' : 'U3');
        this.onUnmask(u, msg);
        break;
    }
    this.seen[msg.stage].add(u);
  }

  private requireMember(set: Set<number>, u: number, what: string): void {
    if (!set.has(u)) throw new SecAggError('PROTOCOL_VIOLATION', `${this.params.ids[u]} is not in ${what}`, { sender: this.params.ids[u] });
  }

  private onAdvertise(u: number, msg: AdvertiseKeysMessage): void {
    const ck = Buffer.from(msg.cPk).toString('hex');
    const sk = Buffer.from(msg.sPk).toString('hex');
    if (ck === sk || this.usedKeys.has(ck) || this.usedKeys.has(sk)) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} advertised a public key that is already in use`);
    if (!isUsableX25519Public(msg.cPk) || !isUsableX25519Public(msg.sPk)) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} advertised an invalid or low-order X25519 key`);
    this.usedKeys.add(ck);
    this.usedKeys.add(sk);
    this.adverts.set(u, msg);
  }

  private onShareKeys(u: number, msg: ShareKeysMessage): void {
    const p = this.params;
    const expected = new Set<number>();
    for (const v of p.committee(u)) if (v !== u && this.u1.has(v)) expected.add(v);
    if (msg.shares.length !== expected.size) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} sent ${msg.shares.length} share ciphertexts, expected ${expected.size} (its committee in U1)`);
    for (const s of msg.shares) {
      const v = p.index.get(s.to);
      if (v === undefined || !expected.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} addressed a share to ${s.to}, who is not in its committee ∩ U1`);
    }
    this.shareMsgs.set(u, msg);
  }

  private onUnmask(u: number, msg: UnmaskMessage): void {
    const p = this.params;
    const wantB = new Set<number>();
    const wantS = new Set<number>();
    for (const v of p.committee(u)) {
      if (!this.u2.has(v)) continue;
      if (this.u3.has(v)) wantB.add(v);
      else if (v !== u) wantS.add(v);
    }
    const check = (list: { of: string; share: Uint8Array }[], want: Set<number>, what: string): void => {
      if (list.length !== want.size) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} sent ${list.length} ${what}, expected ${want.size}`);
      for (const e of list) {
        const v = p.index.get(e.of);
        if (v === undefined || !want.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `${msg.from} sent an unexpected ${what.replace(/s$/, '')} for ${e.of}`);
        if (decodeFieldElement(e.share) === undefined) throw new SecAggError('MALFORMED', `${msg.from} sent a non-canonical share for ${e.of}`);
      }
    };
    check(msg.selfMaskShares, wantB, 'self-mask shares');
    check(msg.maskKeyShares, wantS, 'mask-key shares');
    this.unmask.set(u, msg);
  }

  /**
   * Ends the current stage: fixes the survivor set, checks thresholds and returns the messages
   * for the next stage (or the final result). Throws BelowThresholdError if the round cannot go on.
   */
  closeStage(): ServerStep {
    if (this._state !== 'collecting') throw new SecAggError('INVALID_STATE', `server is ${this._state}`);
    try {
      switch (this._stage) {
        case Stage.AdvertiseKeys:
          return this.closeAdvertise();
        case Stage.ShareKeys:
          return this.closeShareKeys();
        case Stage.MaskedInputCollection:
          return this.closeMaskedInput();
        case Stage.ConsistencyCheck:
          return this.closeConsistency();
        case Stage.Unmasking:
          return this.closeUnmasking();
      }
    } catch (e) {
      if (e instanceof SecAggError && (e.code === 'BELOW_THRESHOLD' || e.code === 'RECONSTRUCTION_FAILED')) this._state = 'failed';
      throw e;
    }
  }

  private closeAdvertise(): ServerStep {
    const p = this.params;
    const u1 = this.prune(new Set(this.adverts.keys()), 'AdvertiseKeys');
    this.u1 = u1;
    const messages: ServerMessage[] = [];
    for (const u of sorted(u1)) {
      const advertisements = p.committee(u).filter((v) => u1.has(v)).map((v) => this.adverts.get(v)!);
      messages.push({ type: 'ShareKeysRequest', roundId: p.roundId, stage: Stage.ShareKeys, to: p.ids[u], advertisements });
    }
    this._stage = Stage.ShareKeys;
    return { done: false, stage: this._stage, messages };
  }

  private closeShareKeys(): ServerStep {
    const p = this.params;
    const u2 = this.prune(new Set(this.shareMsgs.keys()), 'ShareKeys');
    this.u2 = u2;
    // Route ciphertexts: inbox[v] = [(from u, ciphertext)] for u ∈ U2.
    const inbox = new Map<number, { from: string; ciphertext: Uint8Array }[]>();
    for (const u of sorted(u2)) {
      for (const s of this.shareMsgs.get(u)!.shares) {
        const v = p.index.get(s.to)!;
        if (!u2.has(v)) continue;
        let box = inbox.get(v);
        if (!box) inbox.set(v, (box = []));
        box.push({ from: p.ids[u], ciphertext: s.ciphertext });
      }
    }
    const messages: ServerMessage[] = [];
    for (const u of sorted(u2)) {
      messages.push({
        type: 'MaskedInputRequest',
        roundId: p.roundId,
        stage: Stage.MaskedInputCollection,
        to: p.ids[u],
        shareKeysSurvivors: p.committee(u).filter((v) => u2.has(v)).map((v) => p.ids[v]),
        shares: inbox.get(u) ?? [],
      });
    }
    this._stage = Stage.MaskedInputCollection;
    return { done: false, stage: this._stage, messages };
  }

  private closeMaskedInput(): ServerStep {
    const p = this.params;
    const u3 = new Set(this.masked.keys());
    this.checkRecoverable(u3, u3, 'MaskedInputCollection');
    this.u3 = u3;
    const survivorsList = sorted(u3).map((i) => p.ids[i]);
    const messages: ServerMessage[] = [];
    if (p.consistencyCheck) {
      this.u3Digest = survivorsDigest(p, u3);
      for (const id of survivorsList) messages.push({ type: 'ConsistencyRequest', roundId: p.roundId, stage: Stage.ConsistencyCheck, to: id, maskedInputSurvivors: survivorsList });
      this._stage = Stage.ConsistencyCheck;
    } else {
      for (const id of survivorsList) messages.push({ type: 'UnmaskRequest', roundId: p.roundId, stage: Stage.Unmasking, to: id, maskedInputSurvivors: survivorsList, consistencySignatures: [] });
      this._stage = Stage.Unmasking;
    }
    return { done: false, stage: this._stage, messages };
  }

  private closeConsistency(): ServerStep {
    const p = this.params;
    const u4 = new Set(this.consistency.keys());
    if (u4.size < p.consistencyThreshold) {
      throw new BelowThresholdError(`only ${u4.size} clients signed U3, fewer than the consistency threshold ${p.consistencyThreshold}`, {
        stage: 'ConsistencyCheck',
        survivors: u4.size,
        threshold: p.consistencyThreshold,
      });
    }
    this.checkRecoverable(this.u3, u4, 'ConsistencyCheck');
    this.u4 = u4;
    const survivorsList = sorted(this.u3).map((i) => p.ids[i]);
    const consistencySignatures = sorted(u4).map((i) => this.consistency.get(i)!);
    const messages: ServerMessage[] = sorted(u4).map((i) => ({
      type: 'UnmaskRequest',
      roundId: p.roundId,
      stage: Stage.Unmasking,
      to: p.ids[i],
      maskedInputSurvivors: survivorsList,
      consistencySignatures,
    }));
    this._stage = Stage.Unmasking;
    return { done: false, stage: this._stage, messages };
  }

  private closeUnmasking(): ServerStep {
    const p = this.params;
    const t = p.threshold;
    const responders = sorted(this.unmask.keys());
    const cache = new LagrangeCache();
    // Index the revealed shares: bShares[v] / sShares[v] = shares of v's secrets from responders.
    const bShares = new Map<number, Share[]>();
    const sShares = new Map<number, Share[]>();
    for (const r of responders) {
      const m = this.unmask.get(r)!;
      for (const [list, into] of [
        [m.selfMaskShares, bShares],
        [m.maskKeyShares, sShares],
      ] as const) {
        for (const e of list) {
          const v = p.index.get(e.of)!;
          let arr = into.get(v);
          if (!arr) into.set(v, (arr = []));
          if (arr.length < t) arr.push({ x: p.x(r), y: decodeFieldElement(e.share)! });
        }
      }
    }
    const need = (v: number, shares: Share[] | undefined, what: string): Share[] => {
      if (!shares || shares.length < t) {
        throw new BelowThresholdError(`only ${shares?.length ?? 0} ${what} shares of ${p.ids[v]} were returned, need t = ${t}`, {
          stage: 'Unmasking',
          survivors: shares?.length ?? 0,
          threshold: t,
          client: p.ids[v],
        });
      }
      return shares;
    };

    const sum = new Uint32Array(p.vectorLength);
    for (const u of this.u3) addInto(sum, this.masked.get(u)!);
    // Remove self masks of survivors.
    for (const u of this.u3) {
      const b = reconstruct(need(u, bShares.get(u), 'self-mask'), cache);
      subInto(sum, expandMask(selfMaskKey(p, b, u), p.vectorLength));
    }
    // Remove pairwise masks that survivors added with clients that dropped after ShareKeys.
    for (const v of sorted(this.u2)) {
      if (this.u3.has(v)) continue;
      const partners = p.committee(v).filter((u) => u !== v && this.u3.has(u));
      if (partners.length === 0) continue;
      const secret = reconstruct(need(v, sShares.get(v), 'mask-key'), cache);
      const priv: KeyObject = x25519PrivateFromScalar(secret);
      if (!bytesEqual(x25519PublicOf(priv), this.adverts.get(v)!.sPk)) {
        this._state = 'failed';
        throw new SecAggError('RECONSTRUCTION_FAILED', `reconstructed mask key of ${p.ids[v]} does not match its advertised public key (bad shares)`, { client: p.ids[v] });
      }
      for (const u of partners) {
        const mask = expandMask(pairwiseMaskKeyFrom(p, priv, importX25519Public(this.adverts.get(u)!.sPk), v, u), p.vectorLength);
        // y_u contains +mask if u < v, −mask if u > v.
        if (u < v) subInto(sum, mask);
        else addInto(sum, mask);
      }
    }
    const ids = (s: Iterable<number>): string[] => sorted(s).map((i) => p.ids[i]);
    this._result = {
      roundId: p.roundId,
      sum,
      contributors: ids(this.u3),
      survivors: {
        advertiseKeys: ids(this.u1),
        shareKeys: ids(this.u2),
        maskedInput: ids(this.u3),
        consistencyCheck: p.consistencyCheck ? ids(this.u4) : ids(this.u3),
        unmasking: ids(responders),
      },
      excluded: ids(this.excluded),
    };
    // Drop per-client data that is no longer needed.
    this.masked.clear();
    this.unmask.clear();
    this._state = 'done';
    return { done: true, result: this._result };
  }

  /**
   * Fixes a survivor set for stages 0/1. Complete graph: needs |S| ≥ t. SecAgg+: repeatedly
   * excludes clients with fewer than t live committee members (they could not complete anyway).
   * With the consistency check on, |S| must also reach the consistency threshold.
   */
  private prune(s: Set<number>, stage: string): Set<number> {
    const p = this.params;
    if (!p.topology.complete) {
      let changed = true;
      while (changed) {
        changed = false;
        for (const u of [...s]) {
          let live = 0;
          for (const v of p.committee(u)) if (s.has(v)) live++;
          if (live < p.threshold) {
            s.delete(u);
            this.excluded.add(u);
            changed = true;
          }
        }
      }
    }
    const need = Math.max(p.threshold, p.consistencyCheck ? p.consistencyThreshold : 0);
    if (s.size < need) {
      throw new BelowThresholdError(`only ${s.size} clients survived ${stage}${this.excluded.size ? ` (after excluding ${this.excluded.size} with too few live neighbours)` : ''}, need ${need}`, {
        stage,
        survivors: s.size,
        threshold: need,
      });
    }
    return s;
  }

  /**
   * Before asking for shares: each u ∈ U3 needs t holders of b_u among `holders`; each dropped
   * v ∈ U2 \ U3 that has a neighbour in U3 needs t holders of s_v^SK.
   */
  private checkRecoverable(u3: Set<number>, holders: Set<number>, stage: string): void {
    const p = this.params;
    const need = Math.max(p.threshold, p.consistencyCheck ? p.consistencyThreshold : 0);
    if (holders.size < need) {
      throw new BelowThresholdError(`only ${holders.size} clients survived ${stage}, need ${need}`, { stage, survivors: holders.size, threshold: need });
    }
    if (p.topology.complete) return;
    for (const v of this.u2) {
      const committee = p.committee(v);
      if (!u3.has(v) && !committee.some((u) => u !== v && u3.has(u))) continue;
      let live = 0;
      for (const u of committee) if (holders.has(u)) live++;
      if (live < p.threshold) {
        throw new BelowThresholdError(`only ${live} of ${p.ids[v]}'s committee survived ${stage}, need t = ${p.threshold} to unmask`, {
          stage,
          survivors: live,
          threshold: p.threshold,
          client: p.ids[v],
        });
      }
    }
  }

  private allIndices(): Set<number> {
    return new Set(this.params.ids.map((_, i) => i));
  }
}

function sorted(s: Iterable<number>): number[] {
  return [...s].sort((a, b) => a - b);
}
