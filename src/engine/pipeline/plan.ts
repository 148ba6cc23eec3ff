/**
 * Dialogue planning (paper 3.2): before a dialogue is simulated, the planner model writes numbered
 * steps, each either a tool-call request or chitchat, over the sampled tools. The plan is parsed
 * into a typed structure; an unusable plan is re-asked (by the LLM client's repair loop, then by
 * `planRetries` fresh requests) and otherwise reported as `PlanUnusableError`.
 */
import type { ChatModel, ChatMessage } from '../llm/types';
import { LlmError } from '../llm/types';
import type { JsonSchema } from '../model/jsonSchema';
import type { OpenAITool } from '../model/tool';
import type { DialoguePlan, PlanStep } from './types';

export const PLAN_SCHEMA_NAME = 'dialogue_plan';

export class PlanUnusableError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'PlanUnusableError';
  }
}

export function planSchema(toolNames: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['steps'],
    properties: {
      steps: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['kind', 'request'],
          properties: {
            kind: { enum: ['tool', 'chitchat'] },
            request: { type: 'string' },
            tools: { type: 'array', items: { enum: [...toolNames] } },
          },
        },
      },
    },
  };
}

const PLANNER_SYSTEM = [
  'You plan a realistic multi-turn conversation between a user and an AI assistant that can call tools.',
  'Write the plan as a list of steps. Each step is one thing the user asks for:',
  '- kind "tool": a request that needs one or more of the given tools; list their names in "tools".',
  '  Later steps may build on results of earlier ones (e.g. use a value a previous tool returned).',
  '  Sometimes leave out a required detail so the assistant has to ask for it.',
  '- kind "chitchat": small talk or a question the assistant answers without tools.',
  'Use only the tools given. Make the conversation coherent: the steps should follow one user goal.',
  'Write each "request" as a short description of what the user wants in that step, not as dialogue.',
  'Answer with JSON only.',
].join('\n');

export function planMessages(tools: OpenAITool[], targetSteps: number): ChatMessage[] {
  return [
    { role: 'system', content: PLANNER_SYSTEM },
    {
      role: 'user',
      content: [
        'Available tools:',
        '```json',
        JSON.stringify(tools, null, 2),
        '```',
        `Target steps: ${targetSteps}`,
        'Include at least one tool step; chitchat steps are optional.',
      ].join('\n'),
    },
  ];
}

/** Checks untrusted planner output and turns it into a typed plan. */
export function validatePlan(value: unknown, toolNames: readonly string[], targetSteps: number): { ok: true; value: DialoguePlan } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['the plan must be a JSON object with a "steps" array'] };
  const raw = (value as { steps?: unknown }).steps;
  if (!Array.isArray(raw) || raw.length === 0) return { ok: false, errors: ['"steps" must be a non-empty array'] };
  const maxSteps = Math.max(targetSteps * 2, targetSteps + 3);
  if (raw.length > maxSteps) errors.push(`the plan has ${raw.length} steps; write about ${targetSteps}`);
  const known = new Set(toolNames);
  const steps: PlanStep[] = [];
  raw.forEach((s: unknown, i) => {
    const where = `/steps/${i}`;
    if (typeof s !== 'object' || s === null) {
      errors.push(`${where} must be an object`);
      return;
    }
    const { kind, request, tools } = s as { kind?: unknown; request?: unknown; tools?: unknown };
    if (kind !== 'tool' && kind !== 'chitchat') errors.push(`${where}/kind must be "tool" or "chitchat"`);
    if (typeof request !== 'string' || request.trim() === '') errors.push(`${where}/request must be a non-empty string`);
    let names: string[] | undefined;
    if (tools !== undefined) {
      if (!Array.isArray(tools) || tools.some((t) => typeof t !== 'string')) errors.push(`${where}/tools must be an array of tool names`);
      else {
        names = tools as string[];
        for (const n of names) if (!known.has(n)) errors.push(`${where}/tools names "${n}", which is not one of the given tools (${toolNames.join(', ')})`);
      }
    }
    if ((kind === 'tool' || kind === 'chitchat') && typeof request === 'string') {
      // One line per step in the user agent's prompt: newlines in model output must not forge steps.
      const text = request.replace(/\s+/g, ' ').trim();
      steps.push(kind === 'tool' && names ? { kind, request: text, tools: [...new Set(names)] } : { kind, request: text });
    }
  });
  if (toolNames.length > 0 && !steps.some((s) => s.kind === 'tool')) errors.push('the plan needs at least one "tool" step');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { steps } };
}

export interface MakePlanOptions {
  targetSteps: number;
  /** Fresh requests after the client's own repairs failed; default 1. */
  retries?: number;
  signal?: AbortSignal;
}

/**
 * Asks the planner for a plan. Throws `PlanUnusableError` when every attempt gave invalid output;
 * other `LlmError`s (timeouts, retries exhausted, budget, abort) propagate unchanged.
 */
export async function makePlan(model: ChatModel, tools: OpenAITool[], opts: MakePlanOptions): Promise<DialoguePlan> {
  const names = tools.map((t) => t.function.name);
  const attempts = 1 + Math.max(0, opts.retries ?? 1);
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const { value } = await model.structured<DialoguePlan>({
        role: 'planner',
        messages: planMessages(tools, opts.targetSteps),
        schemaName: PLAN_SCHEMA_NAME,
        schema: planSchema(names),
        validate: (v) => validatePlan(v, names, opts.targetSteps),
        signal: opts.signal,
      });
      return value;
    } catch (e) {
      if (e instanceof LlmError && e.code === 'invalid-output') {
        last = e.message;
        continue;
      }
      throw e;
    }
  }
  throw new PlanUnusableError(`the planner gave no usable plan in ${attempts} attempt(s): ${last}`, [last]);
}

/** The plan as the numbered lines shown to the user agent: `Step i [tool|chitchat]: request`. */
export function planLines(plan: DialoguePlan): string[] {
  return plan.steps.map((s, i) => `Step ${i + 1} [${s.kind}]: ${s.request}`);
}
