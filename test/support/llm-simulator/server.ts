/**
 * The LLM simulator: a TEST DOUBLE for an OpenAI-compatible model server. A real HTTP server
 * (node:http) with `POST /v1/chat/completions` (JSON or `stream: true` SSE with tool-call deltas)
 * and `GET /v1/models`, answering from the request alone by the ToolFlow agent protocol (plans,
 * user turns, assistant tool calls, tool results, tool-JSON completions; any other schema gets a
 * valid instance). Deterministic for a seed and the request content. Fault injection, fixed
 * latency, switches for missing `json_schema` / JSON-mode support, and per-request statistics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { assistantAnswer, type AssistantFault } from './agents/assistantAnswer';
import { judgeAnswer } from './agents/judgeAnswer';
import { planAnswer } from './agents/plannerAnswer';
import { toolCompletionAnswer } from './agents/toolCompletionAnswer';
import { toolResultAnswer } from './agents/toolResultAnswer';
import { userTurnAnswer } from './agents/userTurnAnswer';
import { chooseFault, type FaultKind, type FaultRule } from './faults';
import { recognise, textOf, type ChatCompletionBody, type RecognisedRequest, type RequestKind, type SimToolCall } from './requestShape';
import { schemaInstance } from './schemaInstance';
import { SeededRandom, sha1Hex } from './seededRandom';

export interface LlmSimulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed of every answer and random fault (default "toolflow"). */
  seed?: string | number;
  /** Fixed delay before each answer, in ms (default 0). */
  latencyMs?: number;
  /** Accept `response_format: {type: 'json_schema'}` (default true); otherwise HTTP 400 like servers without it. */
  supportsJsonSchema?: boolean;
  /** Accept `response_format: {type: 'json_object'}` (default true); otherwise HTTP 400. */
  supportsJsonMode?: boolean;
  /** Accept `stream_options` (default true); otherwise HTTP 400 like servers without it. */
  supportsStreamOptions?: boolean;
  /** Report `usage` in answers (default true). */
  reportUsage?: boolean;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get HTTP 401. */
  apiKey?: string;
  /** Probability that the assistant first asks for a required parameter (default 0.15). */
  askRate?: number;
  faults?: FaultRule[];
  /** Model id listed by GET /v1/models (default "toolflow-simulator"). */
  model?: string;
  /**
   * A second prompt-token count per request for the log (`countedPromptTokens`), e.g. a real
   * tokenizer's (benchmarks cross-check the 4-characters-per-token `usage` with it). Not reported in `usage`.
   */
  countPromptTokens?: (body: ChatCompletionBody) => number;
}

export interface RequestRecord {
  /** 1-based request number. */
  n: number;
  kind: RequestKind;
  schemaName?: string;
  mode?: 'json_schema' | 'json_object' | 'text';
  stream: boolean;
  fault?: FaultKind;
  /** HTTP status sent (0 while hanging or when the client went away first). */
  status: number;
  /** Prompt tokens of the request as `usage` counts them (set once the body is read and parsed). */
  promptTokens?: number;
  /** Completion tokens of the answer as `usage` counts them (set when an answer was built). */
  completionTokens?: number;
  /** The request is a re-ask: its last message starts with "Your previous reply could not be used". */
  repair?: boolean;
  /** Of `promptTokens`, those of the `tools` array (the offered tools' JSON), when the request has tools. */
  toolsTokens?: number;
  /** The prompt's tokens by the `countPromptTokens` option, when it is set. */
  countedPromptTokens?: number;
}

export interface SimulatorStats {
  /** Chat-completion requests received. */
  requests: number;
  inFlight: number;
  maxInFlight: number;
  byKind: Partial<Record<RequestKind, number>>;
  bySchema: Record<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  /** Requests refused because their response_format is switched off. */
  unsupportedResponseFormat: number;
  /** Request starts, ms since the simulator started (for rate-limit checks); the first 100 000. */
  startTimes: number[];
  /** The first 100 000 requests. */
  log: RequestRecord[];
  /** The Authorization header of the last request (tests check the key was sent). */
  lastAuthorization?: string;
}

export interface LlmSimulator {
  /** Base URL including `/v1`, e.g. http://127.0.0.1:43123/v1 */
  url: string;
  port: number;
  readonly stats: SimulatorStats;
  setFaults(rules: FaultRule[]): void;
  /**
   * Holds every answer (requests already received and new ones) until the returned function is
   * called: a client cannot finish its work meanwhile, whatever the machine's load.
   */
  hold(): () => void;
  resetStats(): void;
  close(): Promise<void>;
}

function emptyStats(): SimulatorStats {
  return { requests: 0, inFlight: 0, maxInFlight: 0, byKind: {}, bySchema: {}, faults: {}, unsupportedResponseFormat: 0, startTimes: [], log: [] };
}

const MAX_BODY = 32 * 1024 * 1024;
/** First words of every re-ask (the LLM client's `repairMessage` and the assistant's repair feedback). */
const REPAIR_LEAD = 'Your previous reply could not be used';

/** Prompt tokens of a request: about 4 characters of the raw body (messages, tools, response_format) per token. */
function promptTokensOf(raw: string): number {
  return Math.ceil(raw.length / 4);
}
const MAX_RECORDS = 100_000;
/** Distinct request contents remembered for fault decisions before the memory is cleared. */
const MAX_SEEN = 200_000;

function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function apiError(res: http.ServerResponse, status: number, message: string, type: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code: null, ...extra } }, headers);
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits `ms`; resolves false early if the client goes away. */
function waitOrGone(ms: number, res: http.ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

interface Answer {
  content: string | null;
  toolCalls: SimToolCall[];
}

/** A value of the schema with its required properties missing (or of the wrong type). */
function violating(schema: JsonSchema): unknown {
  if (Array.isArray(schema.required) && schema.required.length > 0) return { unexpected_field: true };
  return schema.type === 'array' ? { not: 'an array' } : ['not', 'an', 'object'];
}

export async function startLlmSimulator(options: LlmSimulatorOptions = {}): Promise<LlmSimulator> {
  const seed = String(options.seed ?? 'toolflow');
  const latencyMs = options.latencyMs ?? 0;
  const supportsJsonSchema = options.supportsJsonSchema ?? true;
  const supportsJsonMode = options.supportsJsonMode ?? true;
  const supportsStreamOptions = options.supportsStreamOptions ?? true;
  const reportUsage = options.reportUsage ?? true;
  const askRate = options.askRate ?? 0.15;
  const modelId = options.model ?? 'toolflow-simulator';
  let rules: FaultRule[] = options.faults ?? [];
  let stats = emptyStats();
  /** While held: resolves when released. */
  let held: Promise<void> | undefined;
  const seen = new Map<string, number>();
  const started = Date.now();
  let ids = 0;

  function structuredValue(rec: RecognisedRequest, body: ChatCompletionBody, rng: SeededRandom, fault: FaultKind | undefined): unknown {
    const { schemaName, schema } = rec.structured!;
    // A careless model: JSON the schema allows, with no regard for what the agent was asked to do.
    if (fault === 'arbitrary-json') return schemaInstance(schema, rng, { optionalRate: 0.5 });
    switch (schemaName) {
      case 'dialogue_plan':
        return planAnswer(body, schema, rng);
      case 'user_turn':
        return userTurnAnswer(body, rng, fault === 'finish-early' || fault === 'skip-step' ? fault : undefined);
      case 'tool_result':
        return toolResultAnswer(body, schema, rng);
      case 'tool_completion':
        return toolCompletionAnswer(schema, rng);
      case 'dialogue_judgement':
        return judgeAnswer(body);
      default:
        return schemaInstance(schema, rng);
    }
  }

  function answer(rec: RecognisedRequest, body: ChatCompletionBody, rng: SeededRandom, fault: FaultKind | undefined): Answer {
    if (rec.structured) {
      let json: string;
      if (fault === 'malformed-content') json = '{"answer": [1, 2, "unterminated';
      else if (fault === 'schema-violation') json = JSON.stringify(violating(rec.structured.schema));
      else json = JSON.stringify(structuredValue(rec, body, rng, fault));
      // Plain-text mode answers like a chatty model: prose around a fenced block.
      const content = rec.structured.mode === 'text' ? `Sure! Here is the ${rec.structured.schemaName} you asked for:\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you need changes.` : json;
      return { content, toolCalls: [] };
    }
    if (rec.kind === 'assistant') {
      const f = fault === 'unknown-tool' || fault === 'bad-arguments' || fault === 'wrong-argument-types' || fault === 'non-json-arguments' ? (fault as AssistantFault) : undefined;
      const reply = assistantAnswer(body, rng, { askRate }, f);
      return { content: reply.content, toolCalls: reply.toolCalls };
    }
    const lastUser = textOf([...body.messages].reverse().find((m) => m.role === 'user'));
    const reply = `This is the ToolFlow LLM simulator. You said: ${lastUser.slice(0, 200)}`;
    // JSON mode without a schema instruction (another client): still a JSON object.
    if (body.response_format?.type === 'json_object') return { content: JSON.stringify({ reply }), toolCalls: [] };
    return { content: reply, toolCalls: [] };
  }

  function completionBody(body: ChatCompletionBody, raw: string, a: Answer) {
    const message: Record<string, unknown> = { role: 'assistant', content: a.content };
    if (a.toolCalls.length > 0) message.tool_calls = a.toolCalls;
    const out: Record<string, unknown> = {
      id: `chatcmpl-sim${++ids}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? modelId,
      choices: [{ index: 0, message, finish_reason: a.toolCalls.length > 0 ? 'tool_calls' : 'stop', logprobs: null }],
    };
    if (reportUsage) out.usage = usageFor(raw, a);
    return out;
  }

  function usageFor(raw: string, a: Answer) {
    const prompt = promptTokensOf(raw);
    const completion = Math.ceil(((a.content ?? '').length + (a.toolCalls.length > 0 ? JSON.stringify(a.toolCalls).length : 0)) / 4);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  /** SSE chunks of an answer, with content and tool-call arguments split into pieces. */
  function streamChunks(body: ChatCompletionBody, raw: string, a: Answer): unknown[] {
    const id = `chatcmpl-sim${++ids}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? modelId;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
    const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
    const pieces = (s: string) => {
      const n = Math.max(1, Math.min(4, Math.ceil(s.length / 24)));
      const size = Math.ceil(s.length / n);
      const list: string[] = [];
      for (let i = 0; i < s.length; i += size) list.push(s.slice(i, i + size));
      return list.length > 0 ? list : [''];
    };
    if (a.content) for (const p of pieces(a.content)) out.push(chunk({ content: p }));
    a.toolCalls.forEach((tc, index) => {
      out.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] }));
      for (const p of pieces(tc.function.arguments)) out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
    });
    out.push(chunk({}, a.toolCalls.length > 0 ? 'tool_calls' : 'stop'));
    if (reportUsage && body.stream_options?.include_usage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageFor(raw, a) });
    return out;
  }

  async function handleChat(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const n = ++stats.requests;
    const mine = stats;
    mine.inFlight++;
    mine.maxInFlight = Math.max(mine.maxInFlight, mine.inFlight);
    res.once('close', () => mine.inFlight--);
    const record: RequestRecord = { n, kind: 'chat', stream: false, status: 0 };
    // Per-request records stop growing at MAX_RECORDS (counters go on), so a long run stays small.
    if (mine.log.length < MAX_RECORDS) {
      mine.startTimes.push(Date.now() - started);
      mine.log.push(record);
    }
    const auth = req.headers.authorization;
    if (auth !== undefined) mine.lastAuthorization = auth;

    const raw = await readBody(req);
    if (raw === undefined) {
      record.status = 413;
      return apiError(res, 413, 'request body too large', 'invalid_request_error');
    }
    if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
      record.status = 401;
      // Like real servers, the message echoes part of the key it got; clients must not repeat it.
      return apiError(res, 401, `Incorrect API key provided: ${auth ?? '(none)'}`, 'invalid_request_error', { code: 'invalid_api_key' });
    }
    let body: ChatCompletionBody;
    try {
      body = JSON.parse(raw) as ChatCompletionBody;
    } catch (e) {
      record.status = 400;
      return apiError(res, 400, `request body is not JSON: ${e instanceof Error ? e.message : String(e)}`, 'invalid_request_error');
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || body.messages.length === 0) {
      record.status = 400;
      return apiError(res, 400, '`messages` must be a non-empty array', 'invalid_request_error', { param: 'messages' });
    }
    const rec = recognise(body);
    record.kind = rec.kind;
    record.promptTokens = promptTokensOf(raw);
    if (Array.isArray(body.tools) && body.tools.length > 0) record.toolsTokens = promptTokensOf(JSON.stringify(body.tools));
    if (options.countPromptTokens) record.countedPromptTokens = options.countPromptTokens(body);
    const lastMessage = body.messages[body.messages.length - 1];
    if (lastMessage?.role === 'user' && textOf(lastMessage).startsWith(REPAIR_LEAD)) record.repair = true;
    record.stream = body.stream === true;
    mine.byKind[rec.kind] = (mine.byKind[rec.kind] ?? 0) + 1;
    if (rec.structured) {
      record.schemaName = rec.structured.schemaName;
      record.mode = rec.structured.mode;
      mine.bySchema[rec.structured.schemaName] = (mine.bySchema[rec.structured.schemaName] ?? 0) + 1;
    }
    const rfType = body.response_format?.type;
    if ((rfType === 'json_schema' && !supportsJsonSchema) || (rfType === 'json_object' && !supportsJsonMode)) {
      mine.unsupportedResponseFormat++;
      record.status = 400;
      return apiError(res, 400, `response_format type "${rfType}" is not supported by this server`, 'invalid_request_error', { param: 'response_format' });
    }

    if (body.stream_options !== undefined && !supportsStreamOptions) {
      record.status = 400;
      return apiError(res, 400, 'Unrecognized request argument supplied: stream_options', 'invalid_request_error', { param: 'stream_options' });
    }

    const contentHash = sha1Hex(raw);
    if (seen.size >= MAX_SEEN) seen.clear();
    const occurrence = (seen.get(contentHash) ?? 0) + 1;
    seen.set(contentHash, occurrence);
    const rule = chooseFault(rules, n, rec, seed, `${contentHash}:${occurrence}`);
    const fault = rule?.fault;
    if (fault) {
      record.fault = fault;
      mine.faults[fault] = (mine.faults[fault] ?? 0) + 1;
    }

    if (!(await waitOrGone(latencyMs, res))) return;
    while (held) await held;
    if (res.destroyed) return;

    if (fault === 'rate-limit') {
      const secs = rule?.retryAfterSeconds ?? 1;
      const value = rule?.retryAfterAsDate ? new Date(Date.now() + secs * 1000).toUTCString() : String(secs);
      record.status = 429;
      return apiError(res, 429, 'Rate limit reached (simulated). Please retry after the given time.', 'rate_limit_error', {}, { 'retry-after': value });
    }
    if (fault === 'unavailable') {
      const secs = rule?.retryAfterSeconds ?? 1;
      record.status = 503;
      return apiError(res, 503, 'The server is overloaded (simulated). Please retry after the given time.', 'server_error', {}, { 'retry-after': rule?.retryAfterAsDate ? new Date(Date.now() + secs * 1000).toUTCString() : String(secs) });
    }
    if (fault === 'server-error') {
      record.status = 500;
      return apiError(res, 500, 'The server had an error while processing your request (simulated).', 'server_error');
    }

    const rng = new SeededRandom(`${seed}\u0000${contentHash}`);
    const a = answer(rec, body, rng, fault);
    record.completionTokens = usageFor(raw, a).completion_tokens;

    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      record.status = 200;
      const chunks = streamChunks(body, raw, a);
      if (fault === 'hang') {
        res.write(`data: ${JSON.stringify(chunks[0])}\n\n`);
        return; // then silence until the client gives up
      }
      if (fault === 'truncated-body') {
        for (const c of chunks.slice(0, Math.max(1, Math.floor(chunks.length / 2)))) res.write(`data: ${JSON.stringify(c)}\n\n`);
        res.write('data: {"id": "chatcmpl-broken", "choi');
        res.destroy();
        return;
      }
      res.end(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n');
      return;
    }
    if (fault === 'hang') return; // never answers
    const out = JSON.stringify(completionBody(body, raw, a));
    record.status = 200;
    if (fault === 'truncated-body') {
      const half = out.slice(0, Math.floor(out.length / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(half) });
      res.end(half);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const handle = async () => {
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) return handleChat(req, res);
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        return sendJson(res, 200, { object: 'list', data: [{ id: modelId, object: 'model', created: Math.floor(started / 1000), owned_by: 'toolflow-llm-simulator' }] });
      }
      return apiError(res, 404, `no route ${req.method ?? ''} ${path} (the LLM simulator serves POST /v1/chat/completions and GET /v1/models)`, 'invalid_request_error');
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) apiError(res, 500, `LLM simulator bug: ${e instanceof Error ? e.message : String(e)}`, 'server_error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    get stats() {
      return stats;
    },
    setFaults(next: FaultRule[]) {
      rules = next;
    },
    hold() {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      held = gate;
      return () => {
        if (held === gate) held = undefined;
        release();
      };
    },
    resetStats() {
      stats = emptyStats();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
