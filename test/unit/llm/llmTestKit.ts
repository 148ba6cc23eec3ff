/** Shared set-up for the LLM client tests: a simulator (test double) plus a client pointed at it. */
import { LlmClient, type LlmClientOptions } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig, type LlmConfig, type LlmLimits } from '../../../src/engine/llm/config';
import type { LlmClientHooks } from '../../../src/engine/llm/clientEvents';
import type { OpenAITool } from '../../../src/engine/model/tool';
import { startLlmSimulator, type LlmSimulator, type LlmSimulatorOptions } from '../../support/llm-simulator/server';

/** A distinctive fake key: tests assert it never leaks into errors, logs or events. */
export const FAKE_KEY = 'sk-tfTEST-9f8e7d6c5b4a-DO-NOT-LEAK';

/** Fast limits for tests: short backoff so retries do not slow the suite. */
export const FAST_LIMITS: Partial<LlmLimits> = { backoffBaseMs: 5, backoffMaxMs: 50, requestTimeoutMs: 10_000, maxRetries: 3, concurrency: 8 };

export interface Kit {
  sim: LlmSimulator;
  client: LlmClient;
  config: LlmConfig;
  /** Every hook call, as [name, event]. */
  events: Array<[string, unknown]>;
  close(): Promise<void>;
}

export async function kit(simOptions: LlmSimulatorOptions = {}, limits: Partial<LlmLimits> = {}, extra: Partial<LlmConfig> = {}, clientOptions: LlmClientOptions = {}): Promise<Kit> {
  const sim = await startLlmSimulator(simOptions);
  const config: LlmConfig = { ...singleEndpointConfig({ baseURL: sim.url, apiKey: FAKE_KEY, model: 'sim-model' }, { ...FAST_LIMITS, ...limits }), ...extra };
  const events: Array<[string, unknown]> = [];
  const hooks: LlmClientHooks = {
    onRequest: (e) => events.push(['request', e]),
    onUsage: (e) => events.push(['usage', e]),
    onRetry: (e) => events.push(['retry', e]),
    onFallback: (e) => events.push(['fallback', e]),
    onRepair: (e) => events.push(['repair', e]),
  };
  const client = new LlmClient(config, { hooks, ...clientOptions });
  return { sim, client, config, events, close: () => sim.close() };
}

export const weatherTool: OpenAITool = {
  type: 'function',
  function: {
    name: 'get_current_weather',
    description: 'Get the current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};

export const flightTool: OpenAITool = {
  type: 'function',
  function: {
    name: 'search_flights',
    description: 'Search flights between two airports on a date.',
    parameters: {
      type: 'object',
      properties: { origin: { type: 'string', pattern: '^[A-Z]{3}$' }, destination: { type: 'string', pattern: '^[A-Z]{3}$' }, date: { type: 'string', format: 'date' }, passengers: { type: 'integer', minimum: 1, maximum: 9 } },
      required: ['origin', 'destination', 'date'],
    },
  },
};

/** Captures a rejection for assertions. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}
