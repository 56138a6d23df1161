import * as grpc from '@grpc/grpc-js';
import { GrpcError, unary, type GrpcBinding } from '@tessera/common';
import { privacyV1 } from '@tessera/proto';
import { BudgetService, PrivacyRuleError, type BudgetView } from '../budget.service';
import type { LedgerRow, MechanismName } from '../repositories/budget.repository';

const { Mechanism } = privacyV1;
const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const mechanismName = (code: privacyV1.Mechanism): MechanismName | undefined =>
  code === Mechanism.MECHANISM_DISCRETE_GAUSSIAN ? 'discrete-gaussian' : code === Mechanism.MECHANISM_DISCRETE_LAPLACE ? 'discrete-laplace' : undefined;
const mechanismCode = (name: MechanismName) => (name === 'discrete-gaussian' ? Mechanism.MECHANISM_DISCRETE_GAUSSIAN : Mechanism.MECHANISM_DISCRETE_LAPLACE);

function budgetMessage(view: BudgetView): privacyV1.Budget {
  return { ...view, mechanism: mechanismCode(view.mechanism), releaseCount: String(view.releaseCount) };
}

function entryMessage(row: LedgerRow): privacyV1.LedgerEntry {
  return {
    entryId: row.entry_id,
    storeId: row.store_id,
    roundId: row.round_id,
    releaseId: row.release_id,
    mechanism: mechanismCode(row.mechanism),
    rho: Number(row.rho),
    parametersJson: JSON.stringify(row.parameters),
    totalRhoAfter: Number(row.total_rho_after),
    epsilonAfter: row.epsilon_after,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function store(storeId: string): string {
  if (!STORE_ID.test(storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(storeId)} is not a valid store id`);
  return storeId;
}

/** Rule violations become INVALID_ARGUMENT with the rule's own message. */
function rules<Req, Res>(handler: (request: Req) => Promise<Res>) {
  return unary<Req, Res>(async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof PrivacyRuleError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
      throw error;
    }
  });
}

export function privacyGrpcBinding(budgets: BudgetService): GrpcBinding {
  const implementation: privacyV1.PrivacyServiceServer = {
    getBudget: rules(async (request) => ({ budget: budgetMessage(await budgets.get(store(request.storeId))) })),
    updateConfig: rules(async (request) => ({
      budget: budgetMessage(
        await budgets.updateConfig(
          store(request.storeId),
          { epsilonCap: request.epsilonCap, defaultRoundEpsilon: request.defaultRoundEpsilon, mechanism: mechanismName(request.mechanism), hashPatterns: request.hashPatterns },
          request.changedBy,
        ),
      ),
    })),
    spend: rules(async (request) => {
      const mechanism = mechanismName(request.mechanism);
      if (!mechanism) throw new PrivacyRuleError('mechanism is required');
      let parameters: unknown = {};
      try {
        parameters = request.parametersJson ? JSON.parse(request.parametersJson) : {};
      } catch {
        throw new PrivacyRuleError('parametersJson must be JSON');
      }
      const result = await budgets.spend({ storeId: store(request.storeId), roundId: request.roundId, releaseId: request.releaseId, mechanism, rho: request.rho, parameters });
      return { granted: result.granted, reason: result.reason ?? '', replayed: result.replayed, entry: result.entry ? entryMessage(result.entry) : undefined, budget: budgetMessage(result.budget) };
    }),
    listLedger: rules(async (request) => {
      const { entries, total } = await budgets.ledger(store(request.storeId), request.limit, request.offset);
      return { entries: entries.map(entryMessage), total: String(total) };
    }),
    previewImpact: rules(async (request) => {
      const preview = await budgets.preview(store(request.storeId), {
        epsilon: request.epsilon,
        delta: request.delta,
        clipBoundCents: Number(request.clipBoundCents),
        patterns: request.patterns.map((p) => ({ items: p.items, utilityCents: Number(p.utilityCents) })),
      });
      return {
        sigmaCents: preview.scale,
        rho: preview.rho,
        epsilonAfter: preview.epsilonAfter,
        fitsBudget: preview.fitsBudget,
        patterns: preview.patterns.map((p) => ({ ...p, utilityCents: String(p.utilityCents) })),
      };
    }),
  };
  return { definition: privacyV1.PrivacyServiceService, implementation };
}
