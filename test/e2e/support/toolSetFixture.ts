// A small canonical tool set cut from the real MCP definitions in ../shared/data/tools, imported with
// the engine's own importer (for tests whose subject is not the import itself).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPaths, serializeToolSet } from '../../../src/engine/import';
import { sharedToolsDir } from './setupInfo';

/** The canonical `*.tools.json` text of the MCP tools of the given servers (default: time, memory, fetch). */
export async function mcpToolSetText(servers: readonly string[] = ['time', 'memory', 'fetch']): Promise<{ text: string; tools: number }> {
  const lines = fs.readFileSync(path.join(sharedToolsDir, 'mcp', 'mcp_tools.jsonl'), 'utf8').split('\n').filter((l) => {
    if (!l.trim()) return false;
    return servers.includes((JSON.parse(l) as { server: string }).server);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-fixture-'));
  try {
    const file = path.join(dir, 'mcp_subset.jsonl');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const result = await importPaths([file]);
    return { text: serializeToolSet(result.toolSet), tools: result.toolSet.tools.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
