/** Turns anything thrown into a one-line message for the user (no stack traces in notifications). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}

/** True when `e` comes from an aborted AbortSignal / cancelled operation. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: unknown }).code === 'aborted');
}
