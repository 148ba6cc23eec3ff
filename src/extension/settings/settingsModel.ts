/**
 * ToolFlow's settings as typed values (pure: no `vscode` import, unit-tested). `settings.ts` feeds it
 * from `vscode.workspace.getConfiguration('toolflow')`.
 */
import type { LlmRole } from '../../engine/llm/types';

export const GENERATION_ROLES: readonly LlmRole[] = ['planner', 'user', 'assistant', 'tool', 'converter', 'judge'];

export interface ToolFlowSettings {
  baseUrl: string;
  /** `scheme://host:port` of `baseUrl`: API keys are stored and sent per origin. */
  origin: string;
  requestTimeoutSeconds: number;
  defaultModel: string;
  models: Record<LlmRole, string>;
  count: number;
  concurrency: number;
  toolsPerDialogue: number;
  planSteps: number;
  maxTurns: number;
  /** Share of dialogues with a plan step no offered tool can do (`toolflow.generation.irrelevanceRate`). */
  irrelevanceRate: number;
  seed: number;
  /** Show the converter model's fills in a diff to accept or reject before a run uses them (`toolflow.generation.reviewCompletion`). */
  reviewCompletion: boolean;
  /** undefined: the embedding model's own default. */
  threshold: number | undefined;
  embeddingModel: string;
  runsDirectory: string;
}

/** Reads one raw setting value (as `WorkspaceConfiguration.get` does). */
export type SettingReader = (key: string) => unknown;

export class SettingsError extends Error {
  constructor(readonly key: string, message: string) {
    super(`Setting "toolflow.${key}": ${message}`);
    this.name = 'SettingsError';
  }
}

/** The origin of an OpenAI-compatible base URL, or a SettingsError saying what to fix. */
export function endpointOrigin(baseUrl: string, key = 'endpoint.baseUrl'): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SettingsError(key, `"${baseUrl}" is not a URL; use e.g. https://api.openai.com/v1 or http://localhost:11434/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(key, `"${baseUrl}" must start with http:// or https://.`);
  }
  if (url.username || url.password) {
    throw new SettingsError(key, 'must not contain a user name or password; use ToolFlow: Set API Key instead.');
  }
  return url.origin;
}

function str(read: SettingReader, key: string, fallback: string): string {
  const v = read(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new SettingsError(key, `must be a string, got ${JSON.stringify(v)}.`);
  return v.trim();
}

function bool(read: SettingReader, key: string, fallback: boolean): boolean {
  const v = read(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new SettingsError(key, `must be true or false, got ${JSON.stringify(v)}.`);
  return v;
}

function num(read: SettingReader, key: string, fallback: number, min: number, max: number, integer: boolean): number {
  const v = read(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new SettingsError(key, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}.`);
  }
  return v;
}

export function parseSettings(read: SettingReader): ToolFlowSettings {
  const baseUrl = str(read, 'endpoint.baseUrl', 'https://api.openai.com/v1');
  const defaultModel = str(read, 'model', 'gpt-4o-mini');
  if (!defaultModel) throw new SettingsError('model', 'must name a model, e.g. gpt-4o-mini or llama3.1.');
  const models = {} as Record<LlmRole, string>;
  for (const role of GENERATION_ROLES) models[role] = str(read, `models.${role}`, '') || defaultModel;
  const maxTurns = num(read, 'generation.maxTurns', 12, 1, 100, true);
  const runsDirectory = str(read, 'runs.directory', 'runs') || 'runs';
  return {
    baseUrl,
    origin: endpointOrigin(baseUrl),
    requestTimeoutSeconds: num(read, 'endpoint.requestTimeoutSeconds', 120, 1, 3600, false),
    defaultModel,
    models,
    count: num(read, 'generation.count', 10, 1, 1_000_000, true),
    concurrency: num(read, 'generation.concurrency', 4, 1, 256, true),
    toolsPerDialogue: num(read, 'generation.toolsPerDialogue', 3, 1, 20, true),
    planSteps: num(read, 'generation.planSteps', 4, 1, 50, true),
    maxTurns,
    irrelevanceRate: num(read, 'generation.irrelevanceRate', 0.1, 0, 1, false),
    seed: num(read, 'generation.seed', 1, -2_147_483_648, 2_147_483_647, true),
    reviewCompletion: bool(read, 'generation.reviewCompletion', true),
    threshold: read('graph.threshold') === null || read('graph.threshold') === undefined ? undefined : num(read, 'graph.threshold', 0.82, -1, 1, false),
    embeddingModel: str(read, 'embedding.model', 'Xenova/all-MiniLM-L6-v2') || 'Xenova/all-MiniLM-L6-v2',
    runsDirectory,
  };
}

/** Servers on this machine (Ollama, vLLM, LM Studio, the simulator) usually need no key: no prompt for one. */
export function isLocalOrigin(origin: string): boolean {
  try {
    const host = new URL(origin).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  } catch {
    return false;
  }
}
