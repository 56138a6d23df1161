import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestPki } from '@tessera/common';

/**
 * The all-in-one processes (`tessera start`, `tessera round`) run the store-node <-> hub links
 * as a deployment does, over mTLS: a throwaway consortium CA made afresh in `dir` at every
 * start, a hub certificate for 127.0.0.1 and localhost, and one node certificate per store
 * (the one privacy service speaks for every store, each stream with its store's certificate).
 * NODE_TLS_MODE=plaintext in the environment turns it off (nothing is written).
 */
export async function embeddedNodeTls(dir: string, storeIds: string[], env: Record<string, string | undefined> = process.env): Promise<{ hub: Record<string, string>; node: Record<string, string> }> {
  if (env.NODE_TLS_MODE === 'plaintext') return { hub: { NODE_TLS_MODE: 'plaintext' }, node: { NODE_TLS_MODE: 'plaintext' } };
  rmSync(dir, { recursive: true, force: true });
  const pki = await writeTestPki(dir, { storeIds, caName: 'Tessera all-in-one throwaway CA' });
  return {
    hub: { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.hub.certFile, NODE_TLS_KEY_FILE: pki.hub.keyFile },
    node: { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: join(dir, 'nodes', '{storeId}', 'node.crt'), NODE_TLS_KEY_FILE: join(dir, 'nodes', '{storeId}', 'node.key') },
  };
}
