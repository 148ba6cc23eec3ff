/**
 * Tool-JSON completion (paper 3.4): the converter model fills missing tool, parameter and return
 * descriptions and missing return schemas. Results are cached (by model and tool content), marked in
 * `Tool.generated`, and can be reviewed as a diff (`formatCompletionReview`) before a run uses them.
 *
 * Protocol: `structured()` with schemaName `tool_completion`; the schema lists the pointers to fill.
 */
import { createHash } from 'node:crypto';
import { LlmError, type ChatMessage, type ChatModel } from '../../llm/types';
import type { Diagnostic } from '../../model/diagnostic';
import type { JsonSchema } from '../../model/jsonSchema';
import type { Tool } from '../../model/tool';
import { validateAgainst } from '../schemaValidator';
import { throwIfEndpointFailure } from '../endpointFailure';
import type { CompletionCache } from './completionCache';
import { findMissing, isDescriptionPointer, setAt } from './missingFields';

export const COMPLETION_SCHEMA_NAME = 'tool_completion';

export interface Fill {
  pointer: string;
  value: unknown;
}

export interface ToolCompletion {
  tool: string;
  fills: Fill[];
  fromCache: boolean;
}

export function completionSchema(pointers: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['fills'],
    properties: {
      fills: {
        type: 'array',
        items: { type: 'object', required: ['pointer', 'value'], properties: { pointer: { enum: [...pointers] }, value: {} } },
      },
    },
  };
}

/** A return schema the model wrote must itself be a usable JSON Schema. */
function checkReturnSchema(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['must be a JSON Schema object'];
  const probe = validateAgainst(value as JsonSchema, null);
  if (probe.length === 1 && probe[0]!.keyword === 'schema') return [probe[0]!.message];
  if (typeof (value as JsonSchema).type !== 'string' && !Array.isArray((value as JsonSchema).type)) return ['needs a "type"'];
  return [];
}

export function validateFills(value: unknown, pointers: readonly string[]): { ok: true; value: Fill[] } | { ok: false; errors: string[] } {
  if (!value || typeof value !== 'object' || !Array.isArray((value as { fills?: unknown }).fills)) return { ok: false, errors: ['answer {"fills": [{"pointer": ..., "value": ...}]}'] };
  const wanted = new Set(pointers);
  const got = new Map<string, unknown>();
  const errors: string[] = [];
  for (const [i, f] of ((value as { fills: unknown[] }).fills).entries()) {
    const fill = f as Partial<Fill> | null;
    if (!fill || typeof fill.pointer !== 'string' || !wanted.has(fill.pointer)) {
      errors.push(`/fills/${i}/pointer must be one of ${pointers.join(', ')}`);
      continue;
    }
    if (isDescriptionPointer(fill.pointer)) {
      if (typeof fill.value !== 'string' || fill.value.trim() === '') errors.push(`/fills/${i}/value (${fill.pointer}) must be a non-empty description`);
    } else {
      for (const p of checkReturnSchema(fill.value)) errors.push(`/fills/${i}/value (${fill.pointer}) ${p}`);
    }
    got.set(fill.pointer, typeof fill.value === 'string' ? fill.value.trim() : fill.value);
  }
  for (const p of pointers) if (!got.has(p)) errors.push(`no value for ${p}`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: pointers.map((pointer) => ({ pointer, value: got.get(pointer) })) };
}

function completionMessages(tool: Tool, pointers: string[]): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'You complete API documentation. Some descriptions and return schemas of a tool are missing.',
        'For each JSON pointer listed, give the value: a concise, specific description (one sentence) for pointers ending in /description,',
        'or a JSON Schema with per-field "description"s for /returns (the data a successful call returns).',
        'Base everything on the tool\'s name, parameters and existing descriptions. Answer with JSON only.',
      ].join('\n'),
    },
    {
      role: 'user',
      content: ['Tool:', '```json', JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters, returns: tool.returns ?? null }, null, 2), '```', 'Fill these pointers:', ...pointers.map((p) => `- ${p}`)].join('\n'),
    },
  ];
}

export function completionKey(tool: Tool, pointers: string[], model: string): string {
  return createHash('sha256').update(JSON.stringify([model, tool.name, tool.description, tool.parameters, tool.returns ?? null, pointers])).digest('hex');
}

/** Returns a copy of the tool with the fills applied, recorded in `generated` and removed from `missing`. */
export function applyFills(tool: Tool, fills: readonly Fill[]): Tool {
  const copy = structuredClone(tool) as Tool;
  for (const f of fills) setAt(copy as unknown as Record<string, unknown>, f.pointer, structuredClone(f.value));
  const filled = new Set(fills.map((f) => f.pointer));
  copy.generated = [...new Set([...(tool.generated ?? []), ...filled])].sort();
  const missing = (tool.missing ?? []).filter((p) => !filled.has(p));
  if (missing.length > 0) copy.missing = missing;
  else delete copy.missing;
  return copy;
}

export interface CompleteToolsOptions {
  /** Model name, part of the cache key. */
  modelName: string;
  cache?: CompletionCache;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface CompleteToolsResult {
  tools: Tool[];
  completions: ToolCompletion[];
  /** Tools that could not be completed (kept unchanged), one diagnostic each. */
  diagnostics: Diagnostic[];
}

export async function completeTools(tools: readonly Tool[], model: ChatModel, opts: CompleteToolsOptions): Promise<CompleteToolsResult> {
  const out = [...tools];
  const completions: ToolCompletion[] = [];
  const diagnostics: Diagnostic[] = [];
  const todo = tools.map((t, i) => ({ i, tool: t, pointers: findMissing(t) })).filter((x) => x.pointers.length > 0);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < todo.length) {
      if (opts.signal?.aborted) throw new LlmError('aborted', 'completion cancelled', 'converter');
      const { i, tool, pointers } = todo[next++]!;
      const key = completionKey(tool, pointers, opts.modelName);
      // The cache file is input like any other: an entry is used only if it passes the same checks as a model answer.
      const cached = opts.cache?.get(key);
      const checked = cached !== undefined ? validateFills({ fills: cached }, pointers) : undefined;
      let fills = checked?.ok ? checked.value : undefined;
      const fromCache = fills !== undefined;
      if (!fills) {
        try {
          const { value } = await model.structured<Fill[]>({
            role: 'converter',
            messages: completionMessages(tool, pointers),
            schemaName: COMPLETION_SCHEMA_NAME,
            schema: completionSchema(pointers),
            validate: (v) => validateFills(v, pointers),
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
          fills = value;
          opts.cache?.set(key, fills);
        } catch (e) {
          if (e instanceof LlmError && (e.code === 'aborted' || e.code === 'budget-exceeded')) throw e;
          throwIfEndpointFailure(e); // a dead endpoint stops the run instead of leaving every tool incomplete
          diagnostics.push({
            severity: 'warning',
            code: 'completion-failed',
            message: `could not complete ${tool.name} (${pointers.join(', ')}): ${e instanceof Error ? e.message : String(e)}`,
            location: { file: tool.provenance.file, pointer: tool.provenance.pointer, ...(tool.provenance.line !== undefined ? { line: tool.provenance.line } : {}) },
            hint: 'the tool is used with its missing fields; run again to retry the completion',
          });
        }
      }
      if (fills) {
        out[i] = applyFills(tool, fills);
        completions.push({ tool: tool.name, fills, fromCache });
      }
      opts.onProgress?.(++done, todo.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, todo.length)) }, worker));
  completions.sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
  return { tools: out, completions, diagnostics };
}
