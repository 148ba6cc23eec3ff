// Drives the VS Code workbench in Chromium the way a user does: command palette, quick inputs,
// the simple file dialog, notifications, tree views, webviews, the Problems panel, editors.
// Selectors are VS Code's own DOM classes and ARIA attributes (stable across releases for years).
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

export interface TreeItem {
  label: string;
  description: string;
  /** 1 for top-level items. */
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  /** The row's aria-label (label, description and tooltip as screen readers get them). */
  ariaLabel: string;
}

export interface Problem {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  /** File name the problem belongs to (the group it is listed under). */
  file: string;
  line: number | undefined;
  column: number | undefined;
  ariaLabel: string;
}

export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Workbench {
  private shotIndex = 0;

  constructor(
    readonly page: Page,
    /** Folder screenshots are written to. */
    readonly artifactDir: string,
  ) {}

  /** Waits until the workbench is rendered and its extension host connected. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    // the remote indicator shows the connection; the explorer shows the folder once the
    // workspace (served by the remote extension host's file system) is readable
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  // --- command palette and quick input ----------------------------------------------------

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /**
   * Runs a command from the palette by its full title, e.g. "ToolFlow: Import Tools…". Right after
   * the window opens, extension contributions arrive a moment later: the palette is re-queried until
   * the command shows up or `timeoutMs` passes.
   */
  async runCommand(title: string, timeoutMs = 20_000): Promise<void> {
    await this.openPalette();
    const row = this.quickInputRows().filter({ hasText: new RegExp(`^\\s*${escapeRegExp(title)}`) }).first();
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      await this.quickInputBox.fill(`>${title}`);
      try {
        // On a loaded machine the palette filters slowly (seen: the row listed just after 20 s of
        // 1 s rounds, each refilled before it could show): each round waits longer.
        await row.waitFor({ state: 'visible', timeout: Math.min(5_000, 1_000 * attempt) });
        break;
      } catch {
        if (Date.now() > deadline) {
          const seen = await this.quickPickLabels();
          throw new Error(`command "${title}" is not in the command palette; it lists: ${seen.slice(0, 15).join(' | ') || '(nothing)'}`);
        }
        await this.quickInputBox.fill('>');
      }
    }
    await row.click();
    // the palette closes (or the command reuses the quick input for its own question)
    await this.page
      .waitForFunction(
        (typed) => {
          const input = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
          return !input || input.offsetParent === null || input.value !== typed;
        },
        `>${title}`,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
  }

  /** Is a command with this title offered by the palette at all? */
  async hasCommand(title: string): Promise<boolean> {
    await this.openPalette();
    await this.quickInputBox.fill(`>${title}`);
    await this.page.waitForTimeout(300);
    const labels = await this.quickPickLabels();
    await this.page.keyboard.press('Escape');
    return labels.some((l) => l.startsWith(title));
  }

  private async openPalette(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.quickInputBox.waitFor({ state: 'visible', timeout: 10_000 });
  }

  quickInputRows(): Locator {
    return this.quickInput.locator('.monaco-list-row');
  }

  /** Labels of the rows currently shown by a quick pick. */
  async quickPickLabels(): Promise<string[]> {
    return this.quickInputRows().evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
  }

  /** Waits for a quick input (pick, input box or simple file dialog) to show. */
  async waitForQuickInput(timeoutMs = 15_000): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Title and validation message of the open quick input. */
  async quickInputText(): Promise<{ title: string; message: string; value: string }> {
    const title = (await this.quickInput.locator('.quick-input-title').textContent().catch(() => '')) ?? '';
    const message = (await this.quickInput.locator('.quick-input-message').textContent().catch(() => '')) ?? '';
    return { title: title.trim(), message: message.trim(), value: await this.quickInputBox.inputValue() };
  }

  /** Picks the row whose label starts with `label` in the open quick pick. */
  async pickQuickItem(label: string | RegExp, timeoutMs = 10_000): Promise<void> {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}`) : label;
    const row = this.quickInputRows().filter({ hasText: re }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /**
   * Answers VS Code's simple file dialog (what code-server shows for showOpenDialog / showSaveDialog)
   * with a typed absolute path and accepts it with the dialog's OK button.
   */
  async answerFileDialog(absolutePath: string, timeoutMs = 15_000): Promise<void> {
    await this.waitForQuickInput(timeoutMs);
    const box = this.quickInputBox;
    // the dialog fills in its start folder asynchronously; typing before that gets overwritten
    await this.page.waitForFunction(
      () => {
        const input = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
        return input !== null && input.value.length > 0 && document.querySelectorAll('.quick-input-widget .monaco-list-row').length > 0;
      },
      undefined,
      { timeout: timeoutMs },
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await box.fill(absolutePath);
      await this.page.waitForTimeout(400);
      if ((await box.inputValue()) === absolutePath) break;
      if (Date.now() > deadline) throw new Error(`the file dialog does not keep the typed path ${absolutePath}; it shows ${await box.inputValue()}`);
    }
    const ok = this.quickInput.locator('.quick-input-action .monaco-button, .quick-input-ok .monaco-button').filter({ hasText: /^(OK|Open|Select|Import|Save)/ }).first();
    if (await ok.isVisible().catch(() => false)) await ok.click();
    else await this.page.keyboard.press('Enter');
    // Under load the dialog can swallow the accept while it still resolves the typed path (seen in CI:
    // the widget stayed open with the path in its box). Accept once more only if it is still open and
    // still holds our path, so an accepted dialog is never answered twice.
    const hidden = await this.quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false);
    if (hidden) return;
    if ((await box.inputValue().catch(() => '')) === absolutePath) await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  // --- notifications -----------------------------------------------------------------------

  /** Texts of the notification toasts on screen. */
  async notificationTexts(): Promise<string[]> {
    // read in one go: toasts come and go while we look
    return this.page.locator('.notifications-toasts .notification-list-item-message').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** Waits for a notification toast whose text matches; returns its full text. */
  async waitForNotification(match: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const re = typeof match === 'string' ? new RegExp(escapeRegExp(match)) : match;
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await this.notificationTexts();
      const hit = seen.find((t) => re.test(t));
      if (hit !== undefined) return hit;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no notification matching ${re} within ${timeoutMs} ms; on screen: ${JSON.stringify(seen)}`);
  }

  /** Clicks a button (e.g. "Open", "Show Problems") on the toast matching `match`. */
  async clickNotificationButton(match: string | RegExp, button: string): Promise<void> {
    const re = typeof match === 'string' ? new RegExp(escapeRegExp(match)) : match;
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: re }).first();
    await toast.hover();
    await toast.locator('.monaco-button').filter({ hasText: button }).first().click();
  }

  async dismissNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  // --- views -----------------------------------------------------------------------------

  /** Opens a view container from the activity bar by its title (e.g. "ToolFlow"). */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item [aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    const checked = await item.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
    if (checked !== 'true') await item.click();
  }

  /** The pane (view) with this title in the side bar. */
  pane(viewTitle: string): Locator {
    return this.page
      .locator('.part.sidebar .pane, .part.auxiliarybar .pane, .part.panel .pane')
      .filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(viewTitle)}`, 'i') }) })
      .first();
  }

  /** Rows currently rendered by the tree view with this title (expands the pane if collapsed). */
  async treeItems(viewTitle: string): Promise<TreeItem[]> {
    const pane = this.pane(viewTitle);
    await pane.waitFor({ state: 'visible', timeout: 15_000 });
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane.locator('.pane-body .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => {
        const expanded = r.getAttribute('aria-expanded');
        return {
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          level: Number(r.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
          ariaLabel: r.getAttribute('aria-label') ?? '',
        };
      }),
    );
  }

  /** Waits until the tree view shows an item matching `match`; returns the items. */
  async waitForTreeItem(viewTitle: string, match: string | RegExp, timeoutMs = 30_000): Promise<TreeItem[]> {
    const re = typeof match === 'string' ? new RegExp(`^${escapeRegExp(match)}`) : match;
    const deadline = Date.now() + timeoutMs;
    let items: TreeItem[] = [];
    while (Date.now() < deadline) {
      items = await this.treeItems(viewTitle).catch(() => []);
      if (items.some((i) => re.test(i.label))) return items;
      await this.page.waitForTimeout(300);
    }
    throw new Error(`view "${viewTitle}" shows no item matching ${re} within ${timeoutMs} ms; it shows: ${JSON.stringify(items.map((i) => i.label))}`);
  }

  /** The row of a tree item, for clicks, context menus and inline actions. */
  treeRow(viewTitle: string, label: string | RegExp): Locator {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}`) : label;
    return this.pane(viewTitle).locator('.pane-body .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: re }) }).first();
  }

  async expandTreeItem(viewTitle: string, label: string | RegExp): Promise<void> {
    const row = this.treeRow(viewTitle, label);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /** Opens the context menu of a tree item and picks `action`. */
  async treeItemContextAction(viewTitle: string, label: string | RegExp, action: string): Promise<void> {
    await this.treeRow(viewTitle, label).click({ button: 'right' });
    await this.contextMenuAction(action);
  }

  /** Clicks an entry of the open context menu (VS Code renders it in a shadow root). */
  async contextMenuAction(action: string): Promise<void> {
    const item = this.page.locator('.monaco-menu .action-item, .context-view .action-item').filter({ hasText: action }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    // a menu ignores the mouse for a moment after it opens (against accidental picks)
    await this.page.waitForTimeout(300);
    await item.hover();
    await item.click();
    // Only if the click was swallowed: the menu can stay visible for a moment after an accepted
    // click, and pressing Enter then would run the action a second time (seen: a second import of
    // just the focused file).
    const closed = await item.waitFor({ state: 'hidden', timeout: 1_500 }).then(
      () => true,
      () => false,
    );
    if (!closed) {
      await this.page.keyboard.press('Enter');
      await item.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  // --- webviews --------------------------------------------------------------------------

  /**
   * The frame of a webview whose document contains `selector` (VS Code nests each webview's content
   * in an inner iframe of an outer iframe; this searches every frame of the page).
   */
  async webviewFrame(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const found = await frame.locator(selector).count().catch(() => 0);
        if (found > 0) return frame;
      }
      await this.page.waitForTimeout(300);
    }
    throw new Error(`no webview contains "${selector}" within ${timeoutMs} ms (frames: ${this.page.frames().map((f) => f.url()).join(', ')})`);
  }

  // --- Problems panel --------------------------------------------------------------------

  async openProblems(): Promise<void> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await this.page.keyboard.press('Control+Shift+M');
    });
    await this.page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** Error, warning and info counts from the status bar. */
  async problemCounts(): Promise<ProblemCounts> {
    const item = this.page.locator('#status\\.problems, .statusbar-item[id="status.problems"]').first();
    const label = (await item.getAttribute('aria-label').catch(() => null)) ?? (await item.textContent().catch(() => '')) ?? '';
    // "Errors: 2, Warnings: 1, Infos: 34" or "2 errors, 1 warning"
    const n = (word: string): number => Number(new RegExp(`${word}s?:?\\s*(\\d+)`, 'i').exec(label)?.[1] ?? new RegExp(`(\\d+)\\s+${word}`, 'i').exec(label)?.[1] ?? '0');
    return { errors: n('error'), warnings: n('warning'), infos: n('info') };
  }

  /**
   * Problems listed in the Problems panel (optionally narrowed with its filter box). Every file group
   * is expanded; the tree is virtualised, so the panel is maximised while reading.
   */
  async problems(filter?: string): Promise<Problem[]> {
    await this.openProblems();
    const panel = this.page.locator('.markers-panel').first();
    const filterBox = this.page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    if (await filterBox.isVisible().catch(() => false)) {
      await filterBox.fill(filter ?? '');
      await this.page.waitForTimeout(500);
    }
    const rows = await panel.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((r) => ({
        level: r.getAttribute('aria-level') ?? '',
        aria: r.getAttribute('aria-label') ?? '',
        name: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        icon: r.querySelector('.marker-icon')?.getAttribute('class') ?? '',
        message: (r.querySelector('.marker-message')?.textContent ?? '').trim(),
        text: r.textContent ?? '',
      })),
    );
    const problems: Problem[] = [];
    let file = '';
    for (const r of rows) {
      if (r.level === '1') {
        file = r.name;
        continue;
      }
      const kind = `${r.icon} ${r.aria.split(':')[0] ?? ''}`.toLowerCase();
      const severity: Problem['severity'] = /error/.test(kind) ? 'error' : /warning/.test(kind) ? 'warning' : /info/.test(kind) ? 'info' : 'unknown';
      const pos = /\[(?:Ln|Line)\s*(\d+),?\s*(?:Col|Column)\s*(\d+)\]/i.exec(r.text) ?? /line (\d+)\D+(\d+)/i.exec(r.aria);
      problems.push({ severity, message: r.message || r.aria, file, line: pos ? Number(pos[1]) : undefined, column: pos ? Number(pos[2]) : undefined, ariaLabel: r.aria });
    }
    return problems;
  }

  // --- editors and files -----------------------------------------------------------------

  /** Opens a workspace file by typing its path into Quick Open. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInputBox.waitFor({ state: 'visible', timeout: 10_000 });
    await this.quickInputBox.fill(relativePath);
    const row = this.quickInputRows().filter({ hasText: path.basename(relativePath) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await this.page.locator(`.tabs-container .tab[aria-label^="${path.basename(relativePath)}"], .tabs-container .tab.active`).first().waitFor({ timeout: 10_000 });
  }

  /** Titles of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    const tabs = await this.page.locator('.tabs-container .tab').all();
    const out: string[] = [];
    for (const t of tabs) out.push(((await t.getAttribute('aria-label')) ?? '').trim());
    return out;
  }

  // --- extensions ----------------------------------------------------------------------

  /**
   * Extensions running in the extension host with VS Code's own activation times, read from
   * "Developer: Show Running Extensions" (VS Code 1.139 shows it in a modal editor, closed again here).
   */
  async runningExtensions(): Promise<{ name: string; id: string; activationMs: number | undefined }[]> {
    await this.runCommand('Developer: Show Running Extensions');
    const list = this.page.locator('.runtime-extensions-editor .monaco-list');
    await list.first().waitFor({ state: 'visible', timeout: 15_000 });
    // the list fills in once the extension host reports (built-in extensions always run)
    await list.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await this.page.waitForTimeout(500);
    // the list is virtualised: scroll through it, collecting rows
    const out = new Map<string, { name: string; id: string; activationMs: number | undefined }>();
    const box = await list.first().boundingBox();
    for (let unchanged = 0; unchanged < 2; ) {
      const size = out.size;
      for (const r of await list.locator('.monaco-list-row').all()) {
        const name = ((await r.locator('.name').first().textContent()) ?? '').trim();
        const time = ((await r.locator('.activation-time').first().textContent().catch(() => '')) ?? '').trim();
        const ms = /([\d.]+)\s*ms/.exec(time);
        const id = (await r.getAttribute('aria-label')) ?? '';
        out.set(id + name, { name, id, activationMs: ms ? Number(ms[1]) : undefined });
      }
      unchanged = out.size === size ? unchanged + 1 : 0;
      if (box) await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await this.page.mouse.wheel(0, 400);
      await this.page.waitForTimeout(150);
    }
    await list.first().click({ position: { x: 10, y: 10 } });
    await this.page.keyboard.press('Escape');
    if (await list.first().isVisible()) await this.closeEditors();
    await list.first().waitFor({ state: 'hidden', timeout: 10_000 });
    return [...out.values()];
  }

  async closeEditors(): Promise<void> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+W');
  }

  // --- artifacts -------------------------------------------------------------------------

  /** Saves a PNG of the whole window into the session's artifact folder; returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.artifactDir, { recursive: true });
    const file = path.join(this.artifactDir, `${String(++this.shotIndex).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
