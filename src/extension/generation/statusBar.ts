import * as vscode from 'vscode';
import type { RunProgressView } from '../../shared/liveTranscripts';

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/** Status bar item of a running generation: done/total, rejected, tokens; opens the live view. */
export class GenerationStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('toolflow.generation', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'ToolFlow Generation';
    this.item.command = 'toolflow.showLive';
  }

  update(run: RunProgressView | null): void {
    if (!run) {
      this.item.hide();
      return;
    }
    const icon = { running: '$(sync~spin)', completed: '$(check)', aborted: '$(debug-pause)', 'budget-exceeded': '$(warning)', failed: '$(error)' }[run.state];
    this.item.text = `${icon} ToolFlow ${run.done}/${run.total} · ${run.rejected} rejected · ${formatTokens(run.tokens)} tokens`;
    this.item.tooltip = `${run.runName}: ${run.state}\n${run.done} of ${run.total} dialogues, ${run.accepted} accepted, ${run.rejected} rejected, ${run.inFlight} in flight\n${run.tokens.toLocaleString('en-US')} tokens\nClick to show the live transcripts.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
