/**
 * A ChatModel wrapper per dialogue: counts requests and token usage per role, reports each call's
 * usage as an event, and enforces the run's token budget before every request.
 */
import { LlmError, type ChatModel, type ChatRequest, type ChatResult, type LlmRole, type StructuredRequest, type TokenUsage } from '../llm/types';
import type { UsageByRole } from './types';

/** Shared by all dialogues of a run (one process). */
export class TokenMeter {
  total = 0;
  constructor(readonly budget: number | undefined) {}
  get exhausted(): boolean {
    return this.budget !== undefined && this.total >= this.budget;
  }
}

export class MeteredModel implements ChatModel {
  readonly usage: UsageByRole = {};
  calls = 0;
  /** Answers re-asked per role because the caller's validator rejected them (structured requests). */
  readonly repairs: Partial<Record<LlmRole, number>> = {};

  constructor(
    private readonly inner: ChatModel,
    private readonly meter: TokenMeter,
    private readonly onUsage: (role: LlmRole, usage: TokenUsage, totalTokens: number) => void,
  ) {}

  private before(role: LlmRole): void {
    if (this.meter.exhausted) throw new LlmError('budget-exceeded', `token budget of ${this.meter.budget} reached`, role);
    this.calls++;
  }

  private after(role: LlmRole, u: TokenUsage): void {
    const prev = this.usage[role] ?? { promptTokens: 0, completionTokens: 0 };
    this.usage[role] = { promptTokens: prev.promptTokens + u.promptTokens, completionTokens: prev.completionTokens + u.completionTokens };
    this.meter.total += u.promptTokens + u.completionTokens;
    this.onUsage(role, u, this.meter.total);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    this.before(req.role);
    const r = await this.inner.chat(req);
    this.after(req.role, r.usage);
    return r;
  }

  /** Counts a repair made outside the LLM client (e.g. an assistant turn sampled again). */
  countRepair(role: LlmRole): void {
    this.repairs[role] = (this.repairs[role] ?? 0) + 1;
  }

  async structured<T>(req: StructuredRequest<T>): Promise<{ value: T; usage: TokenUsage }> {
    this.before(req.role);
    // Every rejected answer is re-asked by the client, except the last one of a request that fails.
    let rejected = 0;
    const validate: StructuredRequest<T>['validate'] = (v) => {
      const r = req.validate(v);
      if (!r.ok) rejected++;
      return r;
    };
    try {
      const r = await this.inner.structured({ ...req, validate });
      this.after(req.role, r.usage);
      return r;
    } catch (e) {
      if (e instanceof LlmError && e.code === 'invalid-output') rejected = Math.max(0, rejected - 1);
      throw e;
    } finally {
      if (rejected > 0) this.repairs[req.role] = (this.repairs[req.role] ?? 0) + rejected;
    }
  }
}
