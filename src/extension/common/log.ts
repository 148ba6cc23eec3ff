import * as vscode from 'vscode';

/**
 * The extension's LogOutputChannel ("ToolFlow"), with redaction: every secret registered through
 * `addSecret` is replaced by `***` before a line reaches the channel (defence in depth: the API
 * key is never passed to the log on purpose).
 */
export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('ToolFlow', { log: true });
  }

  addSecret(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }

  private redact(line: string): string {
    let out = line;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  info(line: string): void {
    this.channel.info(this.redact(line));
  }
  warn(line: string): void {
    this.channel.warn(this.redact(line));
  }
  error(line: string): void {
    this.channel.error(this.redact(line));
  }
  debug(line: string): void {
    this.channel.debug(this.redact(line));
  }

  dispose(): void {
    this.channel.dispose();
  }
}
