/** Per-role configuration from the environment and overrides. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmConfigError, OPENAI_DEFAULT_BASE_URL, OPENAI_DEFAULT_MODEL, resolveLlmConfig } from '../../../src/engine/llm/config';

describe('resolveLlmConfig', () => {
  test('shared variables configure every role; per-role variables override them', () => {
    const c = resolveLlmConfig({
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      OPENAI_API_KEY: 'shared-key-1',
      TOOLFLOW_MODEL: 'llama3.1:8b',
      TOOLFLOW_PLANNER_BASE_URL: 'https://api.openai.com/v1',
      TOOLFLOW_PLANNER_API_KEY: 'planner-key-2',
      TOOLFLOW_PLANNER_MODEL: 'gpt-4o',
      TOOLFLOW_TOOL_TEMPERATURE: '0.2',
    });
    assert.deepEqual(c.roles.planner, { baseURL: 'https://api.openai.com/v1', apiKey: 'planner-key-2', model: 'gpt-4o' });
    assert.deepEqual(c.roles.user, { baseURL: 'http://localhost:11434/v1', apiKey: 'shared-key-1', model: 'llama3.1:8b' });
    assert.equal(c.roles.tool.temperature, 0.2);
    assert.equal(c.roles.assistant.temperature, undefined);
    assert.equal(c.limits.concurrency, 8);
  });

  test('overrides beat the environment; a key alone means OpenAI with its default model', () => {
    const c = resolveLlmConfig({ OPENAI_API_KEY: 'k-123456' }, { roles: { judge: { model: 'gpt-4.1' } }, limits: { concurrency: 32, requestTimeoutMs: 5000 } });
    assert.equal(c.roles.user.baseURL, OPENAI_DEFAULT_BASE_URL);
    assert.equal(c.roles.user.model, OPENAI_DEFAULT_MODEL);
    assert.equal(c.roles.judge.model, 'gpt-4.1');
    assert.equal(c.limits.concurrency, 32);
    const o = resolveLlmConfig({ OPENAI_BASE_URL: 'http://a:1/v1', TOOLFLOW_MODEL: 'env-model' }, { baseURL: 'http://b:2/v1', model: 'cli-model', apiKey: '' });
    assert.equal(o.roles.planner.baseURL, 'http://b:2/v1');
    assert.equal(o.roles.planner.model, 'cli-model');
    assert.equal(o.roles.planner.apiKey, '');
  });

  test('no endpoint: an error that says how to point at OpenAI or a local server', () => {
    assert.throws(
      () => resolveLlmConfig({}),
      (e: unknown) => e instanceof LlmConfigError && /no LLM endpoint configured/.test(e.message) && /OPENAI_API_KEY/.test(e.hint) && /Ollama/.test(e.hint) && /vLLM/.test(e.hint),
    );
  });

  test('a local server without a model name is an error naming TOOLFLOW_MODEL', () => {
    assert.throws(() => resolveLlmConfig({ OPENAI_BASE_URL: 'http://localhost:8000/v1' }), (e: unknown) => e instanceof LlmConfigError && /TOOLFLOW_MODEL/.test(e.hint));
  });

  test('malformed values are errors that name their source and never echo a key', () => {
    assert.throws(() => resolveLlmConfig({ OPENAI_BASE_URL: 'localhost:11434', TOOLFLOW_MODEL: 'm' }), /OPENAI_BASE_URL is not a URL|must be an http/);
    assert.throws(() => resolveLlmConfig({ OPENAI_BASE_URL: 'http://user:secretpw@host/v1', TOOLFLOW_MODEL: 'm' }), (e: unknown) => e instanceof Error && /credentials/.test(e.message) && !e.message.includes('secretpw'));
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_USER_TEMPERATURE: 'hot' }), /TOOLFLOW_USER_TEMPERATURE must be a number from 0 to 2/);
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456' }, { limits: { concurrency: 0 } }), /concurrency must be a positive number/);
  });

  test('limits, budget and prices from the environment; errors name the variable and pointer', () => {
    const c = resolveLlmConfig({
      OPENAI_API_KEY: 'k-123456',
      TOOLFLOW_MAX_RETRIES: '7',
      TOOLFLOW_REQUESTS_PER_MINUTE: '500',
      TOOLFLOW_BUDGET_USD: '2.5',
      TOOLFLOW_PRICES: '{"gpt-4o-mini": {"inputPerMillion": 0.15, "outputPerMillion": 0.6}}',
    }, { limits: { maxRetries: 3 } });
    assert.equal(c.limits.maxRetries, 3, 'overrides beat the environment');
    assert.equal(c.limits.requestsPerMinute, 500);
    assert.deepEqual(c.budget, { maxCostUsd: 2.5 });
    assert.deepEqual(c.prices, { 'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_PRICES: '{"m/x": {"inputPerMillion": 1}}' }), /TOOLFLOW_PRICES#\/m~1x\/outputPerMillion must be a number/);
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_PRICES: '{oops' }), /TOOLFLOW_PRICES is not JSON/);
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_BUDGET_USD: '1' }), (e: unknown) => e instanceof LlmConfigError && /price table/.test(e.message));
    assert.throws(() => resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_MAX_RETRIES: 'many' }), /TOOLFLOW_MAX_RETRIES must be a number/);
    assert.deepEqual(resolveLlmConfig({ OPENAI_API_KEY: 'k-123456', TOOLFLOW_BUDGET_TOKENS: '100000' }).budget, { maxTokens: 100000 });
  });
});
