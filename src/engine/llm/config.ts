/**
 * LLM configuration: one endpoint (base URL, key, model, temperature) per role plus the client's
 * limits, and a resolver that builds it from the environment and command-line overrides.
 *
 * Environment variables (overrides beat per-role variables beat the shared ones):
 *   OPENAI_BASE_URL, OPENAI_API_KEY, TOOLFLOW_MODEL, TOOLFLOW_TEMPERATURE      every role
 *   TOOLFLOW_<ROLE>_BASE_URL, _API_KEY, _MODEL, _TEMPERATURE                   one role
 *     (<ROLE> is CONVERTER, PLANNER, USER, ASSISTANT, TOOL or JUDGE)
 *   TOOLFLOW_MAX_RETRIES, TOOLFLOW_REQUESTS_PER_MINUTE                         limits
 *   TOOLFLOW_BUDGET_USD, TOOLFLOW_BUDGET_TOKENS                                 budget cap
 *   TOOLFLOW_PRICES  JSON: {"<model>": {"inputPerMillion": 0.15, "outputPerMillion": 0.6}, ...}
 */
import { LLM_ROLES, type EndpointConfig, type LlmRole } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Model used against api.openai.com when none is named. */
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';

/** Price of a model in US dollars per one million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface LlmBudget {
  /** Stop (LlmError `budget-exceeded`) once the priced cost reaches this many US dollars. */
  maxCostUsd?: number;
  /** Stop once prompt + completion tokens over all roles reach this many. */
  maxTokens?: number;
}

export interface LlmLimits {
  /** Per-request timeout in milliseconds (default 120 000). */
  requestTimeoutMs: number;
  /** Retries after the first attempt on 429, 5xx, connection errors and timeouts (default 4). */
  maxRetries: number;
  /** First backoff delay in ms (default 1000); doubles each retry, with equal jitter (half fixed, half random). */
  backoffBaseMs: number;
  /** Largest backoff delay in ms (default 30 000). */
  backoffMaxMs: number;
  /** Largest `Retry-After` honoured, in ms (default 120 000); longer waits are clamped. */
  maxRetryAfterMs: number;
  /** Requests in flight at once over all roles (default 8). */
  concurrency: number;
  /** Optional requests-per-minute cap over all roles (requests are spaced evenly). */
  requestsPerMinute?: number;
}

export const DEFAULT_LIMITS: LlmLimits = {
  requestTimeoutMs: 120_000,
  maxRetries: 4,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
  maxRetryAfterMs: 120_000,
  concurrency: 8,
};

export interface LlmConfig {
  roles: Record<LlmRole, EndpointConfig>;
  limits: LlmLimits;
  /** Prices by model name; models not listed cost nothing in the budget. */
  prices?: Record<string, ModelPrice>;
  budget?: LlmBudget;
}

/** Values given on a command line or in settings; they beat the environment. */
export interface LlmConfigOverrides {
  baseURL?: string;
  apiKey?: string;
  model?: string;
  temperature?: number;
  roles?: Partial<Record<LlmRole, Partial<EndpointConfig>>>;
  limits?: Partial<LlmLimits>;
  prices?: Record<string, ModelPrice>;
  budget?: LlmBudget;
}

/** Bad or missing configuration; `hint` says what to do. Never contains the API key. */
export class LlmConfigError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

export const NO_ENDPOINT_HINT =
  'Point ToolFlow at a model: for OpenAI set OPENAI_API_KEY (and optionally TOOLFLOW_MODEL, default ' +
  `${OPENAI_DEFAULT_MODEL}); for a local server set OPENAI_BASE_URL, e.g. http://localhost:11434/v1 for Ollama ` +
  'or http://localhost:8000/v1 for vLLM, and TOOLFLOW_MODEL to a model it serves (or pass --base-url/--model).';

type Env = Record<string, string | undefined>;

const OVERRIDE_LABEL: Record<keyof EndpointConfig, string> = {
  baseURL: 'the base URL (--base-url or setting)',
  apiKey: 'the API key (--api-key or setting)',
  model: 'the model (--model or setting)',
  temperature: 'the temperature setting',
  headers: 'the headers setting',
};

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parseTemperature(value: string | number | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 2) {
    throw new LlmConfigError(`${source} must be a number from 0 to 2, got "${String(value)}"`, 'Use e.g. 0.7.');
  }
  return n;
}

function checkBaseURL(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LlmConfigError(`${source} is not a URL: "${url}"`, 'Use e.g. http://localhost:11434/v1 or https://api.openai.com/v1.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LlmConfigError(`${source} must be an http(s) URL, got "${parsed.protocol}"`, 'Use e.g. http://localhost:11434/v1.');
  }
  if (parsed.username || parsed.password) {
    throw new LlmConfigError(`${source} must not contain credentials`, 'Put the key in OPENAI_API_KEY or --api-key instead.');
  }
  return url.replace(/\/+$/, '');
}

/**
 * Builds the per-role configuration. Throws LlmConfigError when no endpoint is configured for a
 * role or a value is malformed.
 */
export function resolveLlmConfig(env: Env, overrides: LlmConfigOverrides = {}): LlmConfig {
  const roles = {} as Record<LlmRole, EndpointConfig>;
  for (const role of LLM_ROLES) {
    const R = `TOOLFLOW_${role.toUpperCase()}`;
    const o = overrides.roles?.[role] ?? {};
    const pick = <K extends keyof EndpointConfig>(key: K, roleVar: string, sharedOverride: EndpointConfig[K] | undefined, sharedVar: string | undefined) => {
      if (o[key] !== undefined) return { value: o[key], source: `the ${role} ${String(key)} setting` };
      const rv = envValue(env, roleVar);
      if (rv !== undefined) return { value: rv, source: roleVar };
      if (sharedOverride !== undefined) return { value: sharedOverride, source: OVERRIDE_LABEL[key] };
      const sv = sharedVar ? envValue(env, sharedVar) : undefined;
      return sv !== undefined ? { value: sv, source: sharedVar! } : undefined;
    };
    const base = pick('baseURL', `${R}_BASE_URL`, overrides.baseURL, 'OPENAI_BASE_URL');
    const key = pick('apiKey', `${R}_API_KEY`, overrides.apiKey, 'OPENAI_API_KEY');
    const model = pick('model', `${R}_MODEL`, overrides.model, 'TOOLFLOW_MODEL');
    const temp = pick('temperature', `${R}_TEMPERATURE`, overrides.temperature, 'TOOLFLOW_TEMPERATURE');

    let baseURL: string;
    if (base) baseURL = checkBaseURL(String(base.value), base.source);
    else if (key) baseURL = OPENAI_DEFAULT_BASE_URL;
    else throw new LlmConfigError(`no LLM endpoint configured for the ${role} role`, NO_ENDPOINT_HINT);

    let modelName = model ? String(model.value) : undefined;
    if (!modelName) {
      if (baseURL === OPENAI_DEFAULT_BASE_URL) modelName = OPENAI_DEFAULT_MODEL;
      else throw new LlmConfigError(`no model named for the ${role} role at ${baseURL}`, 'Set TOOLFLOW_MODEL (or --model) to a model the server serves.');
    }
    const endpoint: EndpointConfig = { baseURL, apiKey: key ? String(key.value) : '', model: modelName };
    const temperature = temp ? parseTemperature(temp.value as string | number, temp.source) : undefined;
    if (temperature !== undefined) endpoint.temperature = temperature;
    if (o.headers) endpoint.headers = { ...o.headers };
    roles[role] = endpoint;
  }
  const fromEnv: Partial<LlmLimits> = {};
  const retries = envNumber(env, 'TOOLFLOW_MAX_RETRIES', 0, 100);
  if (retries !== undefined) fromEnv.maxRetries = retries;
  const rpm = envNumber(env, 'TOOLFLOW_REQUESTS_PER_MINUTE', 1e-9, Infinity);
  if (rpm !== undefined) fromEnv.requestsPerMinute = rpm;
  const limits = { ...DEFAULT_LIMITS, ...fromEnv, ...overrides.limits };
  checkLimits(limits);
  const config: LlmConfig = { roles, limits };
  const prices = overrides.prices ?? parsePrices(env);
  if (prices) config.prices = prices;
  const budget: LlmBudget = {};
  const usd = envNumber(env, 'TOOLFLOW_BUDGET_USD', 0, Infinity);
  if (usd !== undefined) budget.maxCostUsd = usd;
  const tokens = envNumber(env, 'TOOLFLOW_BUDGET_TOKENS', 0, Infinity);
  if (tokens !== undefined) budget.maxTokens = tokens;
  Object.assign(budget, overrides.budget);
  if (Object.keys(budget).length > 0) config.budget = budget;
  if (config.budget?.maxCostUsd !== undefined && !config.prices) {
    throw new LlmConfigError('a budget in US dollars needs a price table', 'Set TOOLFLOW_PRICES (per 1M tokens per model), or cap tokens with TOOLFLOW_BUDGET_TOKENS instead.');
  }
  return config;
}

function envNumber(env: Env, name: string, min: number, max: number): number | undefined {
  const v = envValue(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new LlmConfigError(`${name} must be a number${min > 0 ? ' above 0' : ' ≥ 0'}, got "${v}"`, `Fix or unset ${name}.`);
  return n;
}

/** TOOLFLOW_PRICES as a price table; errors name the JSON pointer that is wrong. */
function parsePrices(env: Env): Record<string, ModelPrice> | undefined {
  const v = envValue(env, 'TOOLFLOW_PRICES');
  if (v === undefined) return undefined;
  const hint = 'Example: TOOLFLOW_PRICES=\'{"gpt-4o-mini": {"inputPerMillion": 0.15, "outputPerMillion": 0.6}}\'';
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new LlmConfigError(`TOOLFLOW_PRICES is not JSON (${e instanceof Error ? e.message : String(e)})`, hint);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LlmConfigError('TOOLFLOW_PRICES must be a JSON object keyed by model name', hint);
  const out: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(parsed as Record<string, unknown>)) {
    const p = price as Partial<ModelPrice> | null;
    for (const k of ['inputPerMillion', 'outputPerMillion'] as const) {
      const n = p?.[k];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new LlmConfigError(`TOOLFLOW_PRICES#/${model.replace(/~/g, '~0').replace(/\//g, '~1')}/${k} must be a number ≥ 0`, hint);
      }
    }
    out[model] = { inputPerMillion: p!.inputPerMillion!, outputPerMillion: p!.outputPerMillion! };
  }
  return out;
}

/** Throws LlmConfigError naming the first limit that is out of range. */
export function checkLimits(limits: LlmLimits): void {
  const positive: Array<keyof LlmLimits> = ['requestTimeoutMs', 'concurrency'];
  for (const k of positive) {
    const v = limits[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new LlmConfigError(`${k} must be a positive number, got ${String(v)}`, 'Fix the LLM limits.');
  }
  for (const k of ['maxRetries', 'backoffBaseMs', 'backoffMaxMs', 'maxRetryAfterMs'] as const) {
    const v = limits[k];
    if (!Number.isFinite(v) || v < 0) throw new LlmConfigError(`${k} must be a number ≥ 0, got ${String(v)}`, 'Fix the LLM limits.');
  }
  if (limits.requestsPerMinute !== undefined && (!Number.isFinite(limits.requestsPerMinute) || limits.requestsPerMinute <= 0)) {
    throw new LlmConfigError(`requestsPerMinute must be a positive number, got ${String(limits.requestsPerMinute)}`, 'Leave it unset for no limit.');
  }
}

/** A configuration where every role uses the same endpoint (tests, simple setups). */
export function singleEndpointConfig(endpoint: EndpointConfig, limits: Partial<LlmLimits> = {}): LlmConfig {
  const roles = {} as Record<LlmRole, EndpointConfig>;
  for (const role of LLM_ROLES) roles[role] = { ...endpoint };
  const all = { ...DEFAULT_LIMITS, ...limits };
  checkLimits(all);
  return { roles, limits: all };
}
