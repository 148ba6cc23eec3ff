/**
 * Agent prompts as named rules. Each agent's system prompt is a list of rules with stable ids, so
 * tests can check that every rule an agent depends on is in the rendered prompt (and says what it
 * must), without running a model.
 */
export interface PromptRule {
  /** Stable id, e.g. `json-only`, `finishing`. */
  id: string;
  text: string;
}

/** One rule per line, in order. */
export function renderRules(rules: readonly PromptRule[]): string {
  return rules.map((r) => r.text).join('\n');
}
