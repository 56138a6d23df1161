import { EventEmitter } from 'node:events';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { storeIdOfCertificate, type Logger } from '@tessera/common';
import type { federationV1 } from '@tessera/proto';

type Stream = grpc.ServerDuplexStream<federationV1.ConnectRequest, federationV1.ConnectResponse>;

export const HELLO_CONTEXT = 'tessera-federation/v1/hello';

/** The bytes a store node signs to prove it holds the store's identity key. */
export function helloSigningBytes(storeId: string, nonce: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${HELLO_CONTEXT}\u0000${storeId}\u0000`), Buffer.from(nonce)]);
}

function ed25519PublicKey(raw: Buffer) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const INVALID_ARGUMENT = 3;

/**
 * Ends a node's stream with a status the node sees (code and reason). grpc-js's documented way
 * for streaming handlers: an 'error' event sets the status and ends the call; destroy() would
 * drop it, leaving the node waiting until its deadline.
 */
function refuse(stream: Stream, code: number, reason: string): void {
  stream.emit('error', Object.assign(new Error(reason), { code, details: reason }));
}

/**
 * The store a call's client certificate names (SAN urn:tessera:store:<id>), or why there is
 * none. The TLS handshake has already checked the certificate against the consortium CA.
 */
export function certificateStoreOf(call: { getAuthContext(): { transportSecurityType?: string; sslPeerCertificate?: { raw?: Buffer } } | null }): { storeId: string } | { reason: string } {
  const context = call.getAuthContext();
  const peer = context?.sslPeerCertificate;
  if (!peer?.raw) return { reason: `the node presented no client certificate (transport ${context?.transportSecurityType ?? 'insecure'}); the hub's node port requires mTLS with a certificate from the consortium CA` };
  const storeId = storeIdOfCertificate(peer.raw);
  if (!storeId) return { reason: 'the client certificate names no store (it needs exactly one SAN URI urn:tessera:store:<storeId>; issue it with `tessera admin node-cert`)' };
  return { storeId };
}

/**
 * The open streams of store nodes, one per store. A stream is admitted after the node
 * signs the hub's fresh challenge with the store's enrolled identity key and, under mTLS
 * (requireStoreCertificate), only as the store its client certificate names. Emits
 * 'message' (storeId, request) and 'disconnected' (storeId).
 */
export class NodeRegistry extends EventEmitter {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly identityKey: (storeId: string) => Promise<Buffer | undefined>,
    private readonly logger: Logger,
    private readonly options: { requireStoreCertificate: boolean } = { requireStoreCertificate: false },
  ) {
    super();
  }

  connected(): string[] {
    return [...this.streams.keys()].sort();
  }

  isConnected(storeId: string): boolean {
    return this.streams.has(storeId);
  }

  send(storeId: string, message: federationV1.ConnectResponse): boolean {
    const stream = this.streams.get(storeId);
    if (!stream) return false;
    stream.write(message);
    return true;
  }

  attach(stream: Stream): void {
    let certified: string | undefined;
    if (this.options.requireStoreCertificate) {
      const found = certificateStoreOf(stream);
      if ('reason' in found) {
        this.logger.warn({ reason: found.reason }, 'store node refused');
        refuse(stream, UNAUTHENTICATED, found.reason);
        return;
      }
      certified = found.storeId;
    }
    const nonce = randomBytes(32);
    let storeId: string | undefined;
    let refused = false;
    stream.write({ body: { $case: 'challenge', value: { nonce } } });
    stream.on('data', (request: federationV1.ConnectRequest) => {
      if (storeId) {
        this.emit('message', storeId, request);
        return;
      }
      if (refused) return;
      if (request.body?.$case !== 'hello') {
        refused = true;
        return refuse(stream, INVALID_ARGUMENT, 'the first message must be hello');
      }
      const hello = request.body.value;
      if (certified !== undefined && hello.storeId !== certified) {
        const reason = `the client certificate is for store ${certified}; it cannot connect as store ${JSON.stringify(hello.storeId)}`;
        this.logger.warn({ storeId: hello.storeId, certificateStoreId: certified, reason }, 'store node refused');
        refused = true;
        refuse(stream, PERMISSION_DENIED, reason);
        return;
      }
      this.admit(hello, nonce).then(
        (admitted) => {
          if (!admitted.ok) {
            this.logger.warn({ storeId: hello.storeId, reason: admitted.reason }, 'store node refused');
            refused = true;
            refuse(stream, UNAUTHENTICATED, admitted.reason);
            return;
          }
          storeId = hello.storeId;
          const previous = this.streams.get(storeId);
          this.streams.set(storeId, stream);
          previous?.end();
          stream.write({ body: { $case: 'welcome', value: { storeId } } });
          this.logger.info({ storeId }, 'store node connected');
          this.emit('connected', storeId);
        },
        (error) => stream.destroy(error as Error),
      );
    });
    const gone = () => {
      if (storeId && this.streams.get(storeId) === stream) {
        this.streams.delete(storeId);
        this.logger.info({ storeId }, 'store node disconnected');
        this.emit('disconnected', storeId);
      }
    };
    stream.on('end', () => {
      gone();
      stream.end();
    });
    stream.on('error', gone);
    stream.on('close', gone);
    stream.on('cancelled', gone);
  }

  private async admit(hello: federationV1.NodeHello, nonce: Buffer): Promise<{ ok: true } | { ok: false; reason: string }> {
    const key = await this.identityKey(hello.storeId);
    if (!key) return { ok: false, reason: `store ${hello.storeId} is not enrolled; a coordinator must register it with its node's identity key` };
    if (!Buffer.from(hello.nonce).equals(nonce)) return { ok: false, reason: 'the hello does not answer this stream\'s challenge' };
    const valid = verify(null, helloSigningBytes(hello.storeId, nonce), ed25519PublicKey(key), Buffer.from(hello.signature));
    return valid ? { ok: true } : { ok: false, reason: `the hello for ${hello.storeId} is not signed by its enrolled identity key` };
  }

  closeAll(): void {
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
  }
}
