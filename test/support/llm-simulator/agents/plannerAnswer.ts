/**
 * Planner (schema `dialogue_plan`) in the LLM simulator, a test double: a plan from the sampled
 * tools found in the request (tool lines `- id ("name"): description. Parameters: a*, b`, or OpenAI
 * tool JSON in a fenced ```json block; `Target steps: N`).
 */
import type { JsonSchema } from '../../../../src/engine/model/jsonSchema';
import type { SeededRandom } from '../seededRandom';
import { textOf, type ChatCompletionBody } from '../requestShape';
import { firstSentence, humanize } from './words';

interface PlanTool {
  /** The exact name, cited in a step's `tools`. */
  name: string;
  /** How a person says it (the `name` of a spoken tool `{id, name, description}`), else the exact name. */
  spoken?: string;
  description: string;
  /** Whether the tool has required parameters (only those can leave a detail out). */
  hasRequired?: boolean;
}

export interface PlanStep {
  kind: 'tool' | 'chitchat' | 'irrelevant' | 'missing-detail';
  request: string;
  tools?: string[];
}

const CHITCHAT = [
  'Chat about what they plan to do this weekend',
  'Thank the assistant and share how the day is going',
  'Ask the assistant for a general tip about staying organised',
  'Make small talk about the weather lately',
];

/** Requests no offered tool can do (words chosen to match no tool of the shared tool sets). */
const IRRELEVANT = [
  'Ask the assistant to recommend a novel for a rainy holiday',
  'Ask the assistant to suggest a vegetarian lasagna recipe',
  'Ask the assistant to explain how origami cranes are folded',
  'Ask the assistant for advice on keeping houseplants alive',
];

/** A tool line of the planner's prompt: `- id ("spoken name"): description. Parameters: a*, b` (* = required). */
const TOOL_LINE = /^- (\S+) \("([^"\n]*)"\): ([^\n]*?)(?: Parameters: ([^\n]*))?$/gm;

function toolsFromText(text: string): PlanTool[] {
  const out: PlanTool[] = [];
  for (const m of text.matchAll(TOOL_LINE)) out.push({ name: m[1]!, spoken: m[2]!, description: m[3]!, hasRequired: (m[4] ?? '').split(', ').some((p) => p.endsWith('*')) });
  const fence = /```json\s*\n([\s\S]*?)\n```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(m[1]!);
    } catch {
      continue;
    }
    const list = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { tools?: unknown }).tools) ? (parsed as { tools: unknown[] }).tools : [parsed];
    for (const t of list) {
      const fn = (t as { function?: { name?: unknown; description?: unknown } })?.function ?? (t as { id?: unknown; name?: unknown; description?: unknown });
      const id = (fn as { id?: unknown }).id;
      const required = (fn as { parameters?: { required?: unknown } }).parameters?.required;
      const hasRequired = Array.isArray(required) && required.length > 0;
      if (fn && typeof id === 'string' && typeof fn.name === 'string') out.push({ name: id, spoken: fn.name, description: typeof fn.description === 'string' ? fn.description : '', hasRequired });
      else if (fn && typeof fn.name === 'string') out.push({ name: fn.name, description: typeof fn.description === 'string' ? fn.description : '', hasRequired });
    }
  }
  return out;
}

/** Tool names the schema allows (`steps.items.properties.tools.items.enum`), when it says. */
function allowedNames(schema: JsonSchema): string[] | undefined {
  const e = schema.properties?.steps?.items?.properties?.tools?.items?.enum;
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : undefined;
}

export function toolRequest(tool: PlanTool): string {
  const said = tool.spoken ?? humanize(tool.name);
  const what = firstSentence(tool.description) || said;
  return `Ask the assistant to ${said}: ${what.charAt(0).toLowerCase()}${what.slice(1)}`;
}

export function planAnswer(body: ChatCompletionBody, schema: JsonSchema, rng: SeededRandom): { steps: PlanStep[] } {
  const text = body.messages.map(textOf).join('\n');
  const allowed = allowedNames(schema);
  let tools = toolsFromText(text);
  if (allowed) {
    tools = tools.filter((t) => allowed.includes(t.name));
    for (const name of allowed) if (!tools.some((t) => t.name === name)) tools.push({ name, description: '' });
  }
  const stepsSchema = schema.properties?.steps ?? {};
  const minItems = typeof stepsSchema.minItems === 'number' ? stepsSchema.minItems : 1;
  const maxItems = typeof stepsSchema.maxItems === 'number' ? stepsSchema.maxItems : 50;
  const target = Number(/Target steps:\s*(\d+)/.exec(text)?.[1] ?? 3);
  const n = Math.max(minItems, Math.min(maxItems, target || 3));
  const steps: PlanStep[] = [];
  let next = 0;
  for (let i = 0; i < n; i++) {
    const chitchat = tools.length === 0 || (i > 0 && n >= 3 && rng.chance(0.2));
    if (chitchat) {
      steps.push({ kind: 'chitchat', request: rng.pick(CHITCHAT) });
      continue;
    }
    const first = tools[next++ % tools.length]!;
    // Sometimes two tools in one step, which the assistant answers with parallel calls.
    if (tools.length > 1 && rng.chance(0.2)) {
      const second = tools[next++ % tools.length]!;
      if (second.name !== first.name) {
        steps.push({ kind: 'tool', request: `${toolRequest(first)} and also ${toolRequest(second).replace(/^Ask the assistant to /, '')}`, tools: [first.name, second.name] });
        continue;
      }
    }
    steps.push({ kind: 'tool', request: toolRequest(first), tools: [first.name] });
  }
  // `Include exactly K step(s) of kind "irrelevant"`: K requests no tool can do, after the first step.
  const irrelevant = Number(/Include exactly (\d+) step\(s\) of kind "irrelevant"/.exec(text)?.[1] ?? 0);
  const kinds = stepsSchema.items?.properties?.kind?.enum;
  if (irrelevant > 0 && Array.isArray(kinds) && kinds.includes('irrelevant')) {
    for (let k = 0; k < irrelevant; k++) steps.splice(rng.int(1, steps.length), 0, { kind: 'irrelevant', request: rng.pick(IRRELEVANT) });
  }
  // `Include exactly K step(s) of kind "missing-detail"`: the first K tool steps with one tool become
  // such steps (the request says which detail it leaves out).
  const missing = Number(/Include exactly (\d+) step\(s\) of kind "missing-detail"/.exec(text)?.[1] ?? 0);
  if (missing > 0 && Array.isArray(kinds) && kinds.includes('missing-detail')) {
    let left = missing;
    for (const s of steps) {
      if (left === 0) break;
      if (s.kind !== 'tool' || s.tools?.length !== 1 || !tools.find((t) => t.name === s.tools![0])?.hasRequired) continue;
      s.kind = 'missing-detail';
      s.request = `${s.request}, without giving the details at first`;
      left--;
    }
  }
  return { steps };
}
