// Steps of the ToolFlow extension's e2e tests, done the way a user does them (palette, quick
// inputs, tree views, the live transcript webview), plus readers of the files they produce.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import type { Workbench } from './workbench';

export interface GenerateAnswers {
  /** Label (file name) of the tool set in the first quick pick. */
  toolSet: string;
  count: number;
  concurrency?: number;
  /** Turn the tool graph off (the paper's "w/o graph" ablation). */
  noGraph?: boolean;
  noPlan?: boolean;
  /** Skip the tool-JSON completion step (paper 3.4). */
  noComplete?: boolean;
  runName: string;
}

/** Waits until the guided flow shows step `n` (its title ends with "(n/6)"). */
async function waitForStep(wb: Workbench, n: number): Promise<void> {
  await wb.quickInput.locator('.quick-input-title', { hasText: `(${n}/6)` }).waitFor({ state: 'visible', timeout: 20_000 });
  await wb.quickInputBox.waitFor({ state: 'visible', timeout: 5_000 });
}

async function typeAndAccept(wb: Workbench, step: number, value: string): Promise<void> {
  await waitForStep(wb, step);
  await wb.quickInputBox.fill(value);
  await wb.page.waitForTimeout(150);
  await wb.page.keyboard.press('Enter');
}

/** Toggles the checkbox of a row in a multi-select quick pick. */
export async function toggleQuickPickRow(wb: Workbench, label: string): Promise<void> {
  const row = wb.quickInputRows().filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  const before = await row.getAttribute('aria-checked');
  await row.locator('.monaco-checkbox, input[type="checkbox"]').first().click();
  await waitUntil(`"${label}" to toggle`, async () => (await row.getAttribute('aria-checked')) !== before);
}

/** Runs "ToolFlow: Generate Dataset…" and answers each step of the guided flow. */
export async function generateFromPalette(wb: Workbench, a: GenerateAnswers): Promise<void> {
  await paletteCommand(wb, 'ToolFlow: Generate Dataset…');
  await waitForStep(wb, 1);
  await wb.pickQuickItem(a.toolSet, 20_000);
  await typeAndAccept(wb, 2, String(a.count));
  await waitForStep(wb, 3);
  await wb.pickQuickItem('Configured models');
  await typeAndAccept(wb, 4, String(a.concurrency ?? 2));
  await waitForStep(wb, 5);
  await wb.quickInputRows().filter({ hasText: 'Use the tool graph' }).first().waitFor({ state: 'visible' });
  if (a.noGraph) await toggleQuickPickRow(wb, 'Use the tool graph');
  if (a.noPlan) await toggleQuickPickRow(wb, 'Use a dialogue plan');
  if (a.noComplete) await toggleQuickPickRow(wb, 'Complete missing tool descriptions');
  await wb.quickInputBox.focus();
  await wb.page.keyboard.press('Enter');
  await typeAndAccept(wb, 6, a.runName);
}

/** The live transcripts webview's frame (its document has #dialogue-list). */
export function liveFrame(wb: Workbench, timeoutMs = 30_000): Promise<Frame> {
  return wb.webviewFrame('#dialogue-list', timeoutMs);
}

export interface LiveDom {
  runText: string;
  dialogues: Array<{ key: string; state: string; text: string }>;
  selected: string | null;
  turns: Array<{ author: string; text: string }>;
  planSteps: number;
  currentStep: number;
  toolCalls: string[];
  verdict: string;
}

// Plain JavaScript run inside the webview (a string, so the test's TypeScript transform adds nothing).
const READ_LIVE_DOM = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const steps = q('#plan li.step');
  const selected = document.querySelector('#dialogue-list li.item.selected');
  return {
    runText: (document.getElementById('run-status') || {}).textContent || '',
    dialogues: q('#dialogue-list li.item').map((li) => ({ key: li.dataset.key || '', state: li.dataset.state || '', text: li.textContent || '' })),
    selected: selected ? selected.dataset.key || null : null,
    turns: q('#turns .turn').map((t) => ({ author: t.dataset.author || '', text: t.textContent || '' })),
    planSteps: steps.length,
    currentStep: steps.findIndex((s) => s.classList.contains('current')),
    toolCalls: q('#turns .tool-call pre.args').map((p) => p.textContent || ''),
    verdict: (document.getElementById('verdict') || {}).textContent || '',
  };
})()`;

export async function readLiveDom(frame: Frame): Promise<LiveDom> {
  return (await frame.evaluate(READ_LIVE_DOM)) as LiveDom;
}

/** Clicks a dialogue in the live view's list and waits until its whole transcript shows (every message of the record). */
export async function openLiveDialogue(frame: Frame, record: Pick<DialogueRecord, 'id' | 'messages'>, what = `dialogue ${record.id} to show`): Promise<LiveDom> {
  await frame.locator(`#dialogue-list li.item[data-key$="/${record.id}"]`).click();
  return waitUntil(what, async () => {
    const dom = await readLiveDom(frame);
    return dom.selected?.endsWith(`/${record.id}`) && dom.turns.length === record.messages.length ? dom : undefined;
  });
}

/** Polls `fn` until it returns a value that is not undefined/false. */
export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Complete records of a run's dialogues.jsonl (a torn last line is ignored). */
export function readRecords(runDir: string): DialogueRecord[] {
  const file = path.join(runDir, 'dialogues.jsonl');
  if (!fs.existsSync(file)) return [];
  const out: DialogueRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as DialogueRecord);
    } catch {
      // torn tail
    }
  }
  return out;
}

/**
 * Runs a palette command after the previous quick input has closed (opening the palette while the
 * last one is still closing loses the keystrokes); retries once.
 */
export async function paletteCommand(wb: Workbench, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await wb.quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).catch(async () => {
      await wb.page.keyboard.press('Escape');
    });
    await wb.page.waitForTimeout(200);
    try {
      await wb.runCommand(title, 15_000);
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
      await wb.page.keyboard.press('Escape');
      await wb.page.waitForTimeout(500);
    }
  }
}
