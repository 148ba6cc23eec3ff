/**
 * Answers the review webview's requests from a `ReviewDocumentModel`: queries, rows, the selected
 * dialogue as a view, actions, argument checks. No `vscode` import, so the benchmark drives the same
 * code in plain Node against the real webview bundle in Chromium.
 */
import { checkToolArguments, planKindOf, reviewOf, ReviewActionError, type ReviewContext, type ReviewDocumentModel, type ReviewedRecord } from '../../engine/review';
import type { DialogueDetail, FromReviewWebview, MessageDetail, PlanStepDetail, ReviewCountsView, ReviewResults, ReviewRow } from '../../shared/review';

type ReviewRequest = Extract<FromReviewWebview, { kind: 'request' }>;

function pretty(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

export function rowOf(model: ReviewDocumentModel, slot: number): ReviewRow {
  const s = model.summary(slot);
  const score = model.score(slot);
  return {
    slot,
    id: s.id,
    index: s.index,
    status: s.status,
    filterStatus: s.filterStatus,
    ...(s.verdict ? { verdict: s.verdict } : {}),
    reasons: s.reasons,
    tags: s.tags,
    planKinds: s.planKinds,
    turns: s.turns,
    tools: s.tools,
    called: s.called,
    reviewed: s.reviewed,
    edited: s.edited,
    ...(score !== undefined ? { score } : {}),
  };
}

export function countsOf(model: ReviewDocumentModel): ReviewCountsView {
  return model.counts();
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}

/** The record as the webview shows it. Records are untrusted: every field is read defensively. */
export function detailOf(model: ReviewDocumentModel, slot: number, record: ReviewedRecord): DialogueDetail {
  const review = reviewOf(record) ?? {};
  const messagesRaw: unknown[] = Array.isArray(record.messages) ? record.messages : [];
  const callNames = new Map<string, string>();
  const editedIdx = new Set((review.edits ?? []).filter((e) => e.kind !== 'delete').map((e) => e.messageIndex));
  const messages: MessageDetail[] = messagesRaw.map((raw, index): MessageDetail => {
    const m = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const role = m.role === 'assistant' || m.role === 'tool' || m.role === 'system' ? m.role : 'user';
    const out: MessageDetail = { index, role, content: typeof m.content === 'string' ? m.content : m.content === null ? null : str(m.content) };
    if (editedIdx.has(index)) out.edited = true;
    if (role === 'assistant' && Array.isArray(m.tool_calls)) {
      out.toolCalls = m.tool_calls.map((c: unknown) => {
        const call = (c && typeof c === 'object' ? c : {}) as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
        const id = str(call.id);
        const name = str(call.function?.name);
        callNames.set(id, name);
        const args = str(call.function?.arguments);
        return { id, name, arguments: pretty(args) ?? args };
      });
    }
    if (role === 'tool') {
      out.toolCallId = str(m.tool_call_id);
      const name = callNames.get(out.toolCallId);
      if (name) out.toolName = name;
      const p = out.content !== null ? pretty(out.content) : undefined;
      if (p !== undefined) out.pretty = p;
    }
    return out;
  });
  // Which messages served each plan step: the pipeline's `userTurnSteps` (user turns), or `turns` on
  // a step where a hand-made record says so.
  const servedBy = new Map<number, number[]>();
  for (const u of Array.isArray(record.userTurnSteps) ? record.userTurnSteps : []) {
    if (!u || typeof u.messageIndex !== 'number' || typeof u.step !== 'number') continue;
    servedBy.set(u.step, [...(servedBy.get(u.step) ?? []), u.messageIndex]);
  }
  const plan: PlanStepDetail[] | null =
    record.plan && Array.isArray(record.plan.steps)
      ? record.plan.steps.map((s, stepIndex) => {
          const step = s as { kind?: unknown; request?: unknown; tools?: unknown; turns?: unknown; messages?: unknown };
          const turns = Array.isArray(step.turns) ? step.turns : Array.isArray(step.messages) ? step.messages : servedBy.get(stepIndex);
          return {
            kind: planKindOf(step.kind),
            request: str(step.request),
            ...(Array.isArray(step.tools) ? { tools: step.tools.map(str) } : {}),
            ...(turns ? { turns: turns.filter((n): n is number => typeof n === 'number') } : {}),
          };
        })
      : null;
  const score = model.score(slot);
  const q = model.qualityOf(slot);
  const quality: Record<string, number> = {};
  if (q) {
    for (const k of ['ss', 'enr', 'entropy', 'distinct3', 'tokens'] as const) if (typeof q[k] === 'number') quality[k] = q[k];
    if (q.judge) for (const k of ['naturalness', 'coherence', 'helpfulness', 'accuracy'] as const) if (typeof q.judge[k] === 'number') quality[k] = q.judge[k];
  }
  const usage = record.usage && typeof record.usage === 'object' ? Object.entries(record.usage) : [];
  return {
    slot,
    line: model.lineNumber(slot),
    id: str(record.id),
    index: typeof record.index === 'number' ? record.index : -1,
    status: review.verdict ?? (record.status === 'rejected' ? 'rejected' : 'accepted'),
    filterStatus: record.status === 'rejected' ? 'rejected' : 'accepted',
    ...(review.verdict ? { verdict: review.verdict } : {}),
    ...(review.note !== undefined ? { note: review.note } : {}),
    tags: review.tags ?? [],
    reviewed: review.reviewed === true || review.verdict !== undefined,
    ...(review.by ? { by: review.by } : {}),
    ...(review.at ? { at: review.at } : {}),
    edits: (review.edits ?? []).map((e) => ({ messageIndex: e.messageIndex, kind: e.kind, at: str(e.at), ...(e.by ? { by: e.by } : {}), original: JSON.stringify(e.original, null, 2) })),
    reasons: (Array.isArray(record.reasons) ? record.reasons : []).map((r) => ({
      code: str(r.code),
      message: str(r.message),
      ...(typeof r.messageIndex === 'number' ? { messageIndex: r.messageIndex } : {}),
      ...(typeof r.pointer === 'string' ? { pointer: r.pointer } : {}),
      ...(typeof r.tool === 'string' ? { tool: r.tool } : {}),
    })),
    plan,
    messages,
    tools: (Array.isArray(record.tools) ? record.tools : []).map((t) => ({
      name: str(t?.function?.name),
      description: str(t?.function?.description),
      parameters: JSON.stringify(t?.function?.parameters ?? {}, null, 2),
    })),
    style: str(record.style),
    usage: usage.map(([role, u]) => ({ role, promptTokens: Number(u?.promptTokens) || 0, completionTokens: Number(u?.completionTokens) || 0 })),
    llmCalls: typeof record.llmCalls === 'number' ? record.llmCalls : 0,
    ...(score !== undefined ? { score } : {}),
    ...(Object.keys(quality).length ? { quality } : {}),
  };
}

export interface ReviewRequestContext {
  /** Why edits are refused now (run being written), or null. */
  readOnly: () => string | null;
  /** Applies an action through the editor (so it joins VS Code's undo stack). */
  apply: (slot: number, action: Extract<ReviewRequest, { method: 'review/apply' }>['params']['action']) => Promise<void>;
  reviewer: ReviewContext;
}

export async function answerReviewRequest(model: ReviewDocumentModel, req: ReviewRequest, ctx: ReviewRequestContext): Promise<ReviewResults[keyof ReviewResults]> {
  switch (req.method) {
    case 'review/query': {
      const t0 = performance.now();
      const slots = await model.query(req.params);
      return { slots, ms: performance.now() - t0 };
    }
    case 'review/rows':
      return req.params.slots.filter((s) => s >= 0 && s < model.count).map((s) => rowOf(model, s));
    case 'review/dialogue':
      return detailOf(model, req.params.slot, await model.record(req.params.slot));
    case 'review/apply': {
      const why = ctx.readOnly();
      if (why) throw new ReviewActionError(`read-only: ${why}`);
      await ctx.apply(req.params.slot, req.params.action);
      return { ok: true };
    }
    case 'review/checkArguments': {
      const record = await model.record(req.params.slot);
      return checkToolArguments(Array.isArray(record.tools) ? record.tools : [], req.params.name, req.params.text);
    }
  }
}
