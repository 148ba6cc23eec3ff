// "ToolFlow: Import Tools…" in a real VS Code: real tool files from ../shared/data/tools through the
// file dialog and through an Explorer multi-selection, the canonical *.tools.json on disk, the
// notification, importer problems in the Problems panel at their line, cancellation, and JSON
// validation of *.tools.json files by the jsonValidation contribution.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { E2ESession, sharedToolsDir, type Problem, sessionSteps } from './support';

const mcpFile = path.join(sharedToolsDir, 'mcp', 'mcp_tools.jsonl');
const spotifyFile = path.join(sharedToolsDir, 'openapi', 'restgpt__spotify_oas.json');
const toolbenchAll = path.join(sharedToolsDir, 'toolbench', 'toolenv_all.jsonl.gz');
const openapiFolder = path.join(sharedToolsDir, 'openapi');

/** A tool without a name (dropped, error at line 5) next to a valid one with a name to repair. */
const namelessTool = `{
  "tools": [
    {
      "type": "function",
      "function": {
        "description": "A tool without a name",
        "parameters": {"type": "object", "properties": {}}
      }
    },
    {
      "type": "function",
      "function": {
        "name": "get time",
        "description": "Current time in a time zone",
        "parameters": {"type": "object", "properties": {"tz": {"type": "string", "description": "IANA time zone"}}}
      }
    }
  ]
}
`;
/** Truncated JSON: the file cannot be read at all. */
const brokenSyntax = `[
  {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
  {"type": "function", "function": {"name": "book_table", "description": "Books a table", "parameters": {"type": "object", "properties": {"size": }}}}
]
`;
/** A canonical tool set with a wrong value: the JSON language server must flag it from our schema. */
const wrongToolSet = `{
  "format": "toolflow.tools",
  "version": "one",
  "sources": [],
  "tools": [],
  "diagnostics": []
}
`;

/** Operations in an OpenAPI document, counted independently of the importer. */
function openApiOperations(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as { paths: Record<string, Record<string, unknown>> };
  const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  return Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((k) => methods.has(k)).length, 0);
}

function readToolSet(file: string): { format: string; tools: { name: string; provenance: { file: string; format: string } }[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ReturnType<typeof readToolSet>;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('ToolFlow: Import Tools… in a real VS Code', () => {
  let s: E2ESession;
  const steps = sessionSteps(() => s);
  const { step } = steps;
  const toolsDir = (): string => path.join(s.workspaceDir, '.toolflow', 'tools');

  before(async () => {
    s = await E2ESession.start({
      name: 'import',
      workspaceFiles: {
        [path.basename(spotifyFile)]: fs.readFileSync(spotifyFile, 'utf8'),
        'nameless.json': namelessTool,
        'broken_syntax.json': brokenSyntax,
      },
    });
  });
  after(async () => {
    await s?.close(steps.failed);
  });

  step('imports the MCP tools picked in the file dialog', async () => {
    const wb = s.workbench;
    await wb.runCommand('ToolFlow: Import Tools…');
    await wb.answerFileDialog(mcpFile);
    const expected = fs.readFileSync(mcpFile, 'utf8').split('\n').filter((l) => l.trim() !== '').length; // one tool per line
    const note = await wb.waitForNotification(/imported .* tools? from 1 file/, 60_000);
    assert.match(note, new RegExp(`imported ${expected} tools from 1 file \\(mcp ${expected}\\) into \\.toolflow/tools/mcp_tools\\.tools\\.json`));
    await wb.screenshot('mcp-imported');

    const written = path.join(toolsDir(), 'mcp_tools.tools.json');
    const set = readToolSet(written);
    assert.equal(set.format, 'toolflow.tools');
    assert.equal(set.tools.length, expected);
    assert.ok(set.tools.every((t) => t.provenance.format === 'mcp' && t.provenance.file === mcpFile));
    assert.equal(new Set(set.tools.map((t) => t.name)).size, expected, 'tool names are unique');

    // the Tools view lists the new set
    await wb.openViewContainer('ToolFlow');
    const items = await wb.waitForTreeItem('Tools', /mcp_tools/);
    assert.ok(items.some((i) => /mcp_tools/.test(i.label)));
    await wb.screenshot('tools-view');
    assert.match(s.toolflowLog(), /Imported 1 path\(s\): .*mcp_tools\.jsonl/);
  });

  step('imports an Explorer multi-selection and shows importer problems at their lines', async () => {
    const wb = s.workbench;
    await wb.runCommand('View: Show Explorer');
    const row = (name: string) => wb.page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }).first();
    await row(path.basename(spotifyFile)).click();
    await row('nameless.json').click({ modifiers: ['Control'] });
    await row('broken_syntax.json').click({ modifiers: ['Control'] });
    await waitFor('three selected rows in the Explorer', async () => {
      const n = await wb.page.locator('.explorer-folders-view .monaco-list-row[aria-selected="true"]').count();
      return n === 3 ? n : undefined;
    }, 10_000);
    await wb.screenshot('explorer-selection');
    await row('broken_syntax.json').click({ button: 'right' });
    await wb.contextMenuAction('Import Tools…');

    const operations = openApiOperations(spotifyFile);
    const note = await wb.waitForNotification(/imported .* from 3 files/, 60_000);
    assert.match(note, new RegExp(`imported ${operations + 1} tools from 3 files`));
    assert.match(note, new RegExp(`openapi ${operations}`));
    assert.match(note, /openai 1/);
    assert.match(note, /[1-9]\d* errors?\b.*Problems panel/);
    await wb.screenshot('multi-imported');

    const written = await waitFor('the merged tool set', () => fs.readdirSync(toolsDir()).find((f) => f.endsWith('+2.tools.json')));
    const set = readToolSet(path.join(toolsDir(), written));
    assert.equal(set.tools.length, operations + 1);
    assert.ok(set.tools.some((t) => t.name === 'get_time'), 'the name with a space is repaired');

    const counts = await waitFor('error counts in the status bar', async () => {
      const c = await wb.problemCounts();
      return c.errors >= 2 ? c : undefined;
    });
    assert.ok(counts.errors >= 2);

    const problems: Problem[] = await waitFor('importer problems', async () => {
      const p = await wb.problems('nameless');
      return p.some((x) => /without a "name"/.test(x.message)) ? p : undefined;
    });
    const nameless = problems.find((p) => /without a "name"/.test(p.message));
    assert.ok(nameless);
    assert.equal(nameless.severity, 'error');
    assert.equal(nameless.file, 'nameless.json');
    assert.equal(nameless.line, 5, `the dropped tool's name is expected at line 5: ${nameless.ariaLabel}`);
    const renamed = problems.find((p) => /renamed "get time" to "get_time"/.test(p.message));
    assert.ok(renamed, 'the rename is reported too');
    assert.equal(renamed.line, 10);
    await wb.screenshot('problems-nameless');

    const broken = await wb.problems('broken_syntax');
    assert.ok(broken.some((p) => p.severity === 'error' && p.file === 'broken_syntax.json' && /not valid JSON/.test(p.message)), JSON.stringify(broken));
    await wb.screenshot('problems-broken');
  });

  step('imports a whole folder picked in the file dialog (OpenAPI in JSON and YAML)', async () => {
    const wb = s.workbench;
    await wb.dismissNotifications();
    await wb.runCommand('ToolFlow: Import Tools…');
    await wb.answerFileDialog(openapiFolder);
    const specs = fs.readdirSync(openapiFolder).filter((f) => /\.(json|ya?ml)$/.test(f));
    const operations = specs.reduce((n, f) => n + openApiOperations(path.join(openapiFolder, f)), 0);
    const note = await wb.waitForNotification(new RegExp(`imported .* from ${specs.length} files`), 60_000);
    assert.match(note, new RegExp(`imported ${operations} tools from ${specs.length} files \\(openapi ${operations}\\) into \\.toolflow/tools/openapi\\.tools\\.json`));
    const set = readToolSet(path.join(toolsDir(), 'openapi.tools.json'));
    assert.equal(set.tools.length, operations);
    assert.deepEqual(new Set(set.tools.map((t) => path.basename(t.provenance.file))), new Set(specs));
    await wb.screenshot('folder-imported');
  });

  step('cancelling a long import writes nothing', async () => {
    const wb = s.workbench;
    await wb.dismissNotifications();
    await wb.runCommand('ToolFlow: Import Tools…');
    await wb.answerFileDialog(toolbenchAll);
    const progress = wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /importing tools/ }).first();
    await progress.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('long-import-progress');
    await progress.hover();
    await progress.locator('.monaco-button, .action-label').filter({ hasText: /^Cancel$/ }).or(progress.locator('[aria-label="Cancel"]')).first().click();
    await wb.waitForNotification(/import cancelled; nothing was written/, 30_000);
    assert.equal(fs.existsSync(path.join(toolsDir(), 'toolenv_all.tools.json')), false);
    assert.match(s.toolflowLog(), /toolenv_all\.jsonl\.gz cancelled; nothing written/);
  });

  step('*.tools.json files are validated against the published schema', async () => {
    const wb = s.workbench;
    fs.writeFileSync(path.join(s.workspaceDir, 'wrong.tools.json'), wrongToolSet);
    await wb.openFile('wrong.tools.json');
    const problems = await waitFor(
      'a schema problem in wrong.tools.json',
      async () => {
        const p = await wb.problems('wrong.tools');
        return p.some((x) => x.file === 'wrong.tools.json') ? p : undefined;
      },
      60_000,
    );
    const versionProblem = problems.find((p) => p.file === 'wrong.tools.json');
    assert.ok(versionProblem);
    assert.match(versionProblem.message, /must be 1/, 'the message comes from the schema\'s "const": 1');
    assert.equal(versionProblem.line, 3, `the wrong "version" is on line 3: ${versionProblem.ariaLabel}`);
    await wb.screenshot('schema-validation');
  });
});
