/**
 * The completion review in VS Code (issue 10 item 6): before a run uses the converter model's fills,
 * they open in the diff editor (the reviewed tools as in the source ↔ as completed), and a quick
 * pick asks: accept all, choose tools, or none. The two sides are virtual read-only documents of
 * their own scheme (a TextDocumentContentProvider): nothing is written beside the tool set, and the
 * decisions are saved by the engine as `<run>/completion-review.json` (docs/completion-review.md).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../common/disposable';
import type { CompletionReviewRequest } from '../generation/engineGateway';

export const COMPLETION_REVIEW_SCHEME = 'toolflow-completion';

/** Serves the two sides of each review by URI (kept until the window closes; a few KB each). */
class ReviewSidesProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

interface ChoiceItem extends vscode.QuickPickItem {
  choice: 'all' | 'some' | 'none';
}

interface ToolItem extends vscode.QuickPickItem {
  tool: string;
}

export class CompletionReviewUi extends Disposable {
  private readonly sides = this._register(new ReviewSidesProvider());
  private seq = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(COMPLETION_REVIEW_SCHEME, this.sides));
  }

  /** Shows the diff and asks; the accepted tool names, or undefined when the user closed the question. */
  async decide(r: CompletionReviewRequest, signal: AbortSignal): Promise<ReadonlySet<string> | undefined> {
    const run = path.basename(r.runDir);
    const n = ++this.seq; // a fresh URI per review: VS Code caches virtual documents by URI
    const left = vscode.Uri.from({ scheme: COMPLETION_REVIEW_SCHEME, path: `/${run}/${n}/source tools.json` });
    const right = vscode.Uri.from({ scheme: COMPLETION_REVIEW_SCHEME, path: `/${run}/${n}/completed tools.json` });
    this.sides.set(left, r.original);
    this.sides.set(right, r.completed);
    await vscode.commands.executeCommand('vscode.diff', left, right, `Completion review: ${run} (source ↔ completed)`, { preview: false });

    const names = r.review.tools.map((t) => t.name);
    const choice = await this.ask<ChoiceItem>(
      [
        { label: `Accept all (${names.length} tool${names.length === 1 ? '' : 's'})`, description: 'use every completed value shown on the right', choice: 'all' },
        { label: 'Choose tools…', description: 'accept some tools, the others keep their source text', choice: 'some' },
        { label: 'Accept none', description: 'every tool keeps its source text (empty descriptions stay empty)', choice: 'none' },
      ],
      { title: `ToolFlow: completion review of ${run}`, placeholder: `The converter model filled missing fields of ${names.length} tool(s): see the diff. Which may the run use?` },
      signal,
    );
    if (!choice) return undefined;
    const [picked] = choice;
    if (picked!.choice === 'all') return new Set(names);
    if (picked!.choice === 'none') return new Set();
    const tools = await this.ask<ToolItem>(
      r.review.tools.map((t) => {
        const description = t.fills.find((f) => f.pointer === '/description')?.completed;
        return {
          label: t.name,
          description: typeof description === 'string' ? description : '',
          detail: `fills ${t.fills.map((f) => f.pointer).join(', ')}`,
          tool: t.name,
        };
      }),
      { title: `ToolFlow: completion review of ${run}: tools to accept`, placeholder: 'Check the tools whose completed values the run may use, then press Enter', canPickMany: true },
      signal,
    );
    return tools ? new Set(tools.map((t) => t.tool)) : undefined;
  }

  /** One quick pick that stays open while the user looks at the diff; undefined on Escape or cancel. */
  private ask<T extends vscode.QuickPickItem>(items: T[], o: { title: string; placeholder: string; canPickMany?: boolean }, signal: AbortSignal): Promise<readonly T[] | undefined> {
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<T>();
      qp.title = o.title;
      qp.placeholder = o.placeholder;
      qp.items = items;
      qp.canSelectMany = o.canPickMany === true;
      qp.ignoreFocusOut = true;
      let done = false;
      const finish = (value: readonly T[] | undefined) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        resolve(value);
        qp.dispose();
      };
      const onAbort = () => finish(undefined);
      signal.addEventListener('abort', onAbort);
      qp.onDidAccept(() => {
        if (qp.canSelectMany) finish(qp.selectedItems);
        else if (qp.activeItems.length > 0) finish(qp.activeItems.slice(0, 1));
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }
}
