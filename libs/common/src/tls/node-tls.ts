import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, vars } from '../config/define-config';

/**
 * The link between a store node and the hub: mutual TLS with certificates issued by the
 * consortium CA (`tessera admin ca init`, `tessera admin node-cert`). On the hub the files
 * are its server certificate; on a store node they are the node's client certificate, whose
 * subject names the enrolled store. Plaintext only when set explicitly, for local development.
 */
export const nodeTlsVariables = {
  NODE_TLS_MODE: vars.oneOf(['mtls', 'plaintext'] as const, { description: 'Security of every store-node <-> hub link: mtls (certificates from the consortium CA, both sides verified) or plaintext (local development only)', default: 'mtls' }),
  NODE_TLS_CA_FILE: vars.string({ description: 'PEM file of the consortium CA that issued every hub and node certificate (required when NODE_TLS_MODE=mtls)', default: '' }),
  NODE_TLS_CERT_FILE: vars.string({ description: "PEM file of this side's certificate: the hub's server certificate, or the store node's client certificate (required when NODE_TLS_MODE=mtls)", default: '' }),
  NODE_TLS_KEY_FILE: vars.string({ description: "PEM file of this side's private key (required when NODE_TLS_MODE=mtls)", default: '', sensitive: true }),
};

export type NodeTls = { mode: 'plaintext' } | { mode: 'mtls'; ca: Buffer; cert: Buffer; key: Buffer };

/** In NODE_TLS_CERT_FILE / NODE_TLS_KEY_FILE: replaced by a store id (one certificate per store on a multi-store node). */
export const STORE_ID_PLACEHOLDER = '{storeId}';

/**
 * Reads and checks the files the variables name; a missing or unreadable one is a ConfigError
 * naming its variable. `storeId` fills {storeId} in the certificate and key paths.
 */
export function loadNodeTls(service: string, config: { NODE_TLS_MODE: 'mtls' | 'plaintext'; NODE_TLS_CA_FILE: string; NODE_TLS_CERT_FILE: string; NODE_TLS_KEY_FILE: string }, storeId?: string): NodeTls {
  if (config.NODE_TLS_MODE === 'plaintext') return { mode: 'plaintext' };
  const problems: { variable: string; message: string }[] = [];
  const read = (variable: 'NODE_TLS_CA_FILE' | 'NODE_TLS_CERT_FILE' | 'NODE_TLS_KEY_FILE'): Buffer => {
    let path = config[variable];
    if (!path) {
      problems.push({ variable, message: 'is required when NODE_TLS_MODE=mtls (or set NODE_TLS_MODE=plaintext for local development)' });
      return Buffer.alloc(0);
    }
    // A node serving several stores keeps one certificate per store ({storeId} in the path, as privacy reads it);
    // a link that presents one certificate for the node takes the store it is given, and says so when it has none.
    if (path.includes(STORE_ID_PLACEHOLDER) && variable !== 'NODE_TLS_CA_FILE') {
      if (!storeId) {
        problems.push({ variable, message: `contains ${STORE_ID_PLACEHOLDER}, which ${service} cannot fill (it presents one certificate for the whole node): point it at one of the node's store certificates; got ${JSON.stringify(path)}` });
        return Buffer.alloc(0);
      }
      path = path.replaceAll(STORE_ID_PLACEHOLDER, storeId);
    }
    try {
      const pem = readFileSync(path);
      if (!pem.includes('-----BEGIN ')) throw new Error('is not a PEM file');
      if (variable !== 'NODE_TLS_KEY_FILE') new X509Certificate(pem);
      return pem;
    } catch (error) {
      problems.push({ variable, message: `cannot be used: ${(error as Error).message}; got ${JSON.stringify(path)}` });
      return Buffer.alloc(0);
    }
  };
  const ca = read('NODE_TLS_CA_FILE');
  const cert = read('NODE_TLS_CERT_FILE');
  const key = read('NODE_TLS_KEY_FILE');
  if (problems.length) throw new ConfigError(service, problems);
  return { mode: 'mtls', ca, cert, key };
}

/** Server side of a node link (the hub's node port): client certificates required and checked against the CA. */
export function nodeServerCredentials(tls: NodeTls): grpc.ServerCredentials {
  if (tls.mode === 'plaintext') return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], true);
}

/** Client side of a node link (a store node dialling the hub): the hub's certificate checked against the CA, ours presented. */
export function nodeClientCredentials(tls: NodeTls): grpc.ChannelCredentials {
  if (tls.mode === 'plaintext') return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
}
