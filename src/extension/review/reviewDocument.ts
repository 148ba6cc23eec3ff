/**
 * The review editor's `CustomDocument`: a `ReviewDocumentModel` (engine) plus what VS Code needs
 * around it: change events for undo/redo and the dirty marker, and the watch of a run that is still
 * being written (read-only while the run folder's lock is held by a generator; new dialogues are
 * indexed as they are appended; editable when the lock goes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeHolder, readRunLock } from '../../engine/pipeline/runLock';
import { ReviewDocumentModel, type ReviewAction, type ReviewBackup, type ReviewEdit } from '../../engine/review';
import { Disposable } from '../common/disposable';
import type { Log } from '../common/log';

const WATCH_INTERVAL_MS = 1000;

export class ReviewDocument extends Disposable implements vscode.CustomDocument {
  private readonly onDidChangeContentEmitter = this._register(new vscode.EventEmitter<{ slots: number[]; appended: number; reset: boolean }>());
  /** Dialogues changed or appended: views re-read them. */
  readonly onDidChangeContent = this.onDidChangeContentEmitter.event;
  private readonly onDidChangeEmitter = this._register(new vscode.EventEmitter<vscode.CustomDocumentEditEvent<ReviewDocument>>());
  /** An undoable edit (VS Code marks the editor dirty and offers undo/redo). */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidChangeReadOnlyEmitter = this._register(new vscode.EventEmitter<string | null>());
  readonly onDidChangeReadOnly = this.onDidChangeReadOnlyEmitter.event;
  private readonly onDidDisposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.onDidDisposeEmitter.event;
  private readOnlyReason: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private saving = false;
  readonly reviewer = os.userInfo().username;

  private constructor(
    readonly uri: vscode.Uri,
    readonly model: ReviewDocumentModel,
    private readonly log: Log,
  ) {
    super();
    this.readOnlyReason = this.lockReason();
    this.timer = setInterval(() => void this.poll(), WATCH_INTERVAL_MS);
    this._register({ dispose: () => this.timer && clearInterval(this.timer) });
  }

  static async create(uri: vscode.Uri, backupId: string | undefined, log: Log): Promise<ReviewDocument> {
    const file = uri.fsPath;
    let model: ReviewDocumentModel | undefined;
    if (backupId) {
      try {
        const backup = JSON.parse(await fs.promises.readFile(vscode.Uri.parse(backupId).fsPath, 'utf8')) as ReviewBackup;
        model = await ReviewDocumentModel.restore(file, backup);
        log.info(`Review editor: restored ${backup.lines.length} unsaved dialogue(s) of ${file} from the hot-exit backup`);
      } catch (e) {
        void vscode.window.showWarningMessage(`ToolFlow: unsaved review changes of ${path.basename(file)} could not be restored: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const t0 = performance.now();
    model ??= await ReviewDocumentModel.open(file);
    log.info(`Review editor: indexed ${model.count} dialogues of ${file} in ${(performance.now() - t0).toFixed(0)} ms`);
    return new ReviewDocument(uri, model, log);
  }

  get runDir(): string {
    return path.dirname(this.uri.fsPath);
  }

  /** Why the document cannot be edited now, or null. */
  get readOnly(): string | null {
    return this.readOnlyReason;
  }

  private lockReason(): string | null {
    const holder = readRunLock(this.runDir);
    if (!holder || (holder.pid === process.pid && holder.owner === 'review editor')) return null;
    return `this run is being written by ${describeHolder(holder)}; it becomes editable when the run ends`;
  }

  /** Follows a run being written: new lines, and the lock's coming and going. */
  private async poll(): Promise<void> {
    if (this.polling || this.saving || this.isDisposed) return;
    this.polling = true;
    try {
      const reason = this.lockReason();
      const added = await this.model.extend();
      if (added.length) this.onDidChangeContentEmitter.fire({ slots: added, appended: added.length, reset: false });
      if (reason !== this.readOnlyReason) {
        this.readOnlyReason = reason;
        this.onDidChangeReadOnlyEmitter.fire(reason);
      }
    } catch (e) {
      this.log.warn(`Review editor: ${this.uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.polling = false;
    }
  }

  async apply(slot: number, action: ReviewAction): Promise<void> {
    const edit = await this.model.apply(slot, action, { by: this.reviewer });
    this.fireEdit(edit);
  }

  private fireEdit(edit: ReviewEdit): void {
    this.onDidChangeContentEmitter.fire({ slots: [edit.slot], appended: 0, reset: false });
    this.onDidChangeEmitter.fire({
      document: this,
      label: edit.label,
      undo: () => {
        this.model.undoEdit(edit);
        this.onDidChangeContentEmitter.fire({ slots: [edit.slot], appended: 0, reset: false });
      },
      redo: () => {
        this.model.redoEdit(edit);
        this.onDidChangeContentEmitter.fire({ slots: [edit.slot], appended: 0, reset: false });
      },
    });
  }

  async save(target?: vscode.Uri): Promise<void> {
    this.saving = true;
    try {
      await this.model.save(target?.fsPath ?? this.uri.fsPath);
    } finally {
      this.saving = false;
    }
  }

  async revert(): Promise<void> {
    await this.model.revert();
    this.onDidChangeContentEmitter.fire({ slots: [], appended: 0, reset: true });
  }

  async backup(destination: vscode.Uri): Promise<vscode.CustomDocumentBackup> {
    // Only the changed lines: small and quick, so closing VS Code is never held up (vscode#99495).
    await fs.promises.mkdir(path.dirname(destination.fsPath), { recursive: true });
    await fs.promises.writeFile(destination.fsPath, JSON.stringify(this.model.backup()));
    return { id: destination.toString(), delete: () => void fs.promises.rm(destination.fsPath, { force: true }) };
  }

  override dispose(): void {
    this.onDidDisposeEmitter.fire();
    super.dispose();
  }
}
