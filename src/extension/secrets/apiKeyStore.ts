import * as vscode from 'vscode';
import type { Log } from '../common/log';

const PREFIX = 'toolflow.apiKey:';

/**
 * API keys live only in VS Code's SecretStorage, one per endpoint origin (`https://api.openai.com`).
 * A key is only ever handed out for the origin it was stored for, so a workspace setting that points
 * the endpoint elsewhere can never receive it.
 */
export class ApiKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {}

  async get(origin: string): Promise<string | undefined> {
    const key = await this.secrets.get(PREFIX + origin);
    if (key) this.log.addSecret(key);
    return key || undefined;
  }

  async set(origin: string, key: string): Promise<void> {
    this.log.addSecret(key);
    await this.secrets.store(PREFIX + origin, key);
    this.log.info(`API key stored in secret storage for ${origin}`);
  }

  async clear(origin: string): Promise<boolean> {
    const had = (await this.secrets.get(PREFIX + origin)) !== undefined;
    await this.secrets.delete(PREFIX + origin);
    this.log.info(`API key for ${origin} ${had ? 'removed from secret storage' : 'was not set'}`);
    return had;
  }
}
