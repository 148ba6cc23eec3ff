/** Token usage and cost per role, with an optional budget cap. */
import type { LlmBudget, ModelPrice } from './config';
import { LLM_ROLES, LlmError, type LlmRole, type TokenUsage } from './types';

export interface RoleUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** US dollars by the price table; 0 for models without a price. */
  costUsd: number;
}

export type UsageByRole = Record<LlmRole, RoleUsage>;

export function emptyUsage(): UsageByRole {
  const u = {} as UsageByRole;
  for (const r of LLM_ROLES) u[r] = { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  return u;
}

export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  return (usage.promptTokens * price.inputPerMillion + usage.completionTokens * price.outputPerMillion) / 1_000_000;
}

export class UsageMeter {
  private readonly byRole = emptyUsage();

  constructor(
    private readonly prices: Record<string, ModelPrice> = {},
    private readonly budget: LlmBudget = {},
  ) {}

  /** Adds one answered request; returns its cost in US dollars. */
  record(role: LlmRole, model: string, usage: TokenUsage): number {
    const cost = costOf(usage, this.prices[model]);
    const r = this.byRole[role];
    r.requests++;
    r.promptTokens += usage.promptTokens;
    r.completionTokens += usage.completionTokens;
    r.costUsd += cost;
    return cost;
  }

  /** A copy of the usage so far. */
  snapshot(): UsageByRole {
    const copy = emptyUsage();
    for (const r of LLM_ROLES) copy[r] = { ...this.byRole[r] };
    return copy;
  }

  /** A copy of one role's usage so far. */
  roleUsage(role: LlmRole): RoleUsage {
    return { ...this.byRole[role] };
  }

  totals(): RoleUsage {
    const t: RoleUsage = { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
    for (const r of LLM_ROLES) {
      const u = this.byRole[r];
      t.requests += u.requests;
      t.promptTokens += u.promptTokens;
      t.completionTokens += u.completionTokens;
      t.costUsd += u.costUsd;
    }
    return t;
  }

  /** Throws LlmError('budget-exceeded') once the budget is spent; called before every request. */
  checkBudget(role: LlmRole): void {
    const t = this.totals();
    if (this.budget.maxCostUsd !== undefined && t.costUsd >= this.budget.maxCostUsd) {
      throw new LlmError('budget-exceeded', `LLM budget of $${this.budget.maxCostUsd} reached ($${t.costUsd.toFixed(4)} spent)`, role);
    }
    if (this.budget.maxTokens !== undefined && t.promptTokens + t.completionTokens >= this.budget.maxTokens) {
      throw new LlmError('budget-exceeded', `LLM token budget of ${this.budget.maxTokens} reached (${t.promptTokens + t.completionTokens} used)`, role);
    }
  }
}
