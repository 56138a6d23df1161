/**
 * Typed errors for the secure-aggregation state machines.
 *
 * Every rejection (by a client or by the server) is a `SecAggError` carrying a machine-readable
 * `code` that says *why*, so a transport layer (e.g. the federation service over gRPC) can map
 * it to a status without parsing messages. A rejected message never changes the receiver's
 * state: the receiver validates everything first and only then commits.
 */

export type SecAggErrorCode =
  /** The configuration handed to a client/server is invalid (threshold > n, bad key sizes, …). */
  | 'INVALID_CONFIG'
  /** A message does not have the documented shape (missing/extra fields, wrong types or sizes). */
  | 'MALFORMED'
  /** A message belongs to a different round id. */
  | 'WRONG_ROUND'
  /** A message belongs to a different protocol stage than the receiver is in. */
  | 'WRONG_STAGE'
  /** The same sender already delivered a message for this stage (replay / equivocation). */
  | 'REPLAY'
  /** The sender is not a participant of this round (unknown to the PKI or not invited). */
  | 'UNKNOWN_SENDER'
  /** An Ed25519 signature does not verify under the sender's identity key. */
  | 'BAD_SIGNATURE'
  /** Authenticated decryption of a share ciphertext failed (tampered, misrouted, wrong key). */
  | 'DECRYPTION_FAILED'
  /** The message is well-formed and authentic but violates the protocol (e.g. inconsistent sets). */
  | 'PROTOCOL_VIOLATION'
  /** Fewer survivors than the threshold: the round cannot continue safely. */
  | 'BELOW_THRESHOLD'
  /** Secret reconstruction produced a value inconsistent with public data (bad shares). */
  | 'RECONSTRUCTION_FAILED'
  /** The state machine was asked to do something its current state does not allow. */
  | 'INVALID_STATE';

export class SecAggError extends Error {
  readonly code: SecAggErrorCode;
  /** Extra structured detail (stage, sender, counts, …); safe to log, never contains secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: SecAggErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(`[${code}] ${message}`);
    this.name = 'SecAggError';
    this.code = code;
    this.details = details;
  }
}

/** Raised when fewer parties than the threshold survive a stage. */
export class BelowThresholdError extends SecAggError {
  constructor(message: string, details: { stage: string; survivors: number; threshold: number; [k: string]: unknown }) {
    super('BELOW_THRESHOLD', message, details);
    this.name = 'BelowThresholdError';
  }
}

export function isSecAggError(e: unknown, code?: SecAggErrorCode): e is SecAggError {
  return e instanceof SecAggError && (code === undefined || e.code === code);
}
