/**
 * Client state machine of the secure aggregation protocol of Bonawitz, Ivanov, Kreuter,
 * Marcedone, McMahan, Patel, Ramage, Segal, Seth, "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning" (CCS 2017) — the malicious-secure variant with the
 * ConsistencyCheck round (their Fig. 5) — optionally restricted to the sparse neighbour graph of
 * SecAgg+ (Bell et al., CCS 2020). Transport-free: `advertiseKeys()` produces the first message,
 * then every `handle(serverMessage)` returns the client's reply for the next stage.
 *
 * Safety rules enforced here (each violation throws a typed SecAggError and leaves the state
 * untouched, so a later well-formed message can still be processed):
 *  - every server message must be for this round, addressed to this client and for exactly the
 *    next stage (earlier stage ⇒ REPLAY, later ⇒ WRONG_STAGE);
 *  - advertisements must be signed by the committee member's PKI identity key, the client's own
 *    advertisement must be unchanged and all public keys distinct;
 *  - survivor sets must be monotone (U3 ⊆ U2 ⊆ U1) on the committee and contain ≥ t members;
 *  - the client signs exactly one U3 and unmasks exactly once, for that U3, after checking
 *    ≥ consistencyThreshold valid signatures on it. For each committee member it then reveals
 *    either the b-share (member in U3) or the s^SK-share (member dropped) — never both, so no
 *    client can be unmasked unless it dropped.
 */
import { KeyObject } from 'node:crypto';
import { RoundConfig, RoundParams } from './config';
import {
  AgreementKeyPair,
  addInto,
  aeOpen,
  aeSeal,
  agree,
  expandMask,
  generateAgreementKeyPair,
  identityPublicOf,
  importIdentityPrivateKey,
  importX25519Public,
  signBytes,
  subInto,
  verifyBytes,
} from './crypto';
import { BelowThresholdError, SecAggError } from './errors';
import { randomFieldElement, toBytesLE } from './field';
import {
  AdvertiseKeysMessage,
  ClientMessage,
  ConsistencyRequest,
  ConsistencySignatureMessage,
  MaskedInputMessage,
  MaskedInputRequest,
  ServerMessage,
  ShareKeysMessage,
  ShareKeysRequest,
  Stage,
  UnmaskMessage,
  UnmaskRequest,
  signingBytes,
  stageName,
  validateMessage,
} from './messages';
import {
  bytesEqual,
  decodeSharePlaintext,
  encodeSharePlaintext,
  pairwiseMaskKey,
  selfMaskKey,
  shareAad,
  shareEncryptionKey,
  survivorsDigest,
} from './protocol';
import { split } from './shamir';

export type ClientState = 'idle' | 'advertised' | 'sharedKeys' | 'sentMaskedInput' | 'signedConsistency' | 'done';

const NEXT_STAGE: Record<ClientState, number> = {
  idle: -1,
  advertised: Stage.ShareKeys,
  sharedKeys: Stage.MaskedInputCollection,
  sentMaskedInput: Stage.ConsistencyCheck,
  signedConsistency: Stage.Unmasking,
  done: 99,
};

interface Peer {
  cPk: KeyObject;
  sPk: KeyObject;
  /** X25519(c_u^SK, c_v^PK), computed once in ShareKeys and reused to decrypt in MaskedInputCollection. */
  cShared?: Buffer;
}

export interface ClientOptions {
  /** The private input x_u (length = vectorLength); can also be given later with setInput(). */
  input?: Uint32Array;
}

export class SecAggClient {
  readonly id: string;
  readonly params: RoundParams;
  private readonly me: number;
  private readonly identity: KeyObject;
  private _state: ClientState = 'idle';
  private input?: Uint32Array;

  private cKeys?: AgreementKeyPair;
  private sKeys?: AgreementKeyPair;
  /** Committee members in U1 (incl. self) with their imported keys. */
  private peers = new Map<number, Peer>();
  private b?: bigint;
  /** Own shares of own secrets (the b-share may be revealed iff self ∈ U3). */
  private ownBShare?: bigint;
  /** Shares received from committee members v ∈ U2 \ {me}. */
  private held = new Map<number, { s: bigint; b: bigint }>();
  private u2 = new Set<number>();
  private u3?: Set<number>;
  private u3Digest?: Uint8Array;

  constructor(config: RoundConfig | RoundParams, clientId: string, identityPrivateKey: KeyObject | Uint8Array, options: ClientOptions = {}) {
    this.params = RoundParams.from(config);
    const me = this.params.index.get(clientId);
    if (me === undefined) throw new SecAggError('INVALID_CONFIG', `client ${clientId} is not a participant of round ${this.params.roundId}`);
    this.id = clientId;
    this.me = me;
    this.identity = identityPrivateKey instanceof Uint8Array ? importIdentityPrivateKey(identityPrivateKey) : identityPrivateKey;
    if (!bytesEqual(identityPublicOf(this.identity), this.params.identityPublicRaw(me))) {
      throw new SecAggError('INVALID_CONFIG', `identity private key of ${clientId} does not match its PKI entry`);
    }
    if (options.input) this.setInput(options.input);
  }

  get state(): ClientState {
    return this._state;
  }

  setInput(input: Uint32Array): void {
    if (!(input instanceof Uint32Array) || input.length !== this.params.vectorLength) {
      throw new SecAggError('INVALID_CONFIG', `input must be a Uint32Array of length ${this.params.vectorLength}`);
    }
    if (this._state !== 'idle' && this._state !== 'advertised' && this._state !== 'sharedKeys') {
      throw new SecAggError('INVALID_STATE', 'input can no longer be changed: the masked input was already sent');
    }
    this.input = Uint32Array.from(input);
  }

  /** Stage 0 (AdvertiseKeys): fresh c/s X25519 key pairs, signed with the identity key. */
  advertiseKeys(): AdvertiseKeysMessage {
    if (this._state !== 'idle') throw new SecAggError('INVALID_STATE', `keys already advertised (state ${this._state})`);
    const cKeys = generateAgreementKeyPair();
    const sKeys = generateAgreementKeyPair();
    const msg = this.sign<AdvertiseKeysMessage>({
      type: 'AdvertiseKeys',
      roundId: this.params.roundId,
      stage: Stage.AdvertiseKeys,
      from: this.id,
      cPk: cKeys.publicKey,
      sPk: sKeys.publicKey,
    });
    this.cKeys = cKeys;
    this.sKeys = sKeys;
    this._state = 'advertised';
    return msg;
  }

  /** Processes the server's message for the next stage and returns this client's reply. */
  handle(message: ServerMessage | unknown): ClientMessage {
    const msg = validateMessage(message);
    if ('from' in msg) throw new SecAggError('MALFORMED', `clients only accept server messages, got ${msg.type}`);
    const p = this.params;
    if (msg.roundId !== p.roundId) {
      throw new SecAggError('WRONG_ROUND', `message is for round ${JSON.stringify(msg.roundId)}, this is round ${JSON.stringify(p.roundId)}`, { expected: p.roundId, got: msg.roundId });
    }
    if (msg.to !== this.id) throw new SecAggError('PROTOCOL_VIOLATION', `message is addressed to ${msg.to}, not ${this.id}`);
    if (this._state === 'idle') throw new SecAggError('INVALID_STATE', 'call advertiseKeys() first');
    let expected = NEXT_STAGE[this._state];
    if (this._state === 'sentMaskedInput' && !p.consistencyCheck) expected = Stage.Unmasking;
    if (msg.stage < expected) {
      throw new SecAggError('REPLAY', `stage ${stageName(msg.stage)} was already processed (client state ${this._state})`, { stage: msg.stage, expected });
    }
    if (msg.stage > expected) {
      throw new SecAggError('WRONG_STAGE', `got a ${stageName(msg.stage)} message while expecting ${stageName(expected)}`, { stage: msg.stage, expected });
    }
    switch (msg.type) {
      case 'ShareKeysRequest':
        return this.onShareKeys(msg);
      case 'MaskedInputRequest':
        return this.onMaskedInput(msg);
      case 'ConsistencyRequest':
        return this.onConsistency(msg);
      case 'UnmaskRequest':
        return this.onUnmask(msg);
    }
  }

  // ---- stage 1 ---------------------------------------------------------------------------------

  private onShareKeys(msg: ShareKeysRequest): ShareKeysMessage {
    const p = this.params;
    const peers = new Map<number, Peer>();
    const seenKeys = new Set<string>();
    for (const adv of msg.advertisements) {
      if (adv.roundId !== p.roundId) throw new SecAggError('WRONG_ROUND', `advertisement of ${adv.from} is for round ${adv.roundId}`);
      const v = p.index.get(adv.from);
      if (v === undefined) throw new SecAggError('UNKNOWN_SENDER', `advertisement from unknown client ${adv.from}`);
      if (!p.inCommittee(this.me, v)) throw new SecAggError('PROTOCOL_VIOLATION', `advertisement of ${adv.from}, who is not a neighbour of ${this.id}`);
      if (peers.has(v)) throw new SecAggError('REPLAY', `two advertisements from ${adv.from}`);
      if (!verifyBytes(p.identityKey(v), signingBytes(adv), adv.sig)) throw new SecAggError('BAD_SIGNATURE', `advertisement of ${adv.from} is not signed by its identity key`, { sender: adv.from });
      if (v === this.me && (!bytesEqual(adv.cPk, this.cKeys!.publicKey) || !bytesEqual(adv.sPk, this.sKeys!.publicKey))) {
        throw new SecAggError('PROTOCOL_VIOLATION', 'own advertisement was altered');
      }
      for (const k of [adv.cPk, adv.sPk]) {
        const hex = Buffer.from(k).toString('hex');
        if (seenKeys.has(hex)) throw new SecAggError('PROTOCOL_VIOLATION', `public keys are not distinct (repeated by ${adv.from})`);
        seenKeys.add(hex);
      }
      let keys: Peer;
      try {
        keys = { cPk: importX25519Public(adv.cPk), sPk: importX25519Public(adv.sPk) };
      } catch {
        throw new SecAggError('PROTOCOL_VIOLATION', `advertisement of ${adv.from} has invalid X25519 keys`);
      }
      peers.set(v, keys);
    }
    if (!peers.has(this.me)) throw new SecAggError('PROTOCOL_VIOLATION', `own advertisement missing from U1`);
    this.requireThreshold(peers.size, 'ShareKeys', 'advertised committee members (U1)');

    const members = [...peers.keys()].sort((a, b) => a - b);
    const xs = members.map((v) => p.x(v));
    const b = randomFieldElement();
    const sShares = split(this.sKeys!.secret, p.threshold, xs);
    const bShares = split(b, p.threshold, xs);
    const shares: ShareKeysMessage['shares'] = [];
    let ownB: bigint | undefined;
    for (let k = 0; k < members.length; k++) {
      const v = members[k];
      if (v === this.me) {
        ownB = bShares[k];
        continue;
      }
      const to = p.ids[v];
      const peer = peers.get(v)!;
      const shared = (peer.cShared = agree(this.cKeys!.privateKey, peer.cPk, to));
      const key = shareEncryptionKey(p, shared, this.id, to);
      const ciphertext = aeSeal(key, shareAad(p, this.id, to), encodeSharePlaintext(this.me, v, sShares[k], bShares[k]));
      shares.push({ to, ciphertext });
    }
    const reply = this.sign<ShareKeysMessage>({ type: 'ShareKeys', roundId: p.roundId, stage: Stage.ShareKeys, from: this.id, shares });
    this.peers = peers;
    this.b = b;
    this.ownBShare = ownB;
    this._state = 'sharedKeys';
    return reply;
  }

  // ---- stage 2 ---------------------------------------------------------------------------------

  private onMaskedInput(msg: MaskedInputRequest): MaskedInputMessage {
    const p = this.params;
    if (!this.input) throw new SecAggError('INVALID_STATE', 'no input set: call setInput() before the MaskedInputCollection stage');
    const u2 = new Set<number>();
    for (const id of msg.shareKeysSurvivors) {
      const v = p.index.get(id);
      if (v === undefined) throw new SecAggError('UNKNOWN_SENDER', `U2 contains unknown client ${id}`);
      if (!this.peers.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `U2 contains ${id}, which is not an advertised committee member (U2 ⊄ U1)`);
      u2.add(v);
    }
    if (!u2.has(this.me)) throw new SecAggError('PROTOCOL_VIOLATION', `${this.id} is missing from U2 although it shared its keys`);
    this.requireThreshold(u2.size, 'MaskedInputCollection', 'committee members that shared keys (U2)');
    if (msg.shares.length !== u2.size - 1) throw new SecAggError('PROTOCOL_VIOLATION', `expected ${u2.size - 1} share ciphertexts (one per U2 member), got ${msg.shares.length}`);
    const held = new Map<number, { s: bigint; b: bigint }>();
    for (const { from, ciphertext } of msg.shares) {
      const v = p.index.get(from);
      if (v === undefined || v === this.me || !u2.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `share ciphertext from ${from}, who is not in U2 \\ {${this.id}}`);
      const peer = this.peers.get(v)!;
      const shared = peer.cShared ?? agree(this.cKeys!.privateKey, peer.cPk, from);
      const pt = aeOpen(shareEncryptionKey(p, shared, from, this.id), shareAad(p, from, this.id), ciphertext);
      const dec = pt && decodeSharePlaintext(pt);
      if (!dec) throw new SecAggError('DECRYPTION_FAILED', `share ciphertext from ${from} does not authenticate`, { sender: from });
      if (dec.sender !== v || dec.recipient !== this.me) throw new SecAggError('DECRYPTION_FAILED', `share ciphertext from ${from} names the wrong sender/recipient`, { sender: from });
      held.set(v, { s: dec.sShare, b: dec.bShare });
    }

    // y_u = x_u + PRG(b_u) + Σ_{v ∈ U2∩N(u)} Δ_{u,v}·PRG(s_{u,v}),  Δ = +1 if u < v else −1.
    const y = Uint32Array.from(this.input);
    addInto(y, expandMask(selfMaskKey(p, this.b!, this.me), p.vectorLength));
    for (const v of u2) {
      if (v === this.me) continue;
      const shared = agree(this.sKeys!.privateKey, this.peers.get(v)!.sPk, p.ids[v]);
      const mask = expandMask(pairwiseMaskKey(p, shared, this.me, v), p.vectorLength);
      if (this.me < v) addInto(y, mask);
      else subInto(y, mask);
    }
    const reply = this.sign<MaskedInputMessage>({ type: 'MaskedInput', roundId: p.roundId, stage: Stage.MaskedInputCollection, from: this.id, masked: y });
    this.held = held;
    this.u2 = u2;
    this.input = undefined;
    this._state = 'sentMaskedInput';
    return reply;
  }

  // ---- stage 3 ---------------------------------------------------------------------------------

  /** Validates a claimed U3 against this client's view; returns it as an index set. */
  private checkU3(list: readonly string[], stage: string): Set<number> {
    const p = this.params;
    const u3 = new Set<number>();
    for (const id of list) {
      const v = p.index.get(id);
      if (v === undefined) throw new SecAggError('UNKNOWN_SENDER', `U3 contains unknown client ${id}`);
      if (p.inCommittee(this.me, v) && !this.u2.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `U3 contains ${id}, which is not in U2 (U3 ⊄ U2)`);
      u3.add(v);
    }
    if (!u3.has(this.me)) throw new SecAggError('PROTOCOL_VIOLATION', `${this.id} is missing from U3 although it sent its masked input`);
    let live = 0;
    for (const v of p.committee(this.me)) if (u3.has(v)) live++;
    this.requireThreshold(live, stage, 'committee members whose masked input was accepted (U3)');
    if (p.consistencyCheck && u3.size < p.consistencyThreshold) {
      throw new BelowThresholdError(`U3 has ${u3.size} members, fewer than the consistency threshold ${p.consistencyThreshold}`, {
        stage,
        survivors: u3.size,
        threshold: p.consistencyThreshold,
      });
    }
    return u3;
  }

  private onConsistency(msg: ConsistencyRequest): ConsistencySignatureMessage {
    const p = this.params;
    const u3 = this.checkU3(msg.maskedInputSurvivors, 'ConsistencyCheck');
    const digest = survivorsDigest(p, u3);
    const reply = this.sign<ConsistencySignatureMessage>({
      type: 'ConsistencySignature',
      roundId: p.roundId,
      stage: Stage.ConsistencyCheck,
      from: this.id,
      survivorsDigest: digest,
    });
    this.u3 = u3;
    this.u3Digest = digest;
    this._state = 'signedConsistency';
    return reply;
  }

  // ---- stage 4 ---------------------------------------------------------------------------------

  private onUnmask(msg: UnmaskRequest): UnmaskMessage {
    const p = this.params;
    let u3: Set<number>;
    if (p.consistencyCheck) {
      u3 = this.checkU3(msg.maskedInputSurvivors, 'Unmasking');
      const digest = survivorsDigest(p, u3);
      if (!bytesEqual(digest, this.u3Digest!)) throw new SecAggError('PROTOCOL_VIOLATION', 'U3 differs from the set this client signed in the ConsistencyCheck stage');
      const signers = new Set<number>();
      for (const s of msg.consistencySignatures) {
        if (s.roundId !== p.roundId) throw new SecAggError('WRONG_ROUND', `consistency signature of ${s.from} is for round ${s.roundId}`);
        const v = p.index.get(s.from);
        if (v === undefined) throw new SecAggError('UNKNOWN_SENDER', `consistency signature from unknown client ${s.from}`);
        if (!u3.has(v)) throw new SecAggError('PROTOCOL_VIOLATION', `consistency signature from ${s.from}, who is not in U3`);
        if (signers.has(v)) throw new SecAggError('REPLAY', `two consistency signatures from ${s.from}`);
        if (!bytesEqual(s.survivorsDigest, digest)) throw new SecAggError('PROTOCOL_VIOLATION', `${s.from} signed a different U3 (inconsistent views)`, { signer: s.from });
        if (!verifyBytes(p.identityKey(v), signingBytes(s), s.sig)) throw new SecAggError('BAD_SIGNATURE', `consistency signature of ${s.from} does not verify`, { sender: s.from });
        signers.add(v);
      }
      if (!signers.has(this.me)) throw new SecAggError('PROTOCOL_VIOLATION', `own consistency signature missing from U4`);
      if (signers.size < p.consistencyThreshold) {
        throw new BelowThresholdError(`only ${signers.size} valid consistency signatures on U3, need ${p.consistencyThreshold}`, {
          stage: 'Unmasking',
          survivors: signers.size,
          threshold: p.consistencyThreshold,
        });
      }
    } else {
      if (msg.consistencySignatures.length !== 0) throw new SecAggError('PROTOCOL_VIOLATION', 'consistency signatures sent although the ConsistencyCheck stage is disabled');
      u3 = this.checkU3(msg.maskedInputSurvivors, 'Unmasking');
    }

    // Reveal, for each committee member v ∈ U2: b-share if v ∈ U3, else s^SK-share. Never both.
    const selfMaskShares: UnmaskMessage['selfMaskShares'] = [];
    const maskKeyShares: UnmaskMessage['maskKeyShares'] = [];
    selfMaskShares.push({ of: this.id, share: toBytesLE(this.ownBShare!) });
    for (const [v, sh] of [...this.held].sort((a, b) => a[0] - b[0])) {
      if (u3.has(v)) selfMaskShares.push({ of: p.ids[v], share: toBytesLE(sh.b) });
      else maskKeyShares.push({ of: p.ids[v], share: toBytesLE(sh.s) });
    }
    const reply = this.sign<UnmaskMessage>({ type: 'Unmask', roundId: p.roundId, stage: Stage.Unmasking, from: this.id, selfMaskShares, maskKeyShares });
    // Forget every secret: this client will never answer again in this round.
    this.held = new Map();
    this.peers = new Map();
    this.b = undefined;
    this.ownBShare = undefined;
    this.cKeys = undefined;
    this.sKeys = undefined;
    this.u3 = u3;
    this._state = 'done';
    return reply;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private requireThreshold(count: number, stage: string, what: string): void {
    if (count < this.params.threshold) {
      throw new BelowThresholdError(`only ${count} ${what}, fewer than the threshold t = ${this.params.threshold}`, {
        stage,
        survivors: count,
        threshold: this.params.threshold,
        client: this.id,
      });
    }
  }

  private sign<M extends ClientMessage>(body: Omit<M, 'sig'>): M {
    const sig = signBytes(this.identity, signingBytes(body as unknown as ClientMessage));
    return { ...body, sig } as M;
  }

  /** The U3 this client committed to (after ConsistencyCheck / Unmasking), for diagnostics. */
  get committedSurvivors(): readonly string[] | undefined {
    return this.u3 ? [...this.u3].sort((a, b) => a - b).map((i) => this.params.ids[i]) : undefined;
  }
}
