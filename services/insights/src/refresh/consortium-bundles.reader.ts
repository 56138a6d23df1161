import { Injectable } from '@nestjs/common';
import { FederationClient } from '../clients/grpc-clients';
import type { BundleDocument } from '../insight-documents';
import { consortiumBundles } from '../insights.util';

/** Bundles of the latest itemset round, from federation's published global patterns only. */
@Injectable()
export class ConsortiumBundlesReader {
  constructor(private readonly federation: FederationClient) {}

  async read(names: ReadonlyMap<string, string> = new Map()): Promise<BundleDocument> {
    const response = await this.federation.listGlobalPatterns({ limit: 1000 });
    const round = response.round;
    if (!round || !round.roundId) return { round: null, bundles: [] };
    const patterns = response.patterns.map((p) => ({ items: p.items, utilityCents: p.aggregatedUtilityCents, support: p.globalSupport }));
    // The round's noisy transaction count and the supports of the bundles' parts come from the
    // same noisy sum as the patterns; a round published before they were measured has neither
    // (transaction count 0), and its bundles say that lift is unknown (docs/insights.md).
    const transactions = round.transactionCount > 0 ? { value: round.transactionCount, sigma: round.transactionCountSigma } : undefined;
    const parts = response.subsetSupports.map((s) => ({ items: s.items, support: s.support }));
    return consortiumBundles(patterns, { supportSigma: round.supportSigma, transactions }, { roundId: round.roundId, completedAt: round.completedAt }, names, parts);
  }
}
