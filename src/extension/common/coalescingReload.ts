/**
 * Runs a reload so that calls made while one is in progress share it and cause exactly one more
 * pass after it (tree views refresh on every file-system event; bursts must not pile up reads).
 */
export class CoalescingReload {
  private running: Promise<void> | undefined;
  private queued = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
    private readonly after: () => void,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.queued = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.queued = false;
          await this.pass();
        } while (this.queued);
      } catch (e) {
        this.onError(e);
      } finally {
        this.running = undefined;
      }
      this.after();
    })();
    return this.running;
  }
}
