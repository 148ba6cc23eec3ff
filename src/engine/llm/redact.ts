/**
 * Keeps secrets (API keys, custom header values) out of error messages, logs and events.
 * Every string the LLM client lets out passes through a Redactor.
 */
export const REDACTED = '***';

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole. One- to three-character
    // values (e.g. a header set to "1") are not secrets worth hiding and would mangle all text.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // Bearer tokens echoed back by a server even when we do not know them.
    return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`);
  }
}
