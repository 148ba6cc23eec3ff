/**
 * Tool names as people say them, for the agents that speak for people (planner, user): no
 * uniqueness suffix (`create_vulnerability_2`), no ToolBench `_for_<api>` noise, no dots or
 * underscores. The assistant keeps the exact names: only it calls tools.
 */
import type { OpenAITool, Tool } from '../../model/tool';

/** `get_current_weather_for_weatherapi` -> `get current weather`; `math.sum` -> `math sum`. */
export function spokenName(name: string): string {
  const base = name.replace(/_for_[a-z0-9_]+$/i, '');
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.\s/:]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The spoken name of a canonical tool: from the name its source wrote (before renaming and suffixes). */
export function spokenToolName(tool: Tool): string {
  return spokenName(tool.provenance?.originalName || tool.name) || spokenName(tool.name);
}

/** How a tool is shown to the planner and the user agent. */
export interface SpokenTool {
  /** The exact name (the planner cites it in a plan step's `tools`). */
  id: string;
  name: string;
  description: string;
  /** The parameter schema, as the assistant gets it (the planner leaves out details on purpose). */
  parameters?: OpenAITool['function']['parameters'];
}

const TOOLBENCH_BOILERPLATE = /\s*This is the subfunction for tool "[^"]*", you can use this tool\.?/gi;

/**
 * Spoken names and descriptions of the offered tools. Exact names inside descriptions become the
 * spoken ones; ToolBench's "This is the subfunction for tool …" sentence goes.
 */
export function spokenTools(tools: readonly Tool[], offered: readonly OpenAITool[]): SpokenTool[] {
  const spoken = new Map(tools.map((t) => [t.name, spokenToolName(t)]));
  const names = offered.map((t) => t.function.name).sort((a, b) => b.length - a.length);
  return offered.map((t) => {
    let description = (t.function.description ?? '').replace(TOOLBENCH_BOILERPLATE, '').trim();
    for (const n of names) if (n.length > 3) description = description.split(n).join(spoken.get(n) ?? spokenName(n));
    return { id: t.function.name, name: spoken.get(t.function.name) ?? spokenName(t.function.name), description, ...(t.function.parameters ? { parameters: t.function.parameters } : {}) };
  });
}
