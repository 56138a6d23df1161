import * as grpc from '@grpc/grpc-js';
import { GrpcError } from '@tessera/common';
import type { federationV1 } from '@tessera/proto';
import type { FederationRepository, RoundKind } from '../repositories/federation.repository';
import { kindOf } from '../repositories/federation.repository';
import { roundMessage } from '../grpc/round-message';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What demand-series and price-response rounds published: noisy aggregates and the fits made
 * from them, by round (the latest completed round of the kind when none is named).
 */
export class PublishedStatistics {
  constructor(private readonly repository: FederationRepository) {}

  async listDemandSeries(request: federationV1.ListDemandSeriesRequest): Promise<federationV1.ListDemandSeriesResponse> {
    const found = await this.completedRound(request.roundId, 'demand-series');
    if (!found) return { round: undefined, period: '', points: [] };
    const points = await this.repository.demandSeries(found.round.round_id, request.skus ?? []);
    return { round: roundMessage(found.round, found.participants), period: found.round.config.period ?? 'week', points };
  }

  async listPriceResponses(request: federationV1.ListPriceResponsesRequest): Promise<federationV1.ListPriceResponsesResponse> {
    const found = await this.completedRound(request.roundId, 'price-response');
    if (!found) return { round: undefined, items: [] };
    const items = await this.repository.priceResponses(found.round.round_id);
    // A fit the noisy statistics do not support is published as NaN, so it is never read as 0.
    return {
      round: roundMessage(found.round, found.participants),
      items: items.map((i) => ({ sku: i.sku, elasticity: i.elasticity ?? NaN, stdError: i.stdError ?? NaN, low95: i.low95 ?? NaN, high95: i.high95 ?? NaN, observations: i.observations })),
    };
  }

  private async completedRound(roundId: string, kind: RoundKind) {
    if (roundId && !UUID.test(roundId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `roundId ${JSON.stringify(roundId)} is not a round id`);
    const id = roundId || (await this.repository.latestCompletedRoundId(kind));
    if (!id) return undefined;
    const found = await this.repository.findRound(id);
    if (!found) throw new GrpcError(grpc.status.NOT_FOUND, `no round ${id}`);
    if (kindOf(found.round.config) !== kind) throw new GrpcError(grpc.status.FAILED_PRECONDITION, `round ${id} is a ${kindOf(found.round.config)} round, not a ${kind} round`);
    if (found.round.status !== 'completed') throw new GrpcError(grpc.status.FAILED_PRECONDITION, `round ${id} is ${found.round.status}, not completed; nothing was published`);
    return found;
  }
}
