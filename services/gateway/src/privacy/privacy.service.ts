import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { miningV1, privacyV1 } from '@tessera/proto';
import { callUnary } from '../clients/ingestion.client';
import { MINING_CLIENT, PRIVACY_CLIENT } from '../clients/store-node.clients';
import { Downstream } from '../clients/downstream';
import type { ImpactPreviewBody, LedgerQuery, UpdatePrivacyConfigBody } from './privacy.dto';

const MECHANISM: Record<number, string> = {
  [privacyV1.Mechanism.MECHANISM_DISCRETE_GAUSSIAN]: 'discrete-gaussian',
  [privacyV1.Mechanism.MECHANISM_DISCRETE_LAPLACE]: 'discrete-laplace',
};

function budgetJson(budget: privacyV1.Budget) {
  return {
    storeId: budget.storeId,
    epsilonCap: budget.epsilonCap,
    delta: budget.delta,
    spentEpsilon: budget.spentEpsilon,
    remainingEpsilon: budget.remainingEpsilon,
    spentRho: budget.spentRho,
    remainingRho: budget.remainingRho,
    exhausted: budget.exhausted,
    releaseCount: Number(budget.releaseCount),
    defaultRoundEpsilon: budget.defaultRoundEpsilon,
    mechanism: MECHANISM[budget.mechanism] ?? 'unknown',
    hashPatterns: budget.hashPatterns,
    updatedAt: budget.updatedAt,
  };
}

@Injectable()
export class PrivacyService {
  constructor(
    @Inject(PRIVACY_CLIENT) private readonly privacy: privacyV1.PrivacyServiceClient,
    @Inject(MINING_CLIENT) private readonly mining: miningV1.MiningServiceClient,
    private readonly downstream: Downstream,
  ) {}

  async budget(storeId: string, requestId?: string) {
    const { budget } = await this.downstream.run('privacy', () => callUnary(this.privacy.getBudget.bind(this.privacy), { storeId }, requestId));
    return budgetJson(budget!);
  }

  async ledger(query: LedgerQuery, requestId?: string) {
    const response = await this.downstream.run('privacy', () => callUnary(this.privacy.listLedger.bind(this.privacy), { storeId: query.storeId, limit: query.limit ?? 50, offset: query.offset ?? 0 }, requestId));
    return {
      entries: response.entries.map((e) => ({
        entryId: e.entryId,
        roundId: e.roundId,
        releaseId: e.releaseId,
        mechanism: MECHANISM[e.mechanism] ?? 'unknown',
        rho: e.rho,
        parameters: JSON.parse(e.parametersJson || '{}'),
        totalRhoAfter: e.totalRhoAfter,
        epsilonAfter: e.epsilonAfter,
        createdAt: e.createdAt,
      })),
      total: Number(response.total),
    };
  }

  async updateConfig(body: UpdatePrivacyConfigBody, changedBy: string, requestId?: string) {
    const mechanism = body.mechanism === 'discrete-laplace' ? privacyV1.Mechanism.MECHANISM_DISCRETE_LAPLACE : body.mechanism === 'discrete-gaussian' ? privacyV1.Mechanism.MECHANISM_DISCRETE_GAUSSIAN : privacyV1.Mechanism.MECHANISM_UNSPECIFIED;
    const { budget } = await this.downstream.run('privacy', () =>
      callUnary(this.privacy.updateConfig.bind(this.privacy), { storeId: body.storeId, epsilonCap: body.epsilonCap, defaultRoundEpsilon: body.defaultRoundEpsilon, mechanism, hashPatterns: body.hashPatterns, changedBy }, requestId),
    );
    return budgetJson(budget!);
  }

  async preview(body: ImpactPreviewBody, requestId?: string) {
    let patterns = (body.patterns ?? []).map((p) => ({ items: p.items, utilityCents: String(Math.round(p.utility * 100)) }));
    if (body.miningJobId) {
      const listed = await this.downstream.run('mining', () =>
        callUnary(this.mining.listPatterns.bind(this.mining), { storeId: body.storeId, jobId: body.miningJobId!, sortBy: 'utility', order: 'desc', minUtilityCents: '0', minConfidence: 0, minLength: 0, maxLength: 0, containsItem: '', limit: 100, offset: 0 }, requestId),
      );
      patterns = patterns.concat(listed.patterns.map((p) => ({ items: p.items, utilityCents: p.utilityCents })));
    }
    if (patterns.length === 0) throw new BadRequestException('give patterns, or miningJobId of a completed mining job');
    const response = await this.downstream.run('privacy', () =>
      callUnary(this.privacy.previewImpact.bind(this.privacy), { storeId: body.storeId, epsilon: body.epsilon, delta: 0, clipBoundCents: String(Math.round(body.clipBound * 100)), patterns }, requestId),
    );
    return {
      epsilon: body.epsilon,
      noiseScale: response.sigmaCents / 100,
      rho: response.rho,
      epsilonAfterRound: response.epsilonAfter,
      fitsBudget: response.fitsBudget,
      patterns: response.patterns.map((p) => ({
        items: p.items,
        utility: Number(p.utilityCents) / 100,
        expectedAbsoluteError: p.expectedAbsoluteErrorCents / 100,
        interval95HalfWidth: p.interval95HalfWidthCents / 100,
        expectedRelativeError: p.expectedRelativeError,
      })),
    };
  }
}
