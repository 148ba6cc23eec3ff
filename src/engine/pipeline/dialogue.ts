/**
 * Simulates one dialogue (paper 3.3): optional plan, then user turn -> assistant turn(s) -> tool
 * simulations, until the user finishes, the plan is done or the turn limit is hit; then the
 * rule-based filter judges it. Every outcome is a `DialogueRecord` (accepted or rejected with
 * reasons) except cancellation and budget exhaustion, which throw `DialogueStopped` so the runner
 * leaves the dialogue for a resume.
 */
import { LlmError, type ChatMessage, type ChatModel, type ToolCall } from '../llm/types';
import { toOpenAITool, type Tool } from '../model/tool';
import { ASSISTANT_SYSTEM_PROMPT, assistantTurn } from './agents/assistant';
import { USER_STYLES } from './agents/styles';
import { simulateTool } from './agents/toolSimulator';
import { userTurn, type UserContext } from './agents/user';
import type { MessageEvent as MessageWrittenEvent, PipelineEventListener } from './events';
import { checkToolCall, filterDialogue } from './filter';
import { throwIfEndpointFailure } from './endpointFailure';
import { MeteredModel, type TokenMeter } from './meteredModel';
import { makePlan, PlanUnusableError } from './plan';
import { createRng, intBetween, pick } from './random';
import type { DialoguePlan, DialogueRecord, RejectionReason, RunGenerationOptions } from './types';

/** Assistant tool-calling rounds allowed in answer to one user message. */
export const MAX_TOOL_ROUNDS_PER_TURN = 4;

/** Thrown when the run is cancelled or out of budget: the dialogue is not recorded. */
export class DialogueStopped extends Error {
  constructor(readonly why: 'aborted' | 'budget-exceeded') {
    super(why);
    this.name = 'DialogueStopped';
  }
}

export function dialogueId(index: number): string {
  return `d${String(index).padStart(6, '0')}`;
}

export interface DialogueInput {
  index: number;
  /** Seed of this dialogue (`dialogueSeed(runSeed, index)`). */
  seed: number;
  /** Sampled tools offered to the assistant. */
  tools: Tool[];
  model: ChatModel;
  meter: TokenMeter;
  options: RunGenerationOptions;
  signal: AbortSignal;
  emit: PipelineEventListener;
}

/** Gives every tool call a non-empty id unique within the dialogue (model output is untrusted). */
function normalizeCalls(calls: ToolCall[] | undefined, used: Set<string>): ToolCall[] {
  const out: ToolCall[] = [];
  for (const c of calls ?? []) {
    let id = typeof c.id === 'string' && c.id !== '' ? c.id : '';
    if (id === '' || used.has(id)) {
      let n = used.size + 1;
      while (used.has(`call_${n}`)) n++;
      id = `call_${n}`;
    }
    used.add(id);
    const args = typeof c.function?.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function?.arguments ?? {});
    out.push({ id, type: 'function', function: { name: String(c.function?.name ?? ''), arguments: args } });
  }
  return out;
}

export async function generateDialogue(input: DialogueInput): Promise<DialogueRecord> {
  const { index, seed, options, signal, emit } = input;
  const id = dialogueId(index);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  // Separate stream from the sampler's (which uses `seed` itself).
  const rng = createRng((seed ^ 0x5bd1e995) >>> 0);
  const style = pick(rng, USER_STYLES);
  const targetSteps = intBetween(rng, options.planSteps.min, options.planSteps.max);
  const offered = input.tools.map(toOpenAITool);
  const byTool = new Map(input.tools.map((t) => [t.name, t]));
  const byName = new Map(offered.map((t) => [t.function.name, t]));
  const model = new MeteredModel(input.model, input.meter, (role, usage, totalTokens) => emit({ type: 'usage', id, role, usage, totalTokens }));

  const messages: ChatMessage[] = [];
  const usedIds = new Set<string>();
  const reasons: RejectionReason[] = [];
  let plan: DialoguePlan | null = null;
  // 1-based plan step the user is working on; advanced when the user agent says a step is done.
  let currentStep = 1;
  const push = (m: ChatMessage, author: 'user' | 'assistant' | 'tool') => {
    messages.push(m);
    const event: MessageWrittenEvent = { type: 'message', id, messageIndex: messages.length - 1, author, message: m };
    if (plan) event.planStep = Math.min(currentStep, plan.steps.length) - 1;
    emit(event);
  };

  emit({ type: 'dialogue-started', id, index, tools: offered.map((t) => t.function.name), style });
  try {
    if (options.plan) {
      plan = await makePlan(model, offered, { targetSteps, retries: options.planRetries, signal });
      emit({ type: 'plan-ready', id, plan });
    }
    let userTurns = 0;
    conversation: for (;;) {
      if (!plan && userTurns >= targetSteps) break;
      if (userTurns >= options.maxTurns) {
        reasons.push({ code: 'turn-limit', message: `the dialogue reached the limit of ${options.maxTurns} user turns before the user finished` });
        break;
      }
      const ctx: UserContext = { plan, currentStep, style, tools: offered, targetTurns: targetSteps, turnsSoFar: userTurns };
      const { turn } = await userTurn(model, ctx, messages, signal);
      if (turn.stepDone && plan) currentStep++;
      if (turn.finished || (plan && currentStep > plan.steps.length)) break;
      push({ role: 'user', content: turn.message }, 'user');
      userTurns++;

      for (let round = 0; ; round++) {
        if (round >= MAX_TOOL_ROUNDS_PER_TURN) {
          reasons.push({ code: 'turn-limit', message: `the assistant kept calling tools for ${MAX_TOOL_ROUNDS_PER_TURN} rounds without answering`, messageIndex: messages.length - 1 });
          break conversation;
        }
        const res = await assistantTurn(model, offered, messages, signal);
        const calls = normalizeCalls(res.message.tool_calls, usedIds);
        const content = typeof res.message.content === 'string' && res.message.content.trim() !== '' ? res.message.content : null;
        push(calls.length > 0 ? { role: 'assistant', content, tool_calls: calls } : { role: 'assistant', content: content ?? '' }, 'assistant');
        // An empty reply is rejected by the filter (empty-turn); asking the user for more is wasted tokens.
        if (calls.length === 0 && content === null) break conversation;
        if (calls.length === 0) break;
        const at = messages.length - 1;
        for (const c of calls) emit({ type: 'tool-call', id, call: c });
        // A call the tool cannot run (unknown tool, bad arguments) ends the dialogue; the filter says why.
        if (calls.some((c) => checkToolCall(byName, c, at).length > 0)) break conversation;
        const errors = calls.map(() => rng() < options.toolErrorRate);
        const results = await Promise.all(calls.map((c, k) => simulateTool(model, byTool.get(c.function.name)!, c.function.arguments, errors[k]!, signal)));
        results.forEach((r, k) => {
          const call = calls[k]!;
          push({ role: 'tool', tool_call_id: call.id, content: r.content }, 'tool');
          emit({ type: 'tool-result', id, toolCallId: call.id, name: call.function.name, ok: r.result.ok, content: r.content });
        });
      }
    }
  } catch (e) {
    if (signal.aborted || (e instanceof LlmError && e.code === 'aborted')) throw new DialogueStopped('aborted');
    if (e instanceof LlmError && e.code === 'budget-exceeded') throw new DialogueStopped('budget-exceeded');
    throwIfEndpointFailure(e); // the endpoint's fault, not the dialogue's: the runner stops the run
    if (e instanceof PlanUnusableError) reasons.push({ code: 'plan-unusable', message: e.message, role: 'planner' });
    else if (e instanceof LlmError) reasons.push({ code: 'llm-failed', message: e.message, ...(e.role ? { role: e.role } : {}), llmCode: e.code });
    else reasons.push({ code: 'internal-error', message: e instanceof Error ? e.message : String(e) });
  }
  if (reasons.length === 0) reasons.push(...filterDialogue(messages, offered));
  const finished = Date.now();
  const status = reasons.length === 0 ? 'accepted' : 'rejected';
  return {
    id,
    index,
    status,
    reasons,
    tools: offered,
    plan,
    system: ASSISTANT_SYSTEM_PROMPT,
    messages,
    seed,
    style,
    usage: model.usage,
    llmCalls: model.calls,
    timings: { startedAt, finishedAt: new Date(finished).toISOString(), durationMs: finished - started },
  };
}
