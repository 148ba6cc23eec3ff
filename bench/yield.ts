/**
 * Yield benchmark of the generation pipeline: N dialogues (default 100) against the LLM simulator (a
 * test double, in this process) acting as a careless model, on real BFCL multi-turn API tools
 * (GorillaFileSystem, TwitterAPI, TicketAPI, TravelAPI, ... from ../shared/data/tools/bfcl, the ones
 * with a `response` schema, so the tool simulator's results are checked against `returns`), at
 * 0 % and at 20 % faults.
 *
 *   node --import tsx bench/yield.ts [--dialogues 100] [--rates 0,0.2] [--careless 0.3] [--concurrency 16] [--seed 1] [--irrelevance-rate P]
 *     [--faults careless|issue] [--careless-agents user,tool|all] [--careless-only] [--tools bfcl|api-bank] [--max-retries 4]
 *
 * At rate P each request gets a fault with probability P, its kind drawn evenly from those that fit
 * the request: transport faults for every request (429, 500, hang, truncated body) and the
 * careless-model faults of its agent: planner (arbitrary schema-valid JSON, malformed JSON), user
 * (arbitrary schema-valid JSON, finishing at once, skipping a step, malformed JSON), assistant
 * (unknown tool, missing required argument, wrong argument type, non-JSON arguments), tool simulator
 * (arbitrary schema-valid JSON, schema violation, malformed JSON). A last run repeats the highest
 * rate with a careless model on top: `--careless C` of user turns and tool results are arbitrary
 * schema-valid JSON (0 skips that run; `--careless-only` runs only it).
 *
 * Issue 9's own server, as the issue describes it ("answers structured requests with arbitrary
 * schema-valid JSON and injects 20 % faults (429, 5xx, hangs, truncated JSON, unknown tools, wrong
 * argument types), on API-Bank tools", 24 dialogues):
 *
 *   node --import tsx bench/yield.ts --tools api-bank --faults issue --rates 0.2 --careless 1 --careless-agents all --max-retries 8 --dialogues 24
 *
 * `--faults issue` draws only the issue's fault kinds (429, 500, 503, hang, truncated body for every
 * request; unknown tool and wrong argument types for assistant requests) and tries them before the
 * careless rule, so with `--careless 1` every structured answer that gets no fault (re-asks included)
 * is arbitrary schema-valid JSON. `--careless-agents all` includes the planner (the issue says
 * "structured requests", and the plan is one); `user,tool` leaves the planner sane. `--tools api-bank`
 * is test/fixtures/import/api-bank.json, the repo's only API-Bank file (two tools). `--max-retries 8`:
 * since the run stops when an endpoint keeps failing after every retry (endpointFailure.ts), 4 retries
 * at 20 % transport faults stop a 100-dialogue run now and then. docs/agents.md has the figures.
 *
 * Prints per rate: accepted share; tokens (prompt + completion, as the simulator reports them) spent
 * on the whole run per accepted dialogue; repairs per dialogue (the LLM client's JSON/schema re-asks,
 * and the pipeline's own protocol repairs recorded in each dialogue when present); rejection reasons;
 * and how many accepted dialogues break their plan by an independent check (a tool step whose named
 * tools are never called, or no tool call at all although the plan has tool steps).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importPaths } from '../src/engine/import';
import { singleEndpointConfig } from '../src/engine/llm/config';
import { LlmClient } from '../src/engine/llm/llmClient';
import { readRun, startRun } from '../src/engine/pipeline/runner';
import type { DialogueRecord } from '../src/engine/pipeline/types';
import type { FaultKind, FaultRule } from '../test/support/llm-simulator/faults';
import type { ChatCompletionBody } from '../test/support/llm-simulator/requestShape';
import { startLlmSimulator, type RequestRecord } from '../test/support/llm-simulator/server';
import { countChatTokens, countTokens } from '../src/engine/export/tokens';

const repoRoot = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    dialogues: { type: 'string', default: '100' },
    rates: { type: 'string', default: '0,0.2' },
    careless: { type: 'string', default: '0.3' },
    'careless-agents': { type: 'string', default: 'user,tool' },
    'careless-only': { type: 'boolean', default: false },
    faults: { type: 'string', default: 'careless' },
    tools: { type: 'string', default: 'bfcl' },
    'irrelevance-rate': { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    'max-retries': { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
  },
});
const count = Number(values.dialogues);
const concurrency = Number(values.concurrency);
if (values.faults !== 'careless' && values.faults !== 'issue') throw new Error(`--faults ${values.faults}: use careless or issue`);
if (values.tools !== 'bfcl' && values.tools !== 'api-bank') throw new Error(`--tools ${values.tools}: use bfcl or api-bank`);
/** Agents whose structured answers the careless model replaces; `all` is every structured request (planner, user, tool simulator, judge, ...). */
const carelessAgents: Array<string | undefined> = values['careless-agents'] === 'all' ? [undefined] : values['careless-agents']!.split(',').map((s) => s.trim());

const TRANSPORT: FaultKind[] = ['rate-limit', 'server-error', 'hang', 'truncated-body'];
const CARELESS: Record<string, FaultKind[]> = {
  planner: ['arbitrary-json', 'malformed-content'],
  user: ['arbitrary-json', 'finish-early', 'skip-step', 'malformed-content'],
  assistant: ['unknown-tool', 'bad-arguments', 'wrong-argument-types', 'non-json-arguments'],
  tool: ['arbitrary-json', 'schema-violation', 'malformed-content'],
};

/**
 * The faults issue 9's server injected, for every request: 429, 5xx (500 and 503), hangs, truncated
 * JSON bodies; and for assistant requests also unknown tools and wrong argument types.
 */
const ISSUE_TRANSPORT: FaultKind[] = ['rate-limit', 'server-error', 'unavailable', 'hang', 'truncated-body'];
const ISSUE_ASSISTANT: FaultKind[] = ['unknown-tool', 'wrong-argument-types'];

/** Rules giving each request a fault with probability `rate`, the kind evenly drawn from `kinds`. Rules are tried in order. */
function evenly(rate: number, kinds: FaultKind[], target: string | undefined): FaultRule[] {
  const share = rate / kinds.length;
  // Rule i fires with share / (1 - i·share) among requests left by the earlier ones.
  return kinds.map((fault, i) => ({ fault, ...(target ? { target } : {}), rate: share / (1 - i * share), retryAfterSeconds: 0 }));
}

/**
 * Issue 9's server (`--faults issue`): each request gets one of the issue's faults with probability
 * `rate` (assistant requests: transport or unknown tool or wrong argument types; others: transport);
 * then `careless` of the structured requests left of the `agents` (undefined: every structured
 * request) are answered with arbitrary schema-valid JSON. Faults come first, so `--careless 1` still
 * leaves `rate` of the structured requests their faults.
 */
export function issueMix(rate: number, careless: number, agents: ReadonlyArray<string | undefined>): FaultRule[] {
  const rules: FaultRule[] = [];
  if (rate > 0) {
    rules.push(...evenly(rate, [...ISSUE_TRANSPORT, ...ISSUE_ASSISTANT], 'assistant'));
    rules.push(...evenly(rate, ISSUE_TRANSPORT, undefined));
  }
  if (careless > 0) for (const target of agents) rules.push({ fault: 'arbitrary-json', ...(target ? { target } : {}), rate: careless });
  return rules;
}

/**
 * Rules giving each request of an agent a fault with probability `rate`, the kind evenly drawn; with
 * `careless` > 0, first that share of the `agents`' answers (user turns and tool results by default) are
 * arbitrary schema-valid JSON (the careless model of issue 9, whose user agent says `finished: true`
 * on its first turn). The careless rules come first: with `careless` 1 those agents get no other fault.
 */
export function faultMix(rate: number, careless = 0, agents: ReadonlyArray<string | undefined> = ['user', 'tool']): FaultRule[] {
  const rules: FaultRule[] = [];
  if (careless > 0) for (const target of agents) rules.push({ fault: 'arbitrary-json', ...(target ? { target } : {}), rate: careless });
  if (rate <= 0) return rules;
  for (const [target, careless] of Object.entries(CARELESS)) {
    const kinds = [...TRANSPORT, ...careless];
    const share = rate / kinds.length;
    // Rules are tried in order: rule i fires with share / (1 - i·share) among requests left by the earlier ones.
    kinds.forEach((fault, i) => rules.push({ fault, target, rate: share / (1 - i * share), retryAfterSeconds: 0 }));
  }
  return rules;
}

/**
 * `--tools api-bank`: the repo's only API-Bank file, test/fixtures/import/api-bank.json (two of
 * API-Bank's APIs, QueryMeeting and Calculator, in its format: Python-style types, output_parameters
 * imported as `returns`); ../shared/data holds no API-Bank tool set. Otherwise BFCL multi-turn API
 * functions (they come with `response` schemas), cut into a temporary JSONL file.
 */
async function loadTools() {
  if (values.tools === 'api-bank') return (await importPaths([path.join(repoRoot, 'test', 'fixtures', 'import', 'api-bank.json')])).toolSet.tools;
  const source = path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'bfcl', 'bfcl_functions.jsonl');
  const lines = fs.readFileSync(source, 'utf8').split('\n').filter((l) => l.includes('multi_turn_func_doc'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-yield-tools-'));
  const file = path.join(dir, 'bfcl_multi_turn.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const imported = await importPaths([file]);
  fs.rmSync(dir, { recursive: true, force: true });
  return imported.toolSet.tools;
}

/** An independent plan check: every tool step's named tools get a call, and a plan with tool steps has calls. */
function breaksPlan(r: DialogueRecord): boolean {
  if (!r.plan) return false;
  const called = new Set(r.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.function.name) : [])));
  const toolSteps = r.plan.steps.filter((s) => s.kind === 'tool');
  if (toolSteps.length > 0 && called.size === 0) return true;
  return toolSteps.some((s) => (s.tools ?? []).length > 0 && !(s.tools ?? []).some((t) => called.has(t)));
}

/**
 * Where the tokens went, from the simulator's own request log (what a server would bill): per agent,
 * first asks and re-asks apart, prompt and completion apart. `delivered` answers reached the client;
 * `lost` ones were computed but hung or cut off in transit (a real server bills them too); refused
 * requests (429, 500) cost nothing.
 */
export function tokenBreakdown(log: readonly RequestRecord[]) {
  const rows: Record<string, { requests: number; prompt: number; completion: number; o200kPrompt: number }> = {};
  const add = (key: string, r: RequestRecord) => {
    const row = (rows[key] ??= { requests: 0, prompt: 0, completion: 0, o200kPrompt: 0 });
    row.requests++;
    row.prompt += r.promptTokens ?? 0;
    row.completion += r.completionTokens ?? 0;
    row.o200kPrompt += r.countedPromptTokens ?? 0;
  };
  let delivered = 0;
  let lost = 0;
  let offeredTools = 0;
  let o200k = 0;
  for (const r of log) {
    if (r.completionTokens === undefined) continue; // refused before an answer was built
    const tokens = (r.promptTokens ?? 0) + r.completionTokens;
    offeredTools += r.toolsTokens ?? 0;
    o200k += (r.countedPromptTokens ?? 0) + r.completionTokens;
    if (r.fault === 'hang' || r.fault === 'truncated-body') {
      lost += tokens;
      add('lost in transit (hang, truncated)', r);
      continue;
    }
    delivered += tokens;
    add(r.repair ? `${r.kind} re-ask` : r.kind, r);
  }
  return { rows, delivered, lost, offeredTools, o200k };
}

/** A request's prompt by a real tokenizer: the messages and tools as the exporters count them, plus the response_format schema. */
function o200kPromptTokens(body: ChatCompletionBody): number {
  const schema = body.response_format?.json_schema?.schema;
  return countChatTokens(body.messages as unknown as Array<Record<string, unknown>>, body.tools) + (schema ? countTokens(schema) : 0);
}

function tokensOf(r: DialogueRecord): number {
  return Object.values(r.usage).reduce((n, u) => n + (u ? u.promptTokens + u.completionTokens : 0), 0);
}

async function once(rate: number, careless: number, tools: Awaited<ReturnType<typeof loadTools>>): Promise<void> {
  const faults = values.faults === 'issue' ? issueMix(rate, careless, carelessAgents) : faultMix(rate, careless, carelessAgents);
  const sim = await startLlmSimulator({ seed: `yield-${values.seed}`, faults, countPromptTokens: o200kPromptTokens });
  let clientRepairs = 0;
  let retries = 0;
  const model = new LlmClient(
    singleEndpointConfig({ baseURL: sim.url, apiKey: '', model: 'toolflow-simulator' }, { concurrency, requestTimeoutMs: 2000, maxRetries: Number(values['max-retries']), backoffBaseMs: 5, backoffMaxMs: 50 }),
    { hooks: { onRepair: () => void clientRepairs++, onRetry: () => void retries++ } },
  );
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-yield-')), 'run');
  const t0 = performance.now();
  try {
    const irrelevance = values['irrelevance-rate'] !== undefined ? { irrelevanceRate: Number(values['irrelevance-rate']) } : {};
    const result = await startRun({ dir, tools, model, options: { count, seed: Number(values.seed), concurrency, ...irrelevance } });
    const wallS = (performance.now() - t0) / 1000;
    const run = await readRun(dir);
    const records = run.dialogues;
    const accepted = records.filter((r) => r.status === 'accepted');
    const tokens = records.reduce((n, r) => n + tokensOf(r), 0);
    const pipelineRepairs = records.reduce((n, r) => n + Object.values((r as { repairs?: Record<string, number> }).repairs ?? {}).reduce((a, b) => a + b, 0), 0);
    const repairsByRole: Record<string, number> = {};
    for (const r of records) for (const [role, n] of Object.entries((r as { repairs?: Record<string, number> }).repairs ?? {})) repairsByRole[role] = (repairsByRole[role] ?? 0) + n;
    const messages = new Map<string, number>();
    for (const r of records) for (const x of r.reasons) {
      const key = `${x.code}: ${x.message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 90)}`;
      messages.set(key, (messages.get(key) ?? 0) + 1);
    }
    const who = carelessAgents.includes(undefined) ? 'every structured answer (planner, user, tool simulator, ...)' : `the answers of ${carelessAgents.join(', ')}`;
    console.log(`\n== ${Math.round(rate * 100)} % faults (${values.faults === 'issue' ? "issue 9's kinds" : 'careless-model kinds'})${careless > 0 ? `, careless model (${Math.round(careless * 100)} % of ${who} arbitrary schema-valid JSON)` : ''}: ${records.length} dialogues in ${wallS.toFixed(1)} s; simulator ${sim.stats.requests} requests, faults ${JSON.stringify(sim.stats.faults)}`);
    console.log(`accepted: ${accepted.length}/${records.length} = ${((100 * accepted.length) / Math.max(1, records.length)).toFixed(1)} %`);
    console.log(`tokens: ${tokens} in all (meter ${result.tokens}); per accepted dialogue: ${accepted.length > 0 ? Math.round(tokens / accepted.length) : '∞'}; per dialogue ${Math.round(tokens / Math.max(1, records.length))}`);
    console.log(`repairs per dialogue: pipeline ${(pipelineRepairs / Math.max(1, records.length)).toFixed(2)} ${JSON.stringify(repairsByRole)}; LLM client JSON/schema re-asks ${(clientRepairs / Math.max(1, records.length)).toFixed(2)}; transport retries ${(retries / Math.max(1, records.length)).toFixed(2)}`);
    const rejectedTokens = records.filter((r) => r.status !== 'accepted').reduce((n, r) => n + tokensOf(r), 0);
    console.log(`rejection reasons (dialogues per code): ${JSON.stringify(run.counts.byReason)}; tokens spent on rejected dialogues: ${rejectedTokens} (${((100 * rejectedTokens) / Math.max(1, tokens)).toFixed(1)} %, ${Math.round(rejectedTokens / Math.max(1, records.length - accepted.length))} per rejected dialogue)`);
    for (const [k, n] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${String(n).padStart(3)} × ${k}`);
    const keeping = accepted.filter((r) => !breaksPlan(r)).length;
    const withCall = accepted.filter((r) => r.messages.some((m) => m.role === 'assistant' && (m.tool_calls ?? []).length > 0)).length;
    const withToolStep = accepted.filter((r) => (r.plan?.steps ?? []).some((s) => s.kind === 'tool')).length;
    console.log(`accepted dialogues with a tool call: ${withCall}; whose plan has a tool step: ${withToolStep}`);
    console.log(`accepted dialogues that break their plan (independent check): ${accepted.length - keeping}; tokens per accepted dialogue that keeps its plan: ${keeping > 0 ? Math.round(tokens / keeping) : '∞'}`);
    const bill = tokenBreakdown(sim.stats.log);
    const per = (n: number) => (keeping > 0 ? Math.round(n / keeping) : Infinity);
    console.log(`server bill (simulator log: every answer built, re-asks and failed requests included): ${bill.delivered + bill.lost} tokens = ${accepted.length > 0 ? Math.round((bill.delivered + bill.lost) / accepted.length) : '∞'} per accepted dialogue, ${per(bill.delivered + bill.lost)} per plan-keeping accepted dialogue (${per(bill.delivered)} delivered + ${per(bill.lost)} lost in transit)`);
    console.log(`  of which the offered tools' JSON in assistant requests (the training data's tools, as imported): ${per(bill.offeredTools)}`);
    console.log(`  the same bill with prompts counted by o200k_base (gpt-tokenizer, OpenAI's chat-message estimate; completions as above): ${per(bill.o200k)} per plan-keeping accepted dialogue`);
    console.log('  per plan-keeping accepted dialogue, by agent:   requests   prompt  completion   total  (o200k prompt)');
    for (const [k, row] of Object.entries(bill.rows).sort((a, b) => b[1].prompt + b[1].completion - (a[1].prompt + a[1].completion))) {
      console.log(`    ${k.padEnd(40)} ${(row.requests / Math.max(1, keeping)).toFixed(2).padStart(8)} ${String(per(row.prompt)).padStart(8)} ${String(per(row.completion)).padStart(11)} ${String(per(row.prompt + row.completion)).padStart(7)}  (${per(row.o200kPrompt)})`);
    }
  } finally {
    await sim.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const tools = await loadTools();
  console.log(`yield benchmark: ${count} dialogues per rate, ${tools.length} ${values.tools === 'api-bank' ? 'API-Bank' : 'BFCL multi-turn'} tools (${tools.filter((t) => t.returns).length} with returns), LLM simulator in-process, concurrency ${concurrency}, seed ${values.seed}, default run options${values['irrelevance-rate'] !== undefined ? ` but irrelevanceRate ${values['irrelevance-rate']}` : ''}`);
  const rates = values.rates!.split(',').map(Number);
  if (!values['careless-only']) for (const rate of rates) await once(rate, 0, tools);
  const careless = Number(values.careless);
  if (careless > 0) await once(rates[rates.length - 1]!, careless, tools);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
