/**
 * Resume from the manifest: a run folder records, per role, the endpoint (without credentials) and
 * the model it was generated with, and all its options. `toolflow generate --out DIR --resume` and the
 * extension's Resume Run continue a run from that alone; API keys come from the environment (CLI) or
 * SecretStorage (extension) and are never stored. Values given on resume (a new base URL, model,
 * concurrency...) override the manifest and are recorded in it (`resumes`, and `models` from then on).
 */
import type { LlmConfigOverrides } from '../llm/config';
import { LLM_ROLES, type EndpointConfig, type LlmRole } from '../llm/types';
import type { RunManifest, RunModelInfo } from './types';

/** What the user gave on resume; undefined means "as the manifest says". */
export interface ResumeOverrides {
  baseURL?: string;
  model?: string;
  concurrency?: number;
}

/**
 * Per-role endpoint overrides for `resolveLlmConfig`: the manifest's endpoint and model for each role,
 * replaced by the resume overrides where given. Roles the manifest does not name are left to the
 * environment / settings (a run made before roles were recorded).
 */
export function resumeRoleOverrides(manifest: RunManifest, given: ResumeOverrides): NonNullable<LlmConfigOverrides['roles']> {
  const roles: Partial<Record<LlmRole, Partial<EndpointConfig>>> = {};
  for (const role of LLM_ROLES) {
    const m = manifest.models?.[role];
    const r: Partial<EndpointConfig> = {};
    const baseURL = given.baseURL ?? m?.baseURL;
    const model = given.model ?? m?.model;
    if (baseURL !== undefined) r.baseURL = baseURL;
    if (model !== undefined) r.model = model;
    if (m?.temperature !== undefined) r.temperature = m.temperature;
    if (Object.keys(r).length > 0) roles[role] = r;
  }
  return roles;
}

/** The values that differ from the manifest, as recorded in `manifest.resumes[].changed`. */
export function resumeChanges(manifest: RunManifest, given: ResumeOverrides): Record<string, string | number> {
  const changed: Record<string, string | number> = {};
  const models = Object.values(manifest.models ?? {}) as RunModelInfo[];
  if (given.baseURL !== undefined && models.some((m) => m.baseURL !== given.baseURL)) changed.baseURL = given.baseURL;
  if (given.model !== undefined && models.some((m) => m.model !== given.model)) changed.model = given.model;
  if (given.concurrency !== undefined && given.concurrency !== manifest.options.concurrency) changed.concurrency = given.concurrency;
  return changed;
}
