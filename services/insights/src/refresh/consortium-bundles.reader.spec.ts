import assert from 'node:assert/strict';
import { federationV1 } from '@tessera/proto';
import type { FederationClient } from '../clients/grpc-clients';
import { ConsortiumBundlesReader } from './consortium-bundles.reader';

/** A federation client that answers ListGlobalPatterns with a fixed response. */
function federationAnswering(response: Partial<federationV1.ListGlobalPatternsResponse>): FederationClient {
  return { listGlobalPatterns: async () => federationV1.ListGlobalPatternsResponse.fromPartial(response) } as unknown as FederationClient;
}

const pattern = (items: string[], utility: number, support: number) => federationV1.GlobalPattern.fromPartial({ items, aggregatedUtilityCents: utility, globalSupport: support });

describe('ConsortiumBundlesReader', () => {
  it("reads the round's transaction count and the parts' supports into support, confidence and lift", async () => {
    const reader = new ConsortiumBundlesReader(
      federationAnswering({
        round: federationV1.Round.fromPartial({ roundId: 'r1', completedAt: '2026-12-02T00:00:00Z', supportSigma: 4, transactionCount: 5000, transactionCountSigma: 6 }),
        patterns: [pattern(['x', 'y'], 90_000, 300), pattern(['x'], 50_000, 900)],
        subsetSupports: [federationV1.ItemsetSupport.fromPartial({ items: ['y'], support: 600, supportLow95: 592, supportHigh95: 608 })],
      }),
    );
    const document = await reader.read(new Map([['x', 'Mug']]));
    assert.equal(document.round?.roundId, 'r1');
    assert.equal(document.bundles.length, 1);
    const [bundle] = document.bundles;
    assert.deepEqual(bundle.items, [{ sku: 'x', name: 'Mug' }, { sku: 'y', name: 'y' }]);
    assert.equal(bundle.reason, undefined);
    assert.ok(Math.abs(bundle.lift! - (300 * 5000) / (900 * 600)) < 1e-9);
    assert.ok(Math.abs(bundle.support! - 300 / 5000) < 1e-12);
    assert.ok(bundle.liftAboveOne, `lift ${bundle.lift} in [${bundle.liftLow95}, ${bundle.liftHigh95}]`);
  });

  it('a round published before the transaction count was measured keeps lift unknown and says why', async () => {
    const reader = new ConsortiumBundlesReader(
      federationAnswering({ round: federationV1.Round.fromPartial({ roundId: 'old', supportSigma: 4 }), patterns: [pattern(['x', 'y'], 90_000, 300), pattern(['x'], 50_000, 900), pattern(['y'], 40_000, 600)] }),
    );
    const [bundle] = (await reader.read()).bundles;
    assert.equal(bundle.lift, null);
    assert.ok(bundle.confidence! > 0);
    assert.match(bundle.reason!, /transaction count/);
  });
});
