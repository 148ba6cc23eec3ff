/**
 * Simulates one dialogue (paper 3.3): optional plan, then user turn -> assistant turn(s) -> tool
 * simulations, until the user finishes, the plan is done or the turn limit is hit; then the
 * rule-based filter judges it. Every outcome is a `DialogueRecord` (accepted or rejected with
 * reasons) except cancellation and budget exhaustion, which throw `DialogueStopped` so the runner
 * leaves the dialogue for a resume.
 */
import { LlmError, type ChatMessage, type ChatModel, type ToolCall } from '../llm/types';
import { toOpenAITool, type Tool } from '../model/tool';
import { ASSISTANT_SYSTEM_PROMPT, assistantRepairMessage, assistantTurn } from './agents/assistant';
import { spokenTools } from './agents/spokenNames';
import { USER_STYLES } from './agents/styles';
import { simulateTool, type EarlierResult } from './agents/toolSimulator';
import { planReasonOf, userTurn, type StepProgress, type UserContext, type UserTurn } from './agents/user';
import type { MessageEvent as MessageWrittenEvent, PipelineEventListener } from './events';
import { checkToolCall, filterDialogue, isToolStep, servesStep } from './filter';
import { throwIfEndpointFailure } from './endpointFailure';
import { MeteredModel, type TokenMeter } from './meteredModel';
import { makePlan, PlanUnusableError } from './plan';
import { createRng, intBetween, pick } from './random';
import type { DialoguePlan, DialogueRecord, RejectionReason, RunGenerationOptions } from './types';

/** Assistant tool-calling rounds allowed in answer to one user message. */
export const MAX_TOOL_ROUNDS_PER_TURN = 4;

/** Default re-samples of an assistant turn whose calls cannot run (`assistantRepairs`). */
export const DEFAULT_ASSISTANT_REPAIRS = 2;

/**
 * Re-asks of a user turn or a tool result that breaks the protocol. A re-ask costs one short request
 * (a few hundred tokens); giving up loses the whole dialogue (about ten thousand): with a careless
 * model failing a fifth of its answers, 2 re-asks lose about 1 % of user turns, 4 about 0.03 %.
 */
export const PROTOCOL_REPAIRS = 4;

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

/** The calls made so far and their results, for the tool simulator to stay consistent with. */
function earlierResults(messages: readonly ChatMessage[]): EarlierResult[] {
  const results = new Map(messages.flatMap((m) => (m.role === 'tool' ? [[m.tool_call_id, m.content] as [string, string]] : [])));
  return messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : [])).flatMap((c) => (results.has(c.id) ? [{ name: c.function.name, arguments: c.function.arguments, content: results.get(c.id)! }] : []));
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
  // Planner and user agent see tools as people name them; the assistant calls the exact names.
  const spoken = spokenTools(input.tools, offered);
  const irrelevanceRate = options.irrelevanceRate ?? 0;
  const irrelevantSteps = irrelevanceRate > 0 && rng() < irrelevanceRate ? 1 : 0;
  const missingDetailRate = options.missingDetailRate ?? 0;
  const missingDetailSteps = missingDetailRate > 0 && rng() < missingDetailRate ? 1 : 0;
  const assistantRepairs = Math.max(0, options.assistantRepairs ?? DEFAULT_ASSISTANT_REPAIRS);
  const model = new MeteredModel(input.model, input.meter, (role, usage, totalTokens) => emit({ type: 'usage', id, role, usage, totalTokens }));

  const messages: ChatMessage[] = [];
  const usedIds = new Set<string>();
  const reasons: RejectionReason[] = [];
  let plan: DialoguePlan | null = null;
  // 1-based plan step the user is working on; advanced when the user agent says a step is done.
  let currentStep = 1;
  /** Which step each user message served (0-based), and how far the current step got. */
  const userTurnSteps: Array<{ messageIndex: number; step: number }> = [];
  const progress: StepProgress = { turnsInStep: 0, served: false };
  /** Tools of the current step that were called and returned a result (not an error). */
  const answeredInStep = new Set<string>();
  /**
   * The plan is done once its last step is a tool step whose every named tool returned a result and
   * the assistant has replied from it: the user agent would only say goodbye, which is not recorded
   * (a finishing turn adds no message), so the dialogue ends without that request. Steps of other
   * kinds, and a tool that failed, still go back to the user agent, who decides.
   */
  const planDone = (): boolean => {
    const step = plan?.steps[currentStep - 1];
    if (!plan || !step || currentStep !== plan.steps.length || !isToolStep(step) || !progress.served) return false;
    return (step.tools ?? []).every((t) => answeredInStep.has(t)) && answeredInStep.size > 0;
  };
  const push = (m: ChatMessage, author: 'user' | 'assistant' | 'tool') => {
    messages.push(m);
    const event: MessageWrittenEvent = { type: 'message', id, messageIndex: messages.length - 1, author, message: m };
    if (plan) event.planStep = Math.min(currentStep, plan.steps.length) - 1;
    emit(event);
  };

  emit({ type: 'dialogue-started', id, index, tools: offered.map((t) => t.function.name), style });
  try {
    if (options.plan) {
      plan = await makePlan(model, offered, { targetSteps, retries: options.planRetries, signal, irrelevantSteps, missingDetailSteps, shownTools: spoken });
      emit({ type: 'plan-ready', id, plan });
    }
    let userTurns = 0;
    conversation: for (;;) {
      if (!plan && userTurns >= targetSteps) break;
      if (userTurns >= options.maxTurns) {
        reasons.push({ code: 'turn-limit', message: `the dialogue reached the limit of ${options.maxTurns} user turns before the user finished` });
        break;
      }
      const ctx: UserContext = { plan, currentStep, style, tools: spoken, targetTurns: targetSteps, turnsSoFar: userTurns };
      // With a plan, a turn that finishes or moves on before the step was served is re-asked.
      let turn: UserTurn;
      try {
        ({ turn } = await userTurn(model, ctx, messages, signal, plan ? { ...progress } : undefined, PROTOCOL_REPAIRS));
      } catch (e) {
        // Still breaking the plan after the re-asks: rejected for the plan rule it breaks.
        const planRule = plan && e instanceof LlmError && e.code === 'invalid-output' ? planReasonOf(e.detail.problems ?? []) : undefined;
        if (!planRule) throw e;
        reasons.push({ code: planRule, message: `the user agent kept breaking the plan at step ${currentStep}: ${(e as LlmError).detail.problems?.[0] ?? ''}`, role: 'user', ...(messages.length > 0 ? { messageIndex: messages.length - 1 } : {}) });
        break;
      }
      if (turn.stepDone && plan) {
        currentStep++;
        progress.turnsInStep = 0;
        progress.served = false;
        answeredInStep.clear();
      }
      if (turn.finished || (plan && currentStep > plan.steps.length)) break;
      push({ role: 'user', content: turn.message }, 'user');
      if (plan) userTurnSteps.push({ messageIndex: messages.length - 1, step: currentStep - 1 });
      progress.turnsInStep++;
      userTurns++;

      for (let round = 0; ; round++) {
        if (round >= MAX_TOOL_ROUNDS_PER_TURN) {
          reasons.push({ code: 'turn-limit', message: `the assistant kept calling tools for ${MAX_TOOL_ROUNDS_PER_TURN} rounds without answering`, messageIndex: messages.length - 1 });
          break conversation;
        }
        // A reply whose calls cannot run (unknown tool, arguments not JSON or off the schema) or that
        // is empty is sampled again with the problems as feedback; the failed attempt is not kept.
        let calls: ToolCall[] = [];
        let content: string | null = null;
        let ids = usedIds;
        let feedback: ChatMessage | undefined;
        let problems: string[] = [];
        for (let attempt = 0; ; attempt++) {
          const res = await assistantTurn(model, offered, messages, signal, feedback);
          ids = new Set(usedIds);
          calls = normalizeCalls(res.message.tool_calls, ids);
          content = typeof res.message.content === 'string' && res.message.content.trim() !== '' ? res.message.content : null;
          problems = calls.flatMap((c) => checkToolCall(byName, c, messages.length)).map((r) => r.message);
          if (calls.length === 0 && content === null) problems.push('the reply had neither text nor a tool call');
          if (problems.length === 0 || attempt >= assistantRepairs) break;
          model.countRepair('assistant');
          feedback = assistantRepairMessage(problems);
        }
        for (const callId of ids) usedIds.add(callId);
        push(calls.length > 0 ? { role: 'assistant', content, tool_calls: calls } : { role: 'assistant', content: content ?? '' }, 'assistant');
        // An empty reply is rejected by the filter (empty-turn); asking the user for more is wasted tokens.
        if (calls.length === 0 && content === null) break conversation;
        if (calls.length === 0) {
          if (planDone()) break conversation;
          break;
        }
        for (const c of calls) emit({ type: 'tool-call', id, call: c });
        // A call the tool cannot run (unknown tool, bad arguments) after the repairs ends the dialogue;
        // the filter says why.
        if (problems.length > 0) break conversation;
        const errors = calls.map(() => rng() < options.toolErrorRate);
        const results = await Promise.all(calls.map((c, k) => simulateTool(model, byTool.get(c.function.name)!, c.function.arguments, errors[k]!, signal, PROTOCOL_REPAIRS, earlierResults(messages))));
        results.forEach((r, k) => {
          const call = calls[k]!;
          push({ role: 'tool', tool_call_id: call.id, content: r.content }, 'tool');
          emit({ type: 'tool-result', id, toolCallId: call.id, name: call.function.name, ok: r.result.ok, content: r.content });
        });
        const step = plan?.steps[currentStep - 1];
        if (step && isToolStep(step) && calls.some((c) => servesStep(step, c.function.name))) progress.served = true;
        calls.forEach((c, k) => step && servesStep(step, c.function.name) && results[k]!.result.ok && answeredInStep.add(c.function.name));
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
  if (reasons.length === 0) reasons.push(...filterDialogue(messages, offered, plan ? { plan, userTurnSteps } : undefined));
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
    ...(plan ? { userTurnSteps } : {}),
    repairs: { ...model.repairs },
  };
}
