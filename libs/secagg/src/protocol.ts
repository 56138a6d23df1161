/**
 * Protocol-level derivations shared by client and server (Bonawitz et al., CCS 2017, §4):
 * key derivation for share encryption and masks, the share plaintext layout and the digest of
 * a survivor set that clients sign in the ConsistencyCheck stage.
 */
import { agree, hkdf, info, sha256, DOMAIN } from './crypto';
import { RoundParams } from './config';
import { decodeFieldElement, toBytesLE } from './field';
import { KeyObject } from 'node:crypto';

/** Directional AES-256-GCM key for shares sent from `sender` to `recipient`. */
export function shareEncryptionKey(params: RoundParams, shared: Uint8Array, sender: string, recipient: string): Buffer {
  return hkdf(shared, params.salt, info('share-encryption', params.roundId, sender, recipient));
}

/** AAD binding a share ciphertext to round, stage, sender and recipient. */
export function shareAad(params: RoundParams, sender: string, recipient: string): Buffer {
  return info('share-aad', params.roundId, 'ShareKeys', sender, recipient);
}

/** AES key seeding the pairwise mask between clients i < j (symmetric). */
export function pairwiseMaskKey(params: RoundParams, shared: Uint8Array, i: number, j: number): Buffer {
  const [a, b] = i < j ? [i, j] : [j, i];
  return hkdf(shared, params.salt, info('pairwise-mask', params.roundId, params.ids[a], params.ids[b]));
}

export function pairwiseMaskKeyFrom(params: RoundParams, priv: KeyObject, peerPub: KeyObject, i: number, j: number): Buffer {
  return pairwiseMaskKey(params, agree(priv, peerPub, params.ids[j]), i, j);
}

/** AES key seeding the self mask of client i from its seed b_i. */
export function selfMaskKey(params: RoundParams, b: bigint, i: number): Buffer {
  return hkdf(toBytesLE(b), params.salt, info('self-mask', params.roundId, params.ids[i]));
}

/** Share plaintext: senderIndex u32 BE ‖ recipientIndex u32 BE ‖ s-share (32 B LE) ‖ b-share (32 B LE). */
export function encodeSharePlaintext(sender: number, recipient: number, sShare: bigint, bShare: bigint): Uint8Array {
  const out = Buffer.alloc(72);
  out.writeUInt32BE(sender, 0);
  out.writeUInt32BE(recipient, 4);
  out.set(toBytesLE(sShare), 8);
  out.set(toBytesLE(bShare), 40);
  return new Uint8Array(out);
}

export function decodeSharePlaintext(b: Uint8Array): { sender: number; recipient: number; sShare: bigint; bShare: bigint } | undefined {
  if (b.length !== 72) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const sShare = decodeFieldElement(b.subarray(8, 40));
  const bShare = decodeFieldElement(b.subarray(40, 72));
  if (sShare === undefined || bShare === undefined) return undefined;
  return { sender: buf.readUInt32BE(0), recipient: buf.readUInt32BE(4), sShare, bShare };
}

/** SHA-256 over the round id and the bitmap of the set (bit i ⇔ participant index i). */
export function survivorsDigest(params: RoundParams, members: Iterable<number>): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(params.n / 8));
  for (const i of members) bitmap[i >> 3] |= 1 << (i & 7);
  return sha256(DOMAIN, 'survivors', params.roundId, bitmap);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
