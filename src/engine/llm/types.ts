/**
 * The contract between the generation pipeline and the LLM client. The pipeline only sees these
 * types; `LlmClient` (built on the `openai` SDK) implements them for any OpenAI-compatible endpoint.
 */
import type { JsonSchema } from '../model/jsonSchema';
import type { OpenAITool } from '../model/tool';

/** Every role that talks to a model. Each can have its own endpoint, key and model. */
export type LlmRole = 'converter' | 'planner' | 'user' | 'assistant' | 'tool' | 'judge';
export const LLM_ROLES: readonly LlmRole[] = ['converter', 'planner', 'user', 'assistant', 'tool', 'judge'];

export interface EndpointConfig {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM). */
  baseURL: string;
  /** Never written to disk or logs by the engine. Empty for local servers that need none. */
  apiKey: string;
  model: string;
  temperature?: number;
  /** Extra headers (e.g. Azure `api-key`); never logged. */
  headers?: Record<string, string>;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** An OpenAI chat message as stored in datasets. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatRequest {
  role: LlmRole;
  messages: ChatMessage[];
  tools?: OpenAITool[];
  /** `auto` by default when tools are given. */
  toolChoice?: 'auto' | 'none' | 'required';
  parallelToolCalls?: boolean;
  maxTokens?: number;
  /** Overrides the role's configured temperature for this request. */
  temperature?: number;
  /** Sampling seed for servers that support it (OpenAI, vLLM, Ollama), for reproducible runs. */
  seed?: number;
  /** Stream the answer (SSE); the result is the same assembled message. */
  stream?: boolean;
  /** With `stream`, called for every delta as it arrives. */
  onDelta?: (delta: ChatDelta) => void;
  signal?: AbortSignal;
}

/** One streamed piece of an assistant message. */
export interface ChatDelta {
  /** The request is being retried after a failure mid-stream: discard the deltas received so far. */
  restart?: true;
  content?: string;
  /** Tool-call fragments as the server sends them: `index` says which call they extend. */
  toolCalls?: Array<{ index: number; id?: string; name?: string; arguments?: string }>;
}

export interface ChatResult {
  message: Extract<ChatMessage, { role: 'assistant' }>;
  finishReason: string | null;
  usage: TokenUsage;
}

export interface StructuredRequest<T> {
  role: LlmRole;
  messages: ChatMessage[];
  /** Name and JSON Schema for `response_format: {type: 'json_schema'}`. */
  schemaName: string;
  schema: JsonSchema;
  /**
   * Validates the parsed JSON (LLM output is untrusted). Returns the typed value or a list of
   * problems that are sent back to the model when re-asking.
   */
  validate: (value: unknown) => { ok: true; value: T } | { ok: false; errors: string[] };
  /** Re-asks after invalid output; default 2. */
  maxRepairs?: number;
  /** `strict: true` in `json_schema` mode (only for schemas that meet OpenAI's strict subset). */
  strict?: boolean;
  /** Overrides the role's configured temperature for this request. */
  temperature?: number;
  /** Sampling seed for servers that support it. */
  seed?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatModel {
  chat(req: ChatRequest): Promise<ChatResult>;
  structured<T>(req: StructuredRequest<T>): Promise<{ value: T; usage: TokenUsage }>;
}

/** Codes of LLM failures that the pipeline records as rejection reasons. */
export type LlmErrorCode =
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'retries-exhausted'
  | 'invalid-output'
  | 'budget-exceeded'
  | 'aborted'
  | 'auth'
  | 'bad-request'
  /** Connection refused, host not found, network unreachable: not retried (nothing answers there). */
  | 'unreachable';

/** Extra facts about a failure, for logs and rejection records (never secrets). */
export interface LlmErrorDetail {
  /** HTTP status of the last response, when there was one. */
  status?: number;
  /** For `retries-exhausted`: the code of the last failure (e.g. `timeout`). */
  lastCode?: LlmErrorCode;
  /** Number of attempts made. */
  attempts?: number;
  /** For `invalid-output`: the problems found in the last answer. */
  problems?: string[];
  /** The endpoint that failed (base URL without credentials) and the model asked, for request failures. */
  baseURL?: string;
  model?: string;
  /**
   * For request failures: what went wrong on the last attempt (e.g. `HTTP 503: overloaded`,
   * `connection refused ...`), free of secrets and of the role/endpoint the message adds around it.
   * Read this rather than parsing the message, whose wording is for people.
   */
  cause?: string;
}

export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly role?: LlmRole,
    readonly detail: LlmErrorDetail = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
