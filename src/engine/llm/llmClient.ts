/**
 * LlmClient: the ChatModel for any OpenAI-compatible endpoint, on the `openai` SDK.
 *
 * Per request: budget check → requests-per-minute spacing → a concurrency slot → one HTTP attempt
 * under a per-request timeout → on 429 / 5xx / connection error / timeout, release the slot, wait
 * (exponential backoff with jitter, never less than Retry-After) and try again, up to maxRetries.
 * The caller's AbortSignal stops every wait and the request in flight at once.
 */
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { abortedError, sleep, throwIfAborted } from './abortable';
import type { LlmClientHooks } from './clientEvents';
import { checkLimits, type LlmConfig } from './config';
import { classifyFailure, MalformedResponseError } from './errorMapping';
import { RpmLimiter, Semaphore } from './rateLimits';
import { Redactor } from './redact';
import { RETRYABLE_CODES, retryDelayMs } from './retryPolicy';
import { nodeHttpFetch } from './nodeHttpFetch';
import { extractJson, repairMessage, schemaInstruction, withSchemaInstruction, type StructuredMode } from './structuredOutput';
import { UsageMeter, type RoleUsage, type UsageByRole } from './usageMeter';
import {
  LlmError,
  LLM_ROLES,
  type ChatDelta,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResult,
  type EndpointConfig,
  type LlmRole,
  type StructuredRequest,
  type TokenUsage,
  type ToolCall,
} from './types';

export interface LlmClientOptions {
  hooks?: LlmClientHooks;
  /**
   * HTTP transport: `node-http` (default; node:http with keep-alive, about 4x less CPU per request)
   * or `fetch` (Node's built-in fetch).
   */
  transport?: 'node-http' | 'fetch';
  /** Random source for backoff jitter (tests may fix it). */
  random?: () => number;
}

type AssistantMessage = ChatResult['message'];

interface AttemptContext {
  role: LlmRole;
  endpoint: EndpointConfig;
  stream: boolean;
  /** With `stream`: ask for a final usage chunk (`stream_options.include_usage`). */
  streamUsage?: boolean;
  mode?: StructuredMode;
  schemaName?: string;
  signal: AbortSignal | undefined;
}

const NEXT_MODE: Record<StructuredMode, StructuredMode | undefined> = { json_schema: 'json_object', json_object: 'text', text: undefined };

export class LlmClient implements ChatModel {
  private readonly sdkClients = new Map<string, OpenAI>();
  private readonly semaphore: Semaphore;
  private readonly rpm: RpmLimiter | undefined;
  private readonly meter: UsageMeter;
  private readonly redactor: Redactor;
  private readonly hooks: LlmClientHooks;
  private readonly random: () => number;
  /** Structured-output mode that works, per `baseURL|model`. */
  private readonly structuredModes = new Map<string, StructuredMode>();
  /** Endpoints (`baseURL|model`) that refused `stream_options`. */
  private readonly noStreamUsage = new Set<string>();
  private callIds = 0;
  private readonly transport: 'node-http' | 'fetch';

  constructor(
    private readonly config: LlmConfig,
    options: LlmClientOptions = {},
  ) {
    checkLimits(config.limits);
    this.semaphore = new Semaphore(config.limits.concurrency);
    this.rpm = config.limits.requestsPerMinute ? new RpmLimiter(config.limits.requestsPerMinute) : undefined;
    this.meter = new UsageMeter(config.prices, config.budget);
    const secrets: string[] = [];
    for (const r of LLM_ROLES) {
      const ep = config.roles[r];
      if (ep.apiKey) secrets.push(ep.apiKey);
      for (const v of Object.values(ep.headers ?? {})) secrets.push(v);
    }
    this.redactor = new Redactor(secrets);
    this.hooks = options.hooks ?? {};
    this.random = options.random ?? Math.random;
    this.transport = options.transport ?? 'node-http';
  }

  /** Token usage and cost per role so far. */
  usage(): UsageByRole {
    return this.meter.snapshot();
  }

  usageTotals(): RoleUsage {
    return this.meter.totals();
  }

  /** The structured-output mode currently used for a role's endpoint. */
  structuredModeFor(role: LlmRole): StructuredMode {
    return this.structuredModes.get(this.endpointKey(this.config.roles[role])) ?? 'json_schema';
  }

  /** Removes secrets from any text (for callers that log LLM-related errors themselves). */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const endpoint = this.endpointFor(req.role);
    const body = this.baseBody(endpoint, req.messages, req.temperature, req.maxTokens);
    if (req.seed !== undefined) body.seed = req.seed;
    if (req.tools && req.tools.length > 0) {
      body.tools = req.tools;
      if (req.toolChoice) body.tool_choice = req.toolChoice;
      if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
    }
    const ctx: AttemptContext = { role: req.role, endpoint, stream: req.stream === true, signal: req.signal };
    if (!ctx.stream) return this.complete(ctx, body, req.onDelta);
    const key = this.endpointKey(endpoint);
    const withUsage = !this.noStreamUsage.has(key);
    try {
      return await this.complete({ ...ctx, streamUsage: withUsage }, body, req.onDelta);
    } catch (e) {
      // Some servers refuse `stream_options`; stream without it (usage is then estimated) and remember.
      if (!(withUsage && refusedParameter(e))) throw e;
      const result = await this.complete({ ...ctx, streamUsage: false }, body, req.onDelta);
      this.noStreamUsage.add(key);
      return result;
    }
  }

  async structured<T>(req: StructuredRequest<T>): Promise<{ value: T; usage: TokenUsage }> {
    const endpoint = this.endpointFor(req.role);
    const key = this.endpointKey(endpoint);
    const maxRepairs = req.maxRepairs ?? 2;
    const total: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    let messages = req.messages;
    let repairs = 0;
    let mode = this.structuredModes.get(key) ?? 'json_schema';
    for (;;) {
      const body = this.baseBody(endpoint, mode === 'json_schema' ? messages : withSchemaInstruction(messages, req.schemaName, req.schema), req.temperature, req.maxTokens);
      if (req.seed !== undefined) body.seed = req.seed;
      if (mode === 'json_schema') {
        body.response_format = { type: 'json_schema', json_schema: { name: req.schemaName, schema: req.schema as Record<string, unknown>, strict: req.strict ?? false } };
      } else if (mode === 'json_object') {
        body.response_format = { type: 'json_object' };
      }
      let result: ChatResult;
      try {
        result = await this.complete({ role: req.role, endpoint, stream: false, mode, schemaName: req.schemaName, signal: req.signal }, body, undefined);
      } catch (e) {
        const next = NEXT_MODE[mode];
        if (refusedParameter(e) && next) {
          this.emit('onFallback', { role: req.role, baseURL: this.redactor.text(endpoint.baseURL), model: endpoint.model, from: mode, to: next, reason: e.message });
          mode = next;
          continue;
        }
        throw e;
      }
      // Remember what worked, so later requests to this endpoint start there.
      if (this.structuredModes.get(key) !== mode) this.structuredModes.set(key, mode);
      total.promptTokens += result.usage.promptTokens;
      total.completionTokens += result.usage.completionTokens;
      const content = result.message.content ?? '';
      let problems: string[];
      const parsed = extractJson(content);
      if (!parsed.ok) {
        problems = [parsed.error];
      } else {
        const checked = req.validate(parsed.value);
        if (checked.ok) return { value: checked.value, usage: total };
        problems = checked.errors.length > 0 ? checked.errors : ['the reply did not match the schema'];
      }
      if (result.finishReason === 'length') problems.push('the reply was cut off at the token limit; answer more briefly');
      if (repairs >= maxRepairs) {
        throw new LlmError(
          'invalid-output',
          this.redactor.text(`${req.role}: the model's answer for "${req.schemaName}" was unusable after ${repairs + 1} attempts: ${problems.slice(0, 5).join('; ')}`),
          req.role,
          { problems: problems.map((p) => this.redactor.text(p)), attempts: repairs + 1 },
        );
      }
      repairs++;
      this.emit('onRepair', { role: req.role, schemaName: req.schemaName, repair: repairs, problems: problems.map((p) => this.redactor.text(p)) });
      // In json_schema mode the prompt holds no schema; if the server ignored response_format and the
      // model wrote prose, the re-ask carries the schema itself.
      const reask = mode === 'json_schema' && !parsed.ok ? `${repairMessage(problems)}\n\n${schemaInstruction(req.schemaName, req.schema)}` : repairMessage(problems);
      messages = [...messages, { role: 'assistant', content }, { role: 'user', content: reask }];
    }
  }

  // ---------------------------------------------------------------------------------------------

  private endpointFor(role: LlmRole): EndpointConfig {
    const ep = this.config.roles[role];
    if (!ep) throw new LlmError('bad-request', `no endpoint configured for the ${String(role)} role`, role);
    return ep;
  }

  private endpointKey(ep: EndpointConfig): string {
    return `${ep.baseURL}|${ep.model}`;
  }

  private sdkFor(ep: EndpointConfig): OpenAI {
    const key = `${ep.baseURL}\u0000${ep.apiKey}\u0000${JSON.stringify(ep.headers ?? {})}`;
    let client = this.sdkClients.get(key);
    if (!client) {
      client = new OpenAI({
        baseURL: ep.baseURL,
        // Local servers need no key, but the SDK insists on one.
        apiKey: ep.apiKey || 'no-key',
        organization: null,
        project: null,
        defaultHeaders: ep.headers ?? {},
        // Our own retry loop (backoff + Retry-After + budget + events) is the only one: the SDK's
        // built-in retries are off, and its timeout is out of the way of ours.
        maxRetries: 0,
        timeout: 24 * 3600 * 1000,
        ...(this.transport === 'node-http' ? { fetch: nodeHttpFetch } : {}),
      });
      this.sdkClients.set(key, client);
    }
    return client;
  }

  private baseBody(ep: EndpointConfig, messages: ChatMessage[], temperature: number | undefined, maxTokens: number | undefined): ChatCompletionCreateParamsNonStreaming {
    const body: ChatCompletionCreateParamsNonStreaming = { model: ep.model, messages: messages as ChatCompletionMessageParam[] };
    const t = temperature ?? ep.temperature;
    if (t !== undefined) body.temperature = t;
    if (maxTokens !== undefined) body.max_tokens = maxTokens;
    return body;
  }

  private emit<K extends keyof LlmClientHooks>(name: K, event: Parameters<NonNullable<LlmClientHooks[K]>>[0]): void {
    const hook = this.hooks[name] as ((e: typeof event) => void) | undefined;
    if (!hook) return;
    try {
      hook(event);
    } catch {
      // A broken listener must not break generation.
    }
  }

  /** One logical request with retries; returns the assembled assistant message. */
  private async complete(ctx: AttemptContext, body: ChatCompletionCreateParamsNonStreaming, onDelta: ((d: ChatDelta) => void) | undefined): Promise<ChatResult> {
    const { role, endpoint, signal } = ctx;
    const limits = this.config.limits;
    const sdk = this.sdkFor(endpoint);
    const where = `${role} request to ${endpoint.baseURL} (model ${endpoint.model})`;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal, role);
      this.meter.checkBudget(role);
      if (this.rpm) await sleep(this.rpm.reserve(), signal, role);
      const release = await this.semaphore.acquire(signal, role);
      // Again once a slot is ours: requests queued behind the limit must not all pass an old check,
      // so spending can overshoot the cap by at most the requests in flight.
      try {
        this.meter.checkBudget(role);
      } catch (e) {
        release();
        throw e;
      }
      const timer = new AbortController();
      let timedOut = false;
      const timeout = setTimeout(() => {
        timedOut = true;
        timer.abort();
      }, limits.requestTimeoutMs);
      const onCallerAbort = () => timer.abort();
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      const started = Date.now();
      let delayMs: number;
      try {
        const requestEvent: Parameters<NonNullable<LlmClientHooks['onRequest']>>[0] = { role, model: endpoint.model, baseURL: this.redactor.text(endpoint.baseURL), attempt, stream: ctx.stream };
        if (ctx.mode) requestEvent.mode = ctx.mode;
        if (ctx.schemaName) requestEvent.schemaName = ctx.schemaName;
        this.emit('onRequest', requestEvent);
        if (attempt > 1 && ctx.stream && onDelta) onDelta({ restart: true });
        const { message, finishReason, usage, reported } = ctx.stream
          ? await this.streamOnce(sdk, body, ctx.streamUsage !== false, timer.signal, onDelta)
          : await this.requestOnce(sdk, body, timer.signal);
        const cost = this.meter.record(role, endpoint.model, usage);
        this.emit('onUsage', { role, model: endpoint.model, usage, reported, costUsd: cost, latencyMs: Date.now() - started, roleTotals: this.meter.roleUsage(role) });
        return { message, finishReason, usage };
      } catch (e) {
        if (e instanceof LlmError) throw e;
        const failure = classifyFailure(e, timedOut, signal?.aborted === true);
        if (!failure) throw e;
        if (failure.code === 'aborted') throw abortedError(role);
        const message = this.redactor.text(`${where} failed: ${failure.message}`);
        const detail: NonNullable<ConstructorParameters<typeof LlmError>[3]> = {
          attempts: attempt,
          baseURL: this.redactor.text(endpoint.baseURL),
          model: endpoint.model,
          cause: this.redactor.text(failure.message).split('\n')[0]!.trim(),
        };
        if (failure.status !== undefined) detail.status = failure.status;
        if (!RETRYABLE_CODES.has(failure.code)) throw new LlmError(failure.code, message, role, detail);
        if (attempt > limits.maxRetries) {
          if (limits.maxRetries === 0) throw new LlmError(failure.code, message, role, detail);
          throw new LlmError('retries-exhausted', this.redactor.text(`${where} failed ${attempt} times; last: ${failure.message}`), role, { ...detail, lastCode: failure.code });
        }
        delayMs = retryDelayMs(attempt, limits, failure.retryAfterMs, this.random);
        const retryEvent: Parameters<NonNullable<LlmClientHooks['onRetry']>>[0] = { role, model: endpoint.model, attempt, code: failure.code, message, delayMs };
        if (failure.retryAfterMs !== undefined) retryEvent.retryAfterMs = failure.retryAfterMs;
        this.emit('onRetry', retryEvent);
      } finally {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', onCallerAbort);
        release();
      }
      await sleep(delayMs, signal, role);
    }
  }

  private async requestOnce(sdk: OpenAI, body: ChatCompletionCreateParamsNonStreaming, signal: AbortSignal) {
    const completion: ChatCompletion = await sdk.chat.completions.create(body, { signal, maxRetries: 0 });
    const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
    if (!choice || typeof choice.message !== 'object' || choice.message === null) {
      // Some gateways answer 200 with an error object instead of choices.
      const err = (completion as { error?: { message?: unknown } } | null)?.error;
      const why = err && typeof err.message === 'string' ? `: ${err.message.slice(0, 300)}` : '';
      throw new MalformedResponseError(`the response has no choices[0].message${why}`);
    }
    const raw = choice.message;
    const content = typeof raw.content === 'string' ? raw.content : null;
    const toolCalls: ToolCall[] = [];
    for (const tc of Array.isArray(raw.tool_calls) ? raw.tool_calls : []) {
      if (tc?.type !== 'function' || typeof tc.function?.name !== 'string') continue;
      toolCalls.push({
        id: typeof tc.id === 'string' && tc.id ? tc.id : this.newCallId(),
        type: 'function',
        function: { name: tc.function.name, arguments: typeof tc.function.arguments === 'string' ? tc.function.arguments : JSON.stringify(tc.function.arguments ?? {}) },
      });
    }
    const message: AssistantMessage = { role: 'assistant', content };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    const { usage, reported } = usageOf(completion.usage, body, message);
    return { message, finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null, usage, reported };
  }

  private async streamOnce(sdk: OpenAI, body: ChatCompletionCreateParamsNonStreaming, includeUsage: boolean, signal: AbortSignal, onDelta: ((d: ChatDelta) => void) | undefined) {
    const stream = await sdk.chat.completions.create({ ...body, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }, { signal, maxRetries: 0 });
    let content = '';
    let sawContent = false;
    let finishReason: string | null = null;
    let serverUsage: ChatCompletionChunk['usage'] | undefined;
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      if (chunk.usage) serverUsage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const d = choice.delta;
      if (!d) continue;
      const delta: ChatDelta = {};
      if (typeof d.content === 'string' && d.content !== '') {
        content += d.content;
        sawContent = true;
        delta.content = d.content;
      }
      if (Array.isArray(d.tool_calls)) {
        delta.toolCalls = [];
        const known = calls.size;
        d.tool_calls.forEach((raw, position) => {
          const tc = raw as Partial<typeof raw> | null;
          if (!tc) return;
          // Servers that send whole calls without `index` (older Ollama): each one is a new call.
          const index = typeof tc.index === 'number' ? tc.index : known + position;
          const cur = calls.get(index) ?? { id: '', name: '', arguments: '' };
          const piece: NonNullable<ChatDelta['toolCalls']>[number] = { index };
          if (typeof tc.id === 'string' && tc.id) cur.id = piece.id = tc.id;
          const name = tc.function?.name;
          // The name normally comes once; some servers repeat it whole in every delta.
          if (typeof name === 'string' && name && name !== cur.name) {
            cur.name += name;
            piece.name = name;
          }
          const args: unknown = tc.function?.arguments;
          if (typeof args === 'string' || (typeof args === 'object' && args !== null)) {
            // Ollama sends arguments as an object, whole.
            const text = typeof args === 'string' ? args : JSON.stringify(args);
            cur.arguments += text;
            piece.arguments = text;
          }
          calls.set(index, cur);
          delta.toolCalls!.push(piece);
        });
      }
      if (onDelta && (delta.content !== undefined || delta.toolCalls)) onDelta(delta);
    }
    // The SDK ends a stream quietly when its signal aborts; a cut-off answer must not pass as complete.
    if (signal.aborted) throw new DOMException('the stream was aborted', 'AbortError');
    const message: AssistantMessage = { role: 'assistant', content: sawContent ? content : null };
    const toolCalls = [...calls.entries()]
      .sort((a, b) => a[0] - b[0])
      .filter(([, c]) => c.name !== '')
      .map(([, c]): ToolCall => ({ id: c.id || this.newCallId(), type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    if (finishReason === null && !sawContent && toolCalls.length === 0) throw new MalformedResponseError('the stream ended without any answer');
    const { usage, reported } = usageOf(serverUsage ?? undefined, body, message);
    return { message, finishReason, usage, reported };
  }

  private newCallId(): string {
    return `call_tf${(++this.callIds).toString(36)}`;
  }
}

/** Server-reported usage, or an estimate (≈ 4 characters per token) when the server sends none. */
function usageOf(reported: { prompt_tokens?: number; completion_tokens?: number } | null | undefined, body: ChatCompletionCreateParamsNonStreaming, message: AssistantMessage): { usage: TokenUsage; reported: boolean } {
  if (reported && Number.isFinite(reported.prompt_tokens) && Number.isFinite(reported.completion_tokens)) {
    return { usage: { promptTokens: reported.prompt_tokens!, completionTokens: reported.completion_tokens! }, reported: true };
  }
  const promptChars = JSON.stringify(body.messages).length + (body.tools ? JSON.stringify(body.tools).length : 0);
  const completionChars = (message.content ?? '').length + (message.tool_calls ? JSON.stringify(message.tool_calls).length : 0);
  return { usage: { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(completionChars / 4) }, reported: false };
}

/**
 * A server that does not know a request parameter (`response_format`, `stream_options`) answers
 * 400 or 422; a 404 (wrong model or URL) or an auth error is not a reason to try another mode.
 */
function refusedParameter(e: unknown): e is LlmError {
  return e instanceof LlmError && e.code === 'bad-request' && (e.detail.status === undefined || e.detail.status === 400 || e.detail.status === 422);
}
