/**
 * The "ToolFlow: Show Quality Report" panel: the same page as `toolflow report`'s HTML
 * (webview-ui/report), under the webviews' strict CSP with a nonce; the report data arrives as a
 * message and is rendered as text. One panel per run folder; computing stops when it is closed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import type { Log } from '../common/log';
import { WebviewPanelHost, webviewPanelOptions } from '../webview/webviewPanelHost';
import type { QualityReport, ReportFromWebview, ReportToWebview } from '../../shared/qualityReport';
import { computeQualityReport } from './computeReport';

export const QUALITY_VIEW_TYPE = 'toolflow.qualityReport';

export class QualityReportPanel extends WebviewPanelHost<ReportToWebview> {
  private static readonly open = new Map<string, QualityReportPanel>();
  private readonly controller = new AbortController();
  private computing = false;
  /** Kept so a panel hidden and shown again (its page is rebuilt) is not computed again. */
  private report: QualityReport | undefined;

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly runDir: string,
    private readonly settings: { embeddingModel: string; cacheDir: string },
    private readonly log: Log,
  ) {
    super(panel, extensionUri, { title: `Quality: ${path.basename(runDir)}`, script: 'report.js' });
  }

  static show(extensionUri: vscode.Uri, runDir: string, settings: { embeddingModel: string; cacheDir: string }, log: Log): void {
    const existing = QualityReportPanel.open.get(runDir);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(QUALITY_VIEW_TYPE, `Quality: ${path.basename(runDir)}`, vscode.ViewColumn.Active, webviewPanelOptions(extensionUri));
    QualityReportPanel.open.set(runDir, new QualityReportPanel(panel, extensionUri, runDir, settings, log));
  }

  protected override onMessage(raw: unknown): void {
    // Messages from a webview are untrusted input: check their shape.
    const m = raw as Partial<ReportFromWebview> | null;
    if (typeof m !== 'object' || m === null || m.type !== 'report/ready' || this.computing) return;
    if (this.report) {
      this.post({ type: 'report/data', report: this.report });
      return;
    }
    this.computing = true;
    this.log.info(`Quality report: ${this.runDir}`);
    computeQualityReport({ runDir: this.runDir, ...this.settings, signal: this.controller.signal, onProgress: (message) => this.post({ type: 'report/progress', message }) }).then(
      (report) => {
        for (const r of report.runs) for (const n of r.notes) this.log.warn(`Quality report ${r.name}: ${n}`);
        this.report = report;
        this.post({ type: 'report/data', report });
      },
      (e: unknown) => {
        if (this.controller.signal.aborted) return;
        this.log.error(`Quality report of ${this.runDir} failed: ${errorMessage(e)}`);
        this.post({ type: 'report/error', message: errorMessage(e) });
      },
    ).finally(() => (this.computing = false));
  }

  override dispose(): void {
    this.controller.abort(new Error('the quality report was closed'));
    if (QualityReportPanel.open.get(this.runDir) === this) QualityReportPanel.open.delete(this.runDir);
    super.dispose();
  }
}
