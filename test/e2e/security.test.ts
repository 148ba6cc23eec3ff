// Security of the extension in a real VS Code:
// - the API key set with "ToolFlow: Set API Key" is sent to the endpoint but never reaches
//   settings, logs or run folders;
// - hostile model output (HTML, </script>) renders as inert text in the live transcript view;
// - the live view keeps its state when hidden and after a window reload (setState + serializer);
// - in Restricted Mode generation is not offered and workspace settings cannot redirect the endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startLlmSimulator } from '../support/llm-simulator/server';
import { withSession } from './support';
import { HOSTILE_MARKUP, startMarkupInjectingProxy } from './support/markupInjectingProxy';
import { mcpToolSetText } from './support/toolSetFixture';
import { startSessionWithWorkspaceTrust } from './support/untrustedSession';
import { generateFromPalette, liveFrame, openLiveDialogue, paletteCommand, readLiveDom, readRecords, waitUntil } from './support/toolflowSteps';

/** Every file below `dir` whose content contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

function countFiles(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else n++;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return n;
}

test('the API key stays in secret storage; hostile model output renders as text; the live view survives hide and reload', async () => {
  const key = `sk-toolflow-e2e-${crypto.randomBytes(12).toString('hex')}`;
  // two failures early on: the client retries and the log reports it (error texts must not carry the key)
  const sim = await startLlmSimulator({
    latencyMs: 20,
    seed: 'e2e-security',
    apiKey: key,
    faults: [{ fault: 'rate-limit', requests: [3], retryAfterSeconds: 1 }, { fault: 'server-error', requests: [6] }],
  });
  const proxy = await startMarkupInjectingProxy(sim.url);
  const fixture = await mcpToolSetText();
  try {
    await withSession(
      {
        name: 'security',
        workspaceFiles: { '.toolflow/tools/mcp_subset.tools.json': fixture.text },
        settings: { 'toolflow.endpoint.baseUrl': proxy.url, 'toolflow.model': 'toolflow-simulator', 'toolflow.generation.concurrency': 2, 'toolflow.generation.reviewCompletion': false },
      },
      async (s) => {
        const wb = s.workbench;
        const dialogs: string[] = [];
        wb.page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });

        // Set API Key: a password box naming the origin the key is bound to
        await paletteCommand(wb, 'ToolFlow: Set API Key');
        await wb.waitForQuickInput();
        const prompt = await wb.quickInputText();
        const origin = new URL(proxy.url).origin;
        assert.ok((prompt.message + prompt.title).includes(origin) || (await wb.quickInput.textContent())!.includes(origin), 'the prompt names the endpoint origin');
        assert.equal(await wb.quickInputBox.getAttribute('type'), 'password');
        await wb.quickInputBox.fill(key);
        await wb.page.keyboard.press('Enter');
        await wb.waitForNotification(`API key saved for ${origin}`);

        // generate against the keyed endpoint: the key is sent (the simulator refuses requests without it)
        await generateFromPalette(wb, { toolSet: 'mcp_subset.tools.json', count: 3, concurrency: 2, noGraph: true, runName: 'run-keyed' });
        await wb.waitForNotification(/run-keyed finished/, 120_000);
        assert.equal(sim.stats.lastAuthorization, `Bearer ${key}`, 'the endpoint received the key');
        const runDir = path.join(s.workspaceDir, 'runs', 'run-keyed');
        const records = readRecords(runDir);
        assert.equal(records.length, 3);

        // hostile markup came back from the "model" and is in the records as text
        assert.ok(records.some((r) => r.messages.some((m) => typeof m.content === 'string' && m.content.includes(HOSTILE_MARKUP))), 'the proxy injected markup into the dialogues');

        // the live view shows it as text: no element created from it, no script run, no dialog
        const frame = await liveFrame(wb);
        for (const r of records) {
          await openLiveDialogue(frame, r, `${r.id} in the live view`);
          const probe = (await frame.evaluate(`(() => ({
            imgs: document.querySelectorAll('img').length,
            bold: document.querySelectorAll('#tf-xss-bold, b').length,
            scripts: Array.from(document.querySelectorAll('script')).filter((e) => (e.textContent || '').includes('toolflowXss')).length,
            flag: typeof window.__toolflowXss,
            shownMarkup: Array.from(document.querySelectorAll('#turns .turn, #plan li')).filter((n) => (n.textContent || '').includes('<img src=x onerror=')).length,
          }))()`)) as { imgs: number; bold: number; scripts: number; flag: string; shownMarkup: number };
          assert.equal(probe.imgs, 0, 'no <img> element was created');
          assert.equal(probe.bold, 0, 'no <b> element was created');
          assert.equal(probe.scripts, 0, 'no script element was created from model output');
          assert.equal(probe.flag, 'undefined', 'no injected script ran');
          assert.ok(probe.shownMarkup > 0, 'the markup is shown literally, as text');
        }
        await wb.page.waitForTimeout(500);
        assert.deepEqual(dialogs, [], 'no alert() dialog fired');
        // the page runs under the strict policy, and nothing ran into it
        const csp = (await frame.evaluate(`document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')`)) as string;
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'(;|$)/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.deepEqual(s.consoleMessages.filter((m) => /Content Security Policy|Refused to (load|execute|apply)/i.test(m)), [], 'no CSP violation');
        await wb.screenshot('xss-inert-text');

        // hide the panel behind another editor, then show it again: the same dialogue is shown
        const before = await readLiveDom(frame);
        await wb.openFile('.toolflow/tools/mcp_subset.tools.json');
        await wb.page.locator('.tabs-container .tab', { hasText: 'Live Transcripts' }).first().click();
        const restored = await liveFrame(wb);
        await waitUntil('the live view to come back with the same dialogue', async () => {
          const dom = await readLiveDom(restored);
          return dom.selected === before.selected && dom.turns.length === before.turns.length ? true : undefined;
        });
        // reload the window: the serializer restores the panel from its saved state
        await paletteCommand(wb, 'Developer: Reload Window');
        await wb.waitReady();
        const revived = await liveFrame(wb, 60_000);
        await waitUntil('the live view restored after reload', async () => {
          const dom = await readLiveDom(revived);
          return dom.selected === before.selected && dom.turns.length === before.turns.length ? true : undefined;
        }, 60_000);
        await wb.screenshot('live-view-after-reload');
        // the restored list stays usable: another dialogue is read back from its run folder
        const other = records.find((r) => !before.selected?.endsWith(`/${r.id}`))!;
        await openLiveDialogue(revived, other, 'a dialogue of the restored list to open from disk');

        // the key is nowhere on disk but in secret storage: not in settings, logs, the workspace or the run
        await wb.page.waitForTimeout(1500); // let the log channels flush
        const userSettings = path.join(s.server.userDataDir, 'User', 'settings.json');
        assert.ok(fs.existsSync(userSettings));
        assert.deepEqual(filesContaining(path.dirname(userSettings), key).filter((f) => f.endsWith('.json')), [], 'no settings file holds the key');
        const logs = s.server.logsDir();
        assert.ok(countFiles(logs) > 3, 'VS Code wrote logs');
        const toolflowLog = s.toolflowLog();
        assert.ok(toolflowLog.includes('API key stored in secret storage'), 'the ToolFlow log was written');
        assert.match(toolflowLog, /attempt 1 failed with (rate-limited|server-error)/, 'retries are logged');
        assert.deepEqual(filesContaining(logs, key), [], 'no log holds the key');
        assert.ok(countFiles(runDir) >= 3, 'the run folder has its files');
        assert.deepEqual(filesContaining(s.workspaceDir, key), [], 'no file of the workspace (run folder included) holds the key');

        // Clear API Key removes it from secret storage
        await paletteCommand(wb, 'ToolFlow: Clear API Key');
        await wb.waitForNotification(`API key for ${origin} removed`);
      },
    );
  } finally {
    await proxy.close();
    await sim.close();
  }
});

test('Restricted Mode: generation is not offered and a workspace setting cannot redirect the keyed endpoint', async () => {
  const userEndpoint = 'http://127.0.0.1:9/v1';
  const s = await startSessionWithWorkspaceTrust({
    name: 'restricted',
    settings: { 'security.workspace.trust.startupPrompt': 'always', 'toolflow.endpoint.baseUrl': userEndpoint },
    workspaceFiles: { '.vscode/settings.json': JSON.stringify({ 'toolflow.endpoint.baseUrl': 'https://attacker.example/v1' }) },
  });
  let failed = true;
  try {
    const wb = s.workbench;
    // answer VS Code's trust prompt as a careful user opening someone else's folder
    const no = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /don.t trust/i }).first();
    await no.waitFor({ state: 'visible', timeout: 60_000 });
    await no.click();
    await wb.page.locator('.statusbar-item', { hasText: /Restricted Mode/i }).first().waitFor({ timeout: 30_000 });
    await wb.openViewContainer('ToolFlow');
    assert.equal(await wb.hasCommand('ToolFlow: Generate Dataset…'), false, 'Generate Dataset… is not in the palette');
    assert.equal(await wb.hasCommand('ToolFlow: Resume Run'), false, 'Resume Run is not in the palette');
    assert.equal(await wb.hasCommand('ToolFlow: Show Live Transcripts'), true, 'viewing stays available');
    await wb.pane('Runs').getByText('Generation is disabled in Restricted Mode').waitFor({ timeout: 15_000 });
    // the key would be stored for the user's endpoint, not the one the workspace names
    await paletteCommand(wb, 'ToolFlow: Set API Key');
    await wb.waitForQuickInput();
    const text = (await wb.quickInput.textContent()) ?? '';
    assert.match(text, /http:\/\/127\.0\.0\.1:9/, 'the user endpoint is in effect');
    assert.doesNotMatch(text, /attacker\.example/, 'the workspace value is ignored in Restricted Mode');
    await wb.page.keyboard.press('Escape');
    await wb.screenshot('restricted-mode');
    failed = false;
  } finally {
    await s.close(failed);
  }
});
