import * as grpc from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { GrpcError } from '@tessera/common';
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
async function rules<Res>(handler: () => Promise<Res>): Promise<Res> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof PrivacyRuleError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
    throw error;
  }
}

/** The PrivacyService gRPC API (proto/tessera/privacy/v1/privacy_service.proto). */
@Controller()
export class PrivacyGrpcController {
  constructor(private readonly budgets: BudgetService) {}

  @GrpcMethod('PrivacyService', 'GetBudget')
  getBudget(request: privacyV1.GetBudgetRequest): Promise<privacyV1.GetBudgetResponse> {
    return rules(async () => ({ budget: budgetMessage(await this.budgets.get(store(request.storeId))) }));
  }

  @GrpcMethod('PrivacyService', 'UpdateConfig')
  updateConfig(request: privacyV1.UpdateConfigRequest): Promise<privacyV1.UpdateConfigResponse> {
    return rules(async () => ({
      budget: budgetMessage(
        await this.budgets.updateConfig(
          store(request.storeId),
          { epsilonCap: request.epsilonCap, defaultRoundEpsilon: request.defaultRoundEpsilon, mechanism: mechanismName(request.mechanism), hashPatterns: request.hashPatterns },
          request.changedBy,
        ),
      ),
    }));
  }

  @GrpcMethod('PrivacyService', 'Spend')
  spend(request: privacyV1.SpendRequest): Promise<privacyV1.SpendResponse> {
    return rules(async () => {
      const mechanism = mechanismName(request.mechanism);
      if (!mechanism) throw new PrivacyRuleError('mechanism is required');
      let parameters: unknown = {};
      try {
        parameters = request.parametersJson ? JSON.parse(request.parametersJson) : {};
      } catch {
        throw new PrivacyRuleError('parametersJson must be JSON');
      }
      const result = await this.budgets.spend({ storeId: store(request.storeId), roundId: request.roundId, releaseId: request.releaseId, mechanism, rho: request.rho, parameters });
      return { granted: result.granted, reason: result.reason ?? '', replayed: result.replayed, entry: result.entry ? entryMessage(result.entry) : undefined, budget: budgetMessage(result.budget) };
    });
  }

  @GrpcMethod('PrivacyService', 'ListLedger')
  listLedger(request: privacyV1.ListLedgerRequest): Promise<privacyV1.ListLedgerResponse> {
    return rules(async () => {
      const { entries, total } = await this.budgets.ledger(store(request.storeId), request.limit, request.offset);
      return { entries: entries.map(entryMessage), total: String(total) };
    });
  }

  @GrpcMethod('PrivacyService', 'PreviewImpact')
  previewImpact(request: privacyV1.PreviewImpactRequest): Promise<privacyV1.PreviewImpactResponse> {
    return rules(async () => {
      const preview = await this.budgets.preview(store(request.storeId), {
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
    });
  }
}
