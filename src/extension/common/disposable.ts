import * as vscode from 'vscode';

/** Base class of every long-lived service: owns its disposables and releases them in reverse order. */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers a disposable owned by this object; disposes it at once if this is already disposed. */
  protected _register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length > 0) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // Keep disposing the rest.
      }
    }
  }
}
