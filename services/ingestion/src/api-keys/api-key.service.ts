import * as grpc from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { GrpcError } from '@tessera/common';
import { STORE_ID_PATTERN } from '../file-ingest.service';
import { ApiKeyRepository, type ApiKeyRecord } from './api-key.repository';

/** Every key starts with this, so it is recognised in a header or a leaked file. */
export const API_KEY_PREFIX = 'tsk_';
/** What a key may be used for: ingestion (POS events, uploads) of its one store. */
export const API_KEY_SCOPES = ['ingestion'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** Unrevoked keys one store may hold at once. */
export const MAX_ACTIVE_KEYS_PER_STORE = 100;
/** `tsk_` + 32 random bytes in base64url. */
const KEY_PATTERN = /^tsk_[A-Za-z0-9_-]{43}$/;
/** Characters of the key kept in the clear: `tsk_` and 8 of the 43 random ones (48 of 256 bits). */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const sha256 = (key: string) => createHash('sha256').update(key, 'utf8').digest();

function invalid(message: string): GrpcError {
  return new GrpcError(grpc.status.INVALID_ARGUMENT, message);
}

function checkStoreId(storeId: string): void {
  if (!STORE_ID_PATTERN.test(storeId)) throw invalid(`storeId ${JSON.stringify(storeId.slice(0, 80))} is not a valid store id (letters, digits, _ . -; at most 64)`);
}

/**
 * Store API keys on the store node: created for a store system (a till, a manager's script),
 * verified when it calls, revoked by the store's manager. The whole key is returned once; the
 * node keeps its SHA-256 (256 random bits, so no slow hash is needed) and compares hashes in
 * constant time. Who may manage which store's keys is decided by the gateway, which passes the
 * caller's stores with a revocation.
 */
@Injectable()
export class ApiKeyService {
  constructor(private readonly keys: ApiKeyRepository) {}

  async create(input: { storeId: string; name: string; scopes?: string[]; createdBy?: string }): Promise<{ apiKey: ApiKeyRecord; key: string }> {
    checkStoreId(input.storeId);
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100 || CONTROL_CHARACTERS.test(name)) throw invalid('name the key (1 to 100 characters, no control characters), e.g. the till it is for');
    const scopes = [...new Set(input.scopes?.length ? input.scopes : API_KEY_SCOPES)];
    const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
    if (unknown.length) throw invalid(`scopes: ${unknown.map((s) => JSON.stringify(s.slice(0, 40))).join(', ')} is not a scope (known: ${API_KEY_SCOPES.join(', ')})`);
    const createdBy = input.createdBy?.trim() || null;
    if (createdBy && createdBy.length > 200) throw invalid('createdBy is longer than 200 characters');

    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const apiKey = await this.keys.insertWithin(MAX_ACTIVE_KEYS_PER_STORE, { id: randomUUID(), storeId: input.storeId, name, prefix: key.slice(0, SHOWN_LENGTH), keyHash: sha256(key), scopes, createdBy });
    if (!apiKey) throw new GrpcError(grpc.status.FAILED_PRECONDITION, `store ${input.storeId} already has ${MAX_ACTIVE_KEYS_PER_STORE} active API keys; revoke one it no longer uses first`);
    return { apiKey, key };
  }

  async list(storeId: string): Promise<ApiKeyRecord[]> {
    checkStoreId(storeId);
    return this.keys.listByStore(storeId);
  }

  /** Revokes a key of one of the caller's stores (`allStores`: any store). */
  async revoke(apiKeyId: string, caller: { storeIds: string[]; allStores: boolean }): Promise<ApiKeyRecord> {
    if (!UUID_PATTERN.test(apiKeyId)) throw invalid('apiKeyId must be a UUID');
    const existing = await this.keys.find(apiKeyId);
    if (!existing) throw new GrpcError(grpc.status.NOT_FOUND, `no API key ${apiKeyId}`);
    if (!caller.allStores && !caller.storeIds.includes(existing.storeId)) throw new GrpcError(grpc.status.PERMISSION_DENIED, `this API key belongs to store ${existing.storeId}, which you do not manage`);
    const revoked = existing.revokedAt ? undefined : await this.keys.revoke(apiKeyId);
    if (!revoked) throw new GrpcError(grpc.status.NOT_FOUND, `API key ${apiKeyId} was already revoked`);
    return revoked;
  }

  /** The key's store and scopes, or UNAUTHENTICATED (unknown, malformed or revoked). */
  async verify(key: string): Promise<ApiKeyRecord> {
    if (!KEY_PATTERN.test(key)) throw new GrpcError(grpc.status.UNAUTHENTICATED, `this is not a Tessera API key (they start with ${API_KEY_PREFIX})`);
    const presented = sha256(key);
    // The prefix is not secret (lists show it); the hash is compared in constant time, and every
    // candidate is compared, so the answer's timing does not depend on where a hash differs.
    let match: ApiKeyRecord | undefined;
    for (const { keyHash, ...candidate } of await this.keys.candidates(key.slice(0, SHOWN_LENGTH))) {
      if (keyHash.length === presented.length && timingSafeEqual(keyHash, presented)) match ??= candidate;
    }
    if (!match) throw new GrpcError(grpc.status.UNAUTHENTICATED, 'API key not recognised');
    if (match.revokedAt) throw new GrpcError(grpc.status.UNAUTHENTICATED, `API key ${match.prefix}… was revoked; ask the store manager for a new one`);
    await this.keys.touch(match.id);
    return match;
  }
}
