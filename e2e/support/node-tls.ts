import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki, type TestPki } from '@tessera/common';

export interface TestNodeTls {
  pki: TestPki;
  /** The hub's federation service: its node port serves mTLS with the throwaway hub certificate. */
  hubEnv: Record<string, string>;
  /** A store node's service dialling the hub, for one store (its own certificate). */
  nodeEnv(storeId: string): Record<string, string>;
  /** A store node speaking for several stores: one certificate per store through the {storeId} placeholder. */
  multiStoreNodeEnv: Record<string, string>;
  remove(): void;
}

/** A throwaway consortium CA with a hub certificate (127.0.0.1, localhost) and one node certificate per store, so e2e stacks run the node links over mTLS as deployments do. */
export async function testNodeTls(storeIds: string[]): Promise<TestNodeTls> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-pki-'));
  const pki = await writeTestPki(dir, { storeIds });
  return {
    pki,
    hubEnv: { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.hub.certFile, NODE_TLS_KEY_FILE: pki.hub.keyFile },
    nodeEnv: (storeId) => {
      const node = pki.nodes[storeId];
      if (!node) throw new Error(`no test certificate for store ${storeId}`);
      return { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: node.certFile, NODE_TLS_KEY_FILE: node.keyFile };
    },
    multiStoreNodeEnv: { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: join(dir, 'nodes', '{storeId}', 'node.crt'), NODE_TLS_KEY_FILE: join(dir, 'nodes', '{storeId}', 'node.key') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
