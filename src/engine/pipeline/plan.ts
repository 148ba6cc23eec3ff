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
import { renderRules, type PromptRule } from './agents/promptRules';
import type { SpokenTool } from './agents/spokenNames';
import type { DialoguePlan, PlanStep, PlanStepKind } from './types';

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

/** Steps of the optional kinds a plan must have (0 or absent: that kind is not allowed). */
export interface SpecialSteps {
  irrelevant?: number;
  missingDetail?: number;
}

/** Step kinds the planner may use: `irrelevant` / `missing-detail` only when the dialogue was drawn to have one. */
function kindsFor(special: SpecialSteps): PlanStepKind[] {
  const kinds: PlanStepKind[] = ['tool', 'chitchat'];
  if ((special.irrelevant ?? 0) > 0) kinds.push('irrelevant');
  if ((special.missingDetail ?? 0) > 0) kinds.push('missing-detail');
  return kinds;
}

export function planSchema(toolNames: string[], special: SpecialSteps = {}): JsonSchema {
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
            kind: { enum: kindsFor(special) },
            request: { type: 'string' },
            tools: { type: 'array', items: { enum: [...toolNames] } },
          },
        },
      },
    },
  };
}

/** The planner's rules (ids are what the prompt tests check), each said once and briefly. */
export const PLANNER_RULES: readonly PromptRule[] = [
  { id: 'role', text: 'Plan a realistic conversation between a user and an AI assistant that can call tools: steps that follow one user goal, each one thing the user asks for.' },
  {
    id: 'tool-step',
    text: '- kind "tool": needs one or more of the tools; list their ids in "tools". It may build on results of earlier steps, and sometimes leaves out a required detail for the assistant to ask for.',
  },
  { id: 'chitchat-step', text: '- kind "chitchat": small talk or a question answered without tools.' },
  { id: 'only-given-tools', text: 'Use only the tools given.' },
  { id: 'spoken-requests', text: 'Each "request" briefly says what the user wants, not as dialogue, naming tools as a person would (their name), never by their id.' },
  { id: 'json-only', text: 'Answer with JSON only.' },
];

/** Added when the dialogue must have an irrelevance step. */
export const IRRELEVANT_STEP_RULE: PromptRule = {
  id: 'irrelevant-step',
  text: '- kind "irrelevant": the user asks for something related to the goal that none of the given tools can do (no "tools"); the assistant must answer or decline without a tool.',
};

/** Added when the dialogue must have a missing-detail step. */
export const MISSING_DETAIL_STEP_RULE: PromptRule = {
  id: 'missing-detail-step',
  text: '- kind "missing-detail": a "tool" step whose request leaves out a required parameter value, and says which; the assistant must ask for it before calling.',
};

export function plannerSystemPrompt(special: SpecialSteps = {}): string {
  const rules = [...PLANNER_RULES];
  const at = rules.findIndex((r) => r.id === 'chitchat-step') + 1;
  if ((special.missingDetail ?? 0) > 0) rules.splice(at, 0, MISSING_DETAIL_STEP_RULE);
  if ((special.irrelevant ?? 0) > 0) rules.splice(at, 0, IRRELEVANT_STEP_RULE);
  return renderRules(rules);
}

/** First words of the tool list in the planner's prompt (the LLM simulator, a test double, reads the lines after it). */
export const PLAN_TOOLS_LEAD = 'Tools, one per line: - id ("name"): description. Parameters: names (* = required)';

/**
 * One line per tool for the planner: the id it cites, the name a person says, the description and
 * the parameter names (required ones starred, so it can leave a required detail out). The planner
 * writes requests, not calls: parameter schemas would cost tokens on every plan and help it not at all.
 */
export function plannerToolLine(tool: OpenAITool | SpokenTool): string {
  const [id, name, description, parameters] = 'function' in tool ? [tool.function.name, tool.function.name, tool.function.description ?? '', tool.function.parameters] : [tool.id, tool.name, tool.description, tool.parameters];
  const required = new Set(Array.isArray(parameters?.required) ? parameters.required : []);
  const params = Object.keys(parameters?.properties ?? {}).map((p) => (required.has(p) ? `${p}*` : p));
  const said = description.replace(/\s+/g, ' ').trim();
  return `- ${id} ("${name}"): ${said}${params.length > 0 ? ` Parameters: ${params.join(', ')}` : ''}`;
}

export function planMessages(tools: ReadonlyArray<OpenAITool | SpokenTool>, targetSteps: number, special: SpecialSteps = {}): ChatMessage[] {
  const irrelevantSteps = special.irrelevant ?? 0;
  const missingDetailSteps = special.missingDetail ?? 0;
  return [
    { role: 'system', content: plannerSystemPrompt(special) },
    {
      role: 'user',
      content: [
        `${PLAN_TOOLS_LEAD}:`,
        ...tools.map(plannerToolLine),
        `Target steps: ${targetSteps}, at least one a tool step.`,
        ...(irrelevantSteps > 0 ? [`Include exactly ${irrelevantSteps} step(s) of kind "irrelevant".`] : []),
        ...(missingDetailSteps > 0 ? [`Include exactly ${missingDetailSteps} step(s) of kind "missing-detail".`] : []),
      ].join('\n'),
    },
  ];
}

/** Checks untrusted planner output and turns it into a typed plan. */
export function validatePlan(value: unknown, toolNames: readonly string[], targetSteps: number, special: SpecialSteps = {}): { ok: true; value: DialoguePlan } | { ok: false; errors: string[] } {
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
    const kinds = kindsFor(special);
    if (!kinds.includes(kind as PlanStepKind)) errors.push(`${where}/kind must be ${kinds.map((k) => `"${k}"`).join(' or ')}`);
    if (typeof request !== 'string' || request.trim() === '') errors.push(`${where}/request must be a non-empty string`);
    let names: string[] | undefined;
    if (tools !== undefined) {
      if (!Array.isArray(tools) || tools.some((t) => typeof t !== 'string')) errors.push(`${where}/tools must be an array of tool names`);
      else {
        names = tools as string[];
        for (const n of names) if (!known.has(n)) errors.push(`${where}/tools names "${n}", which is not one of the given tools (${toolNames.join(', ')})`);
      }
    }
    if (kind === 'irrelevant' && names && names.length > 0) errors.push(`${where}/tools must be absent: an "irrelevant" step is one no given tool can do`);
    // A tool step that names no tool leaves the assistant guessing and the filter nothing to check:
    // such plans come from a model that ignored the protocol, and doom their dialogue.
    if ((kind === 'tool' || kind === 'missing-detail') && toolNames.length > 0 && (tools === undefined || (Array.isArray(tools) && tools.length === 0))) errors.push(`${where}/tools must list the id(s) of the tool(s) this step needs`);
    if (kinds.includes(kind as PlanStepKind) && typeof request === 'string') {
      // One line per step in the user agent's prompt: newlines in model output must not forge steps.
      const text = request.replace(/\s+/g, ' ').trim();
      steps.push((kind === 'tool' || kind === 'missing-detail') && names ? { kind, request: text, tools: [...new Set(names)] } : { kind: kind as PlanStepKind, request: text });
    }
  });
  if (toolNames.length > 0 && !steps.some((s) => s.kind === 'tool' || s.kind === 'missing-detail')) errors.push('the plan needs at least one "tool" step');
  for (const [kind, want] of [['irrelevant', special.irrelevant ?? 0], ['missing-detail', special.missingDetail ?? 0]] as const) {
    const have = steps.filter((s) => s.kind === kind).length;
    if (want > 0 && have !== want) errors.push(`the plan needs exactly ${want} step(s) of kind "${kind}", it has ${have}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { steps } };
}

export interface MakePlanOptions {
  targetSteps: number;
  /** Steps of kind `irrelevant` the plan must have (0 = none allowed). */
  irrelevantSteps?: number;
  /** Steps of kind `missing-detail` the plan must have (0 = none allowed). */
  missingDetailSteps?: number;
  /** How the planner sees the tools (spoken names); defaults to the OpenAI tools themselves. */
  shownTools?: ReadonlyArray<OpenAITool | SpokenTool>;
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
  const special: SpecialSteps = { irrelevant: opts.irrelevantSteps ?? 0, missingDetail: opts.missingDetailSteps ?? 0 };
  const attempts = 1 + Math.max(0, opts.retries ?? 1);
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const { value } = await model.structured<DialoguePlan>({
        role: 'planner',
        messages: planMessages(opts.shownTools ?? tools, opts.targetSteps, special),
        schemaName: PLAN_SCHEMA_NAME,
        schema: planSchema(names, special),
        validate: (v) => validatePlan(v, names, opts.targetSteps, special),
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

/** The plan as the numbered lines shown to the user agent: `Step i [tool|chitchat|irrelevant|missing-detail]: request`. */
export function planLines(plan: DialoguePlan): string[] {
  return plan.steps.map((s, i) => `Step ${i + 1} [${s.kind}]: ${s.request}`);
}
