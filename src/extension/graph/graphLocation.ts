/** Where the extension keeps the tool graph of a tool set (pure, unit-tested). */
import path from 'node:path';

/** `.toolflow/tools/mcp.tools.json` → `.toolflow/tools/mcp.graph.json` (beside the tool set). */
export function graphFileFor(toolsFile: string): string {
  const dir = path.dirname(toolsFile);
  const base = path.basename(toolsFile).replace(/(\.tools)?\.json$/i, '');
  return path.join(dir, `${base}.graph.json`);
}

/** The embedding model spec from the setting (`offline` is a short name of the embedded model). */
export function embeddingModelSpec(setting: string, offlineModel: string): { model: string; offline: boolean } {
  const s = setting.trim();
  if (s === 'offline' || s === offlineModel) return { model: offlineModel, offline: true };
  return { model: s, offline: false };
}
