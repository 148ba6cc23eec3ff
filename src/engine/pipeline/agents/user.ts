/**
 * The user agent (paper 3.3, user role): plays the human. It knows the plan and which step is in
 * progress, decides whether the assistant's last reply finished that step (then moves on), supplies
 * details the assistant asked for, speaks in the dialogue's language style, and ends the dialogue.
 *
 * Protocol: `structured()` with schemaName `user_turn`; the system prompt holds the plan as lines
 * `Step i [tool|chitchat]: request` and `Current step: i` (1-based).
 */
import type { ChatMessage, ChatModel, TokenUsage } from '../../llm/types';
import type { JsonSchema } from '../../model/jsonSchema';
import type { OpenAITool } from '../../model/tool';
import { planLines } from '../plan';
import type { DialoguePlan } from '../types';
import { renderRules, type PromptRule } from './promptRules';
import type { SpokenTool } from './spokenNames';
import { transcript } from './transcript';

export const USER_TURN_SCHEMA_NAME = 'user_turn';

export interface UserTurn {
  /** What the user says next (empty only when `finished`). */
  message: string;
  /** true when the assistant's last reply completed the current step; `message` then starts the next one. */
  stepDone: boolean;
  /** true when the user ends the conversation; `message` is then not added to the dialogue. */
  finished: boolean;
}

export const USER_TURN_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['message', 'stepDone', 'finished'],
  properties: { message: { type: 'string' }, stepDone: { type: 'boolean' }, finished: { type: 'boolean' } },
};

export function validateUserTurn(value: unknown): { ok: true; value: UserTurn } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['the answer must be a JSON object'] };
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof v.message !== 'string') errors.push('"message" must be a string');
  if (typeof v.stepDone !== 'boolean') errors.push('"stepDone" must be true or false');
  if (typeof v.finished !== 'boolean') errors.push('"finished" must be true or false');
  if (errors.length === 0 && !v.finished && (v.message as string).trim() === '') errors.push('"message" must not be empty unless "finished" is true');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { message: (v.message as string).trim(), stepDone: v.stepDone as boolean, finished: v.finished as boolean } };
}

export interface UserContext {
  plan: DialoguePlan | null;
  /** 1-based step in progress before this turn. */
  currentStep: number;
  style: string;
  /** The tools as a person names them (spoken names and descriptions). */
  tools: ReadonlyArray<OpenAITool | SpokenTool>;
  /** Without a plan: how many requests the user should make in total, and how many were made. */
  targetTurns: number;
  turnsSoFar: number;
}

/**
 * Rules of the user agent in every dialogue (ids are what the prompt tests check). Every user turn
 * sends them again, so each says its rule once, in as few words as it takes.
 */
export const USER_BASE_RULES: readonly PromptRule[] = [
  { id: 'no-tool-calls', text: 'You play a human user chatting with an AI assistant that has tools. You never call tools and never answer your own requests.' },
];

/** Rules of the user agent when the dialogue follows a plan. */
export const USER_PLAN_RULES: readonly PromptRule[] = [
  { id: 'start', text: '- If the conversation is empty, start the current step.' },
  { id: 'step-done', text: '- If the assistant\'s last reply completed the current step, set "stepDone" to true and ask for the next step.' },
  { id: 'clarification', text: '- If the assistant asked you for a detail, give a plausible value and keep "stepDone" false.' },
  { id: 'continue-step', text: '- If it has not finished the current step, continue it and keep "stepDone" false. A "tool" step is finished only once the assistant used a tool for it.' },
  { id: 'irrelevant-step', text: '- An "irrelevant" step asks for something its tools cannot do; it is done once the assistant answered or declined.' },
  { id: 'missing-detail-step', text: '- In a "missing-detail" step, ask without the detail it leaves out; give it only when the assistant asks for it.' },
  { id: 'one-step-at-a-time', text: '- Never skip a step, never ask for two steps in one message.' },
  { id: 'finishing', text: '- Set "finished" to true (with "stepDone" true) only when the last step is completed.' },
];

/** The closing rule of every user prompt. */
export const USER_OUTPUT_RULES: readonly PromptRule[] = [
  { id: 'json-only', text: 'Put your next message as the user in "message". Answer with JSON only.' },
];

export function userSystemPrompt(ctx: UserContext): string {
  const lines = [renderRules(USER_BASE_RULES), `Your style: ${ctx.style}.`];
  if (ctx.plan) {
    // Rules for a step kind go in only when the plan has such a step (every user turn pays for them).
    const kinds = new Set(ctx.plan.steps.map((s) => s.kind));
    const rules = USER_PLAN_RULES.filter((r) => (r.id !== 'irrelevant-step' || kinds.has('irrelevant')) && (r.id !== 'missing-detail-step' || kinds.has('missing-detail')));
    lines.push('Your plan, one step at a time:', ...planLines(ctx.plan), `Current step: ${ctx.currentStep}`, 'Rules:', renderRules(rules));
  } else {
    lines.push(
      'You have no fixed plan: ask for things the assistant\'s tools can help with, one request per message, building on earlier answers.',
      `Make about ${ctx.targetTurns} requests in total; you have made ${ctx.turnsSoFar}.`,
      'Tools the assistant has (for your inspiration only; call them as a person would):',
      ...ctx.tools.map((t) => ('function' in t ? `- ${t.function.name}: ${t.function.description}` : `- ${t.name}: ${t.description}`)),
      'If the assistant asked you for a detail, supply a plausible value. Set "finished" to true when you are done; "stepDone" is true when your previous request was answered.',
    );
  }
  lines.push(renderRules(USER_OUTPUT_RULES));
  return lines.join('\n');
}

/** What the dialogue knows about the current plan step, for checking a user turn against the plan. */
export interface StepProgress {
  /** User messages already sent for the current step. */
  turnsInStep: number;
  /** For a tool step: whether a call that serves it was made and answered. */
  served: boolean;
}

/**
 * Checks a user turn against the plan (a turn that breaks it is re-asked with these messages):
 * no finishing before the last step is done, no moving on from a step that was not served, no
 * moving on before the step was even asked for.
 */
const NOT_DONE = 'is not done: the assistant has not used a tool for it yet';
const NOT_ASKED = 'has not been asked for yet';
const CANNOT_FINISH = 'you cannot finish yet';

/** The filter reason for plan problems that outlived the re-asks (undefined: not a plan problem). */
export function planReasonOf(problems: readonly string[]): 'plan-step-not-served' | 'plan-unfinished' | 'plan-step-skipped' | undefined {
  const last = problems.join('\n');
  if (last.includes(CANNOT_FINISH)) return 'plan-unfinished';
  if (last.includes(NOT_DONE)) return 'plan-step-not-served';
  if (last.includes(NOT_ASKED)) return 'plan-step-skipped';
  return undefined;
}

export function planProblems(turn: UserTurn, ctx: UserContext, progress: StepProgress): string[] {
  const plan = ctx.plan;
  if (!plan) return [];
  const total = plan.steps.length;
  const step = plan.steps[ctx.currentStep - 1];
  if (!step) return [];
  const stepDone = (): string | undefined => {
    if (progress.turnsInStep === 0) return `step ${ctx.currentStep} ("${step.request}") ${NOT_ASKED}: ask for it now`;
    if ((step.kind === 'tool' || step.kind === 'missing-detail') && !progress.served) return `step ${ctx.currentStep} ("${step.request}") ${NOT_DONE}; continue this step and keep "stepDone" false`;
    return undefined;
  };
  if (turn.finished) {
    if (ctx.currentStep < total) return [`${CANNOT_FINISH}: the plan has ${total} steps and you are on step ${ctx.currentStep}; set "finished" to false and continue the plan`];
    const why = stepDone();
    return why ? [`${CANNOT_FINISH}: ${why}`] : [];
  }
  if (turn.stepDone) {
    const why = stepDone();
    return why ? [why] : [];
  }
  return [];
}

function spokenMap(ctx: UserContext): Map<string, string> {
  return new Map(ctx.tools.flatMap((t) => ('function' in t ? [] : [[t.id, t.name] as [string, string]])));
}

export function userMessages(ctx: UserContext, dialogue: readonly ChatMessage[]): ChatMessage[] {
  return [
    { role: 'system', content: userSystemPrompt(ctx) },
    {
      role: 'user',
      // The transcript comes last so that the assistant's latest words end the prompt.
      content: dialogue.length === 0 ? 'The conversation has not started yet. Write your first message.' : `Conversation so far (you are "User"):\n${transcript(dialogue, spokenMap(ctx))}`,
    },
  ];
}

/**
 * Asks the user agent for its next turn. With `progress`, a turn that breaks the plan (finishing or
 * moving on early) fails validation and is re-asked with the reason, like malformed JSON.
 */
export async function userTurn(model: ChatModel, ctx: UserContext, dialogue: readonly ChatMessage[], signal?: AbortSignal, progress?: StepProgress, maxRepairs?: number): Promise<{ turn: UserTurn; usage: TokenUsage }> {
  const validate = (v: unknown): ReturnType<typeof validateUserTurn> => {
    const r = validateUserTurn(v);
    if (!r.ok || !progress) return r;
    const problems = planProblems(r.value, ctx, progress);
    return problems.length > 0 ? { ok: false, errors: problems } : r;
  };
  const { value, usage } = await model.structured<UserTurn>({
    role: 'user',
    messages: userMessages(ctx, dialogue),
    schemaName: USER_TURN_SCHEMA_NAME,
    schema: USER_TURN_SCHEMA,
    validate,
    signal,
    ...(maxRepairs !== undefined ? { maxRepairs } : {}),
  });
  return { turn: value, usage };
}
