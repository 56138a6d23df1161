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
    // The round publishes the support noise but not its (noisy) transaction count, so lift stays
    // unknown and each bundle says so (docs/insights.md).
    return consortiumBundles(patterns, { supportSigma: round.supportSigma }, { roundId: round.roundId, completedAt: round.completedAt }, names);
  }
}
