// "ToolFlow: Preview Tool Schema" in a real VS Code: the preview opens beside the editor and follows
// the active editor through one file of each format (OpenAI, Anthropic, MCP, OpenAPI YAML,
// ToolBench, BFCL, API-Bank: real files from ../shared/data/tools and test/fixtures/import); each
// shows the importer's tools and a form of the first one; a diagnostic link puts the cursor on its
// line; an edit re-renders; an XSS payload in a description stays text.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { importText } from '../../src/engine/import';
import { E2ESession, repoRoot, sharedToolsDir, sessionSteps } from './support';
import { waitUntil } from './support/toolflowSteps';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'import');
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> Sends a message';
const bfclLines = fs.readFileSync(path.join(sharedToolsDir, 'bfcl', 'bfcl_functions.jsonl'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n';
const sources: Array<[format: string, rel: string, text: string]> = [
  ['OpenAI', 'tools/openai-tools.json', fs.readFileSync(path.join(fixtures, 'openai-tools.json'), 'utf8')],
  ['Anthropic', 'tools/anthropic-tools.json', fs.readFileSync(path.join(fixtures, 'anthropic-tools.json'), 'utf8')],
  ['MCP', 'tools/mcp-tools-list.json', fs.readFileSync(path.join(fixtures, 'mcp-tools-list.json'), 'utf8')],
  ['OpenAPI YAML', 'tools/xkcd.openapi.yaml', fs.readFileSync(path.join(sharedToolsDir, 'openapi', 'apisguru__xkcd.com__1.0.0__openapi.yaml'), 'utf8')],
  ['ToolBench', 'tools/toolbench-api.json', fs.readFileSync(path.join(sharedToolsDir, 'toolbench', 'toolenv_sample', 'tools', 'Advertising', 'api.json'), 'utf8')],
  ['BFCL', 'tools/bfcl.jsonl', bfclLines],
  ['API-Bank', 'tools/api-bank.json', fs.readFileSync(path.join(fixtures, 'api-bank.json'), 'utf8')],
];
const broken = `[
  {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
  {"type": "function", "function": {"name": "book_table", "description": "Books a table", "parameters": {"type": "object", "properties": {"size": }}}}
]
`;
const xss = JSON.stringify([{ type: 'function', function: { name: 'send_message', description: XSS, parameters: { type: 'object', required: ['to'], properties: { to: { type: 'string', description: XSS } } } } }], null, 2);

/** Quick Open, retried: the first file search of a fresh workspace can outlast one attempt on a loaded machine. */
async function openFile(s: E2ESession, rel: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await s.workbench.openFile(rel);
      return;
    } catch (e) {
      await s.page.keyboard.press('Escape');
      if (attempt === 3) throw e;
    }
  }
}

async function status(frame: Frame): Promise<Record<string, string>> {
  return frame.locator('#preview-status').evaluate((e) => ({ ...(e as HTMLElement).dataset }) as Record<string, string>);
}

describe('tool schema preview', { timeout: 600_000 }, () => {
  let s: E2ESession;
  let frame: Frame;
  const steps = sessionSteps(() => s);
  const { step } = steps;
  before(async () => {
    const files: Record<string, string> = { 'tools/broken.json': broken, 'tools/xss.json': xss };
    for (const [, rel, text] of sources) files[rel] = text;
    s = await E2ESession.start({ name: 'schema-preview', workspaceFiles: files });
  });
  after(async () => {
    await s?.close(steps.failed);
  });

  step('renders a file of each format as the importer reads it, following the active editor', async () => {
    const wb = s.workbench;
    let first = true;
    for (const [format, rel, text] of sources) {
      const { tools } = await importText(path.basename(rel), text);
      assert.ok(tools.length > 0, `${format}: the engine reads tools`);
      await openFile(s, rel);
      if (first) {
        await wb.runCommand('ToolFlow: Preview Tool Schema');
        frame = await wb.webviewFrame('#preview-status[data-tools]', 60_000);
        first = false;
      }
      await waitUntil(`${format} in the preview`, async () => {
        const st = await status(frame);
        return Number(st.tools) === tools.length && st.selected === tools[0]!.name;
      });
      await frame.locator('#preview-tool-name', { hasText: tools[0]!.name }).waitFor();
      const params = Object.keys(tools[0]!.parameters.properties ?? {});
      const shown = await frame.locator('#preview-parameters > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
      assert.deepEqual(shown, params, `${format}: the parameters of ${tools[0]!.name}`);
      const example = JSON.parse((await frame.locator('#preview-example').textContent())!) as { name: string; arguments: Record<string, unknown> };
      assert.equal(example.name, tools[0]!.name);
      for (const r of tools[0]!.parameters.required ?? []) assert.ok(r in example.arguments, `${format}: required ${r} in the example call`);
      assert.ok((await frame.locator('#preview-example-verdict').getAttribute('data-valid')) !== null);
      await wb.screenshot(`preview-${format.replace(/\W+/g, '-').toLowerCase()}`);
    }
  });

  step('a diagnostic link puts the cursor on its line in the editor', async () => {
    const wb = s.workbench;
    await openFile(s, 'tools/broken.json');
    const { diagnostics } = await importText('broken.json', broken);
    const line = diagnostics.find((d) => d.severity === 'error' && d.location.line)!.location.line!;
    assert.equal(line, 3);
    const link = frame.locator(`#preview-diagnostics a[data-line="${line}"]`);
    await link.first().waitFor({ timeout: 30_000 });
    await link.first().click();
    const selection = s.page.locator('[id="status.editor.selection"]');
    await waitUntil('cursor on line 3', async () => /Ln 3,/.test((await selection.textContent()) ?? ''));
    await wb.screenshot('preview-diagnostic-link');
  });

  step('an edit re-renders the preview (debounced)', async () => {
    const before = await status(frame);
    // The cursor is on line 3 (the diagnostic link): delete that line, then the comma ending line 2.
    await s.page.locator('.monaco-editor .view-lines').first().waitFor();
    await s.page.keyboard.press('Control+Shift+K');
    await s.page.keyboard.press('ArrowUp');
    await s.page.keyboard.press('End');
    await s.page.keyboard.press('Backspace');
    await waitUntil('re-rendered: the file now reads, one tool', async () => {
      const st = await status(frame);
      return Number(st.version) > Number(before.version) && st.tools === '1' && (await frame.locator('#preview-diagnostics li[data-severity="error"]').count()) === 0 ? st : undefined;
    });
  });

  step('an XSS payload in a description is inert text in the preview', async () => {
    const wb = s.workbench;
    await openFile(s, 'tools/xss.json');
    await waitUntil('xss file shown', async () => (await status(frame)).selected === 'send_message');
    await waitUntil('description', async () => (await frame.locator('#preview-tool-description').textContent()) === XSS);
    assert.equal(await frame.locator('#preview-form img, #preview-form script').count(), 0);
    assert.equal(await frame.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await wb.screenshot('preview-xss-inert');
  });
});
