import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface StoreIdentity {
  storeId: string;
  privateKey: KeyObject;
  publicKey: Buffer;
}

/**
 * Each store's long-term Ed25519 identity key, created on the node the first time it is
 * needed. Only the public half ever leaves the node (enrolment with the hub). The seed is
 * kept in this service's schema; production deployments should encrypt the volume or
 * supply seeds from a secret store (see docs/federation.md).
 */
@Injectable()
export class IdentityRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = tableIn(dataSource, 'identities');
  }

  async getOrCreate(storeId: string): Promise<StoreIdentity> {
    const seed = randomBytes(32);
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const publicKey = Buffer.from((createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x, 'base64url');
    await this.dataSource.query(`INSERT INTO ${this.table} (store_id, private_seed, public_key) VALUES ($1, $2, $3) ON CONFLICT (store_id) DO NOTHING`, [storeId, seed, publicKey]);
    const rows: { private_seed: Buffer; public_key: Buffer }[] = await this.dataSource.query(`SELECT private_seed, public_key FROM ${this.table} WHERE store_id = $1`, [storeId]);
    return {
      storeId,
      privateKey: createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, rows[0].private_seed]), format: 'der', type: 'pkcs8' }),
      publicKey: rows[0].public_key,
    };
  }
}
