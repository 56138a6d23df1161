import { canSpend, nextUp, remainingRho, spentEpsilon, epsilonAfter, gaussianRhoFromSigma, pureDpToRho } from '@tessera/privacy';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER } from '@tessera/nest-core';
import { LEDGER_TOPIC } from './privacy.tokens';
import { privacyV1 } from '@tessera/proto';
import { BudgetRepository, type BudgetRow, type LedgerRow, type MechanismName } from './repositories/budget.repository';
import { previewImpact } from './impact-preview.util';

export class PrivacyRuleError extends Error {}

export interface BudgetView {
  storeId: string;
  epsilonCap: number;
  delta: number;
  spentRho: number;
  spentEpsilon: number;
  remainingRho: number;
  remainingEpsilon: number;
  defaultRoundEpsilon: number;
  mechanism: MechanismName;
  hashPatterns: boolean;
  exhausted: boolean;
  releaseCount: number;
  updatedAt: string;
}

export interface SpendResult {
  granted: boolean;
  reason?: string;
  replayed: boolean;
  entry?: LedgerRow;
  budget: BudgetView;
}

/** Spent rho as a double no smaller than the exact decimal sum, so rounding never undercounts. */
function spentRhoOf(row: BudgetRow): number {
  const value = Number(row.spent_rho);
  return String(value) === row.spent_rho || value === 0 ? value : nextUp(value);
}

export function budgetView(row: BudgetRow): BudgetView {
  const spent = spentRhoOf(row);
  const remaining = remainingRho(spent, row.epsilon_cap, row.delta);
  const spentEps = spent === 0 ? 0 : spentEpsilon(spent, row.delta);
  return {
    storeId: row.store_id,
    epsilonCap: row.epsilon_cap,
    delta: row.delta,
    spentRho: spent,
    spentEpsilon: spentEps,
    remainingRho: remaining,
    remainingEpsilon: Math.max(0, row.epsilon_cap - spentEps),
    defaultRoundEpsilon: row.default_round_epsilon,
    mechanism: row.mechanism,
    hashPatterns: row.hash_patterns,
    exhausted: remaining <= 0,
    releaseCount: Number(row.release_count),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * The store's privacy budget. A spend is checked and recorded in one transaction that
 * holds the budget row's lock, so concurrent rounds can never take the store past its
 * cap; a (round, release) already paid for is answered from the ledger, not paid twice.
 */
@Injectable()
export class BudgetService {
  private readonly spends;

  constructor(
    private readonly budgets: BudgetRepository,
    @Optional() @Inject(BUS) private readonly bus: Bus | undefined,
    @Inject(LEDGER_TOPIC) private readonly ledgerTopic: string,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.spends = metrics.counter('privacy_spend_requests_total', 'Budget spend requests, by outcome', ['outcome'] as const);
  }

  async get(storeId: string): Promise<BudgetView> {
    return budgetView(await this.budgets.get(storeId));
  }

  async spend(request: { storeId: string; roundId: string; releaseId: string; mechanism: MechanismName; rho: number; parameters: unknown }): Promise<SpendResult> {
    if (!(request.rho > 0) || !Number.isFinite(request.rho)) throw new PrivacyRuleError(`rho must be a positive finite number, got ${request.rho}`);
    if (!request.roundId || !request.releaseId) throw new PrivacyRuleError('roundId and releaseId are required');
    const result = await this.budgets.withLockedBudget(request.storeId, async (manager, row) => {
      const existing = await this.budgets.findEntry(manager, request.storeId, request.roundId, request.releaseId);
      if (existing) return { granted: true, replayed: true, entry: existing, budget: budgetView(row) } satisfies SpendResult;
      const spent = spentRhoOf(row);
      if (!canSpend(spent, row.epsilon_cap, row.delta, request.rho)) {
        const view = budgetView(row);
        const reason = view.exhausted
          ? `the store's privacy budget is spent (epsilon ${view.spentEpsilon.toFixed(3)} of ${row.epsilon_cap} at delta ${row.delta}); it cannot join further rounds, and keeps what it already received`
          : `this release (rho ${request.rho}) would take the store to epsilon ${epsilonAfter(spent, row.delta, request.rho).toFixed(3)}, above its cap ${row.epsilon_cap} at delta ${row.delta}`;
        return { granted: false, replayed: false, reason, budget: view } satisfies SpendResult;
      }
      const rho = String(request.rho); // shortest round-trip decimal: the numeric sum is exact
      const appended = await this.budgets.appendEntry(manager, {
        storeId: request.storeId,
        roundId: request.roundId,
        releaseId: request.releaseId,
        mechanism: request.mechanism,
        rho,
        parameters: request.parameters,
        epsilonAfter: epsilonAfter(spent, row.delta, request.rho),
      });
      return { granted: true, replayed: false, entry: appended.entry, budget: budgetView(appended.budget) } satisfies SpendResult;
    });
    this.spends.inc({ outcome: result.replayed ? 'replayed' : result.granted ? 'granted' : 'refused' });
    if (result.granted && !result.replayed && result.entry) await this.announce(result.entry);
    return result;
  }

  async updateConfig(storeId: string, changes: { epsilonCap?: number; defaultRoundEpsilon?: number; mechanism?: MechanismName; hashPatterns?: boolean }, changedBy: string): Promise<BudgetView> {
    const columns: Parameters<BudgetRepository['updateConfig']>[1] = {};
    if (changes.epsilonCap !== undefined) {
      if (!(changes.epsilonCap > 0 && changes.epsilonCap <= 100)) throw new PrivacyRuleError('epsilonCap must be in (0, 100]');
      columns.epsilon_cap = changes.epsilonCap;
    }
    if (changes.defaultRoundEpsilon !== undefined) {
      if (!(changes.defaultRoundEpsilon > 0 && changes.defaultRoundEpsilon <= 100)) throw new PrivacyRuleError('defaultRoundEpsilon must be in (0, 100]');
      columns.default_round_epsilon = changes.defaultRoundEpsilon;
    }
    if (changes.mechanism !== undefined) columns.mechanism = changes.mechanism;
    if (changes.hashPatterns !== undefined) columns.hash_patterns = changes.hashPatterns;
    return budgetView(await this.budgets.updateConfig(storeId, columns, changedBy));
  }

  async ledger(storeId: string, limit: number, offset: number) {
    return this.budgets.listEntries(storeId, Math.min(Math.max(limit || 50, 1), 500), Math.max(offset, 0));
  }

  async preview(storeId: string, input: { epsilon: number; delta?: number; clipBoundCents: number; patterns: { items: string[]; utilityCents: number }[] }) {
    const budget = await this.get(storeId);
    const delta = input.delta && input.delta > 0 ? input.delta : budget.delta;
    let impact;
    try {
      impact = previewImpact({ epsilon: input.epsilon, delta, clipBoundCents: input.clipBoundCents, mechanism: budget.mechanism, patterns: input.patterns });
    } catch (error) {
      throw new PrivacyRuleError((error as Error).message);
    }
    const rho =
      budget.mechanism === 'discrete-gaussian'
        ? gaussianRhoFromSigma(input.clipBoundCents, impact.scale)
        : pureDpToRho(input.epsilon);
    return {
      scale: impact.scale,
      rho,
      epsilonAfter: epsilonAfter(budget.spentRho, budget.delta, rho),
      fitsBudget: canSpend(budget.spentRho, budget.epsilonCap, budget.delta, rho),
      patterns: impact.patterns,
    };
  }

  private async announce(entry: LedgerRow) {
    if (!this.bus) return;
    const event = privacyV1.LedgerEntryRecorded.encode({
      storeId: entry.store_id,
      entryId: entry.entry_id,
      roundId: entry.round_id,
      releaseId: entry.release_id,
      rho: Number(entry.rho),
      totalRhoAfter: Number(entry.total_rho_after),
      epsilonAfter: entry.epsilon_after,
      createdAt: new Date(entry.created_at).toISOString(),
    }).finish();
    await this.bus.publish(this.ledgerTopic, [{ key: entry.store_id, value: Buffer.from(event), headers: { 'message-type': 'tessera.privacy.v1.LedgerEntryRecorded' } }]).catch((error) => this.logger.error({ err: error }, 'could not publish privacy.ledger.v1 event; the ledger entry is committed'));
  }
}
