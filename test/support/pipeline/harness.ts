/** Shared set-up for pipeline tests: a simulator-backed LLM client and temporary run folders. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlmClient } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig, type LlmLimits } from '../../../src/engine/llm/config';
import type { LlmSimulator } from '../llm-simulator/server';

/** A real LLM client on the simulator, with fast retries so fault tests stay quick. */
export function clientFor(sim: LlmSimulator, limits: Partial<LlmLimits> = {}, apiKey = ''): LlmClient {
  return new LlmClient(
    singleEndpointConfig({ baseURL: sim.url, apiKey, model: 'toolflow-simulator' }, { requestTimeoutMs: 5000, maxRetries: 2, backoffBaseMs: 5, backoffMaxMs: 20, concurrency: 16, ...limits }),
    { random: () => 0.5 },
  );
}

export function tmpRunDir(label = 'run'): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), `toolflow-${label}-`)), 'run');
}

export function readLines(dir: string): Array<Record<string, unknown>> {
  const text = fs.readFileSync(path.join(dir, 'dialogues.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
