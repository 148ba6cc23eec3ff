/**
 * The choices of "Generate Dataset…" and how they become run options (pure, unit-tested).
 */
import type { LlmRole } from '../../engine/llm/types';
import type { ToolFlowSettings } from '../settings/settingsModel';

export interface GenerateChoices {
  toolsFile: string;
  count: number;
  concurrency: number;
  /** One model for every role, or undefined to use the per-role settings. */
  model?: string;
  /** false = the paper's "without graph" ablation (uniform tool sampling). */
  useGraph: boolean;
  /** false = the paper's "without plan" ablation. */
  usePlan: boolean;
  /** Complete missing tool descriptions / return schemas with the converter model (paper 3.4). */
  completeTools: boolean;
  runName: string;
}

/** Validates a positive integer typed into an input box; returns the message to show, or undefined. */
export function validatePositiveInt(text: string, what: string, max: number): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${what} must be a whole number, e.g. 10.`;
  const n = Number(t);
  if (n < 1 || n > max) return `${what} must be from 1 to ${max.toLocaleString('en-US')}.`;
  return undefined;
}

/** `run-20261122-161503` (local time), made unique against `existing`. */
export function defaultRunName(now: Date, existing: ReadonlySet<string> = new Set()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const base = `run-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  let name = base;
  for (let i = 2; existing.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** A run name must be one plain folder name. */
export function validateRunName(name: string): string | undefined {
  const t = name.trim();
  if (!t) return 'Enter a name for the run folder.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(t)) return 'Use letters, digits, ".", "_" and "-" only (one folder name).';
  return undefined;
}

/** The model each role uses: one model for all, or the per-role settings. */
export function modelsForRoles(settings: ToolFlowSettings, oneModel?: string): Record<LlmRole, string> {
  const out = { ...settings.models };
  if (oneModel) for (const k of Object.keys(out) as LlmRole[]) out[k] = oneModel;
  return out;
}

/** One line describing the models, e.g. "gpt-4o-mini (all roles)" or "planner: gpt-4o, others: gpt-4o-mini". */
export function describeModels(models: Record<LlmRole, string>): string {
  const counts = new Map<string, number>();
  for (const m of Object.values(models)) counts.set(m, (counts.get(m) ?? 0) + 1);
  if (counts.size === 1) return `${[...counts.keys()][0]} (all roles)`;
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const special = (Object.entries(models) as Array<[LlmRole, string]>).filter(([, m]) => m !== common).map(([r, m]) => `${r}: ${m}`);
  return `${special.join(', ')}, others: ${common}`;
}
