import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointOrigin, isLocalOrigin, parseSettings, SettingsError } from '../../../src/extension/settings/settingsModel';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('settings model', () => {
  test('defaults give the OpenAI endpoint and the default model for every role', () => {
    const s = parseSettings(reader({}));
    assert.equal(s.baseUrl, 'https://api.openai.com/v1');
    assert.equal(s.origin, 'https://api.openai.com');
    assert.equal(s.models.planner, 'gpt-4o-mini');
    assert.equal(s.models.tool, 'gpt-4o-mini');
    assert.equal(s.threshold, undefined, 'no threshold: the model default applies');
    assert.equal(parseSettings(reader({ 'graph.threshold': 0.7 })).threshold, 0.7);
    assert.throws(() => parseSettings(reader({ 'graph.threshold': 1.5 })), /toolflow\.graph\.threshold/);
  });

  test('a role model overrides the default model for that role only', () => {
    const s = parseSettings(reader({ model: 'llama3.1', 'models.planner': 'gpt-4o', 'endpoint.baseUrl': 'http://localhost:11434/v1' }));
    assert.equal(s.models.planner, 'gpt-4o');
    assert.equal(s.models.user, 'llama3.1');
    assert.equal(s.origin, 'http://localhost:11434');
  });

  test('a bad value names the setting and says what to use', () => {
    assert.throws(() => parseSettings(reader({ 'generation.concurrency': 0 })), (e: unknown) => e instanceof SettingsError && /toolflow\.generation\.concurrency/.test(e.message) && /from 1 to 256/.test(e.message));
    assert.throws(() => parseSettings(reader({ 'endpoint.baseUrl': 'localhost:11434' })), /toolflow\.endpoint\.baseUrl.*http/);
    assert.throws(() => parseSettings(reader({ 'generation.count': 2.5 })), /integer/);
  });

  test('the irrelevance rate: 0.1 by default, any share from 0 to 1, else an error naming the setting', () => {
    assert.equal(parseSettings(reader({})).irrelevanceRate, 0.1);
    assert.equal(parseSettings(reader({ 'generation.irrelevanceRate': 0 })).irrelevanceRate, 0);
    assert.throws(() => parseSettings(reader({ 'generation.irrelevanceRate': 1.5 })), /toolflow\.generation\.irrelevanceRate.*from 0 to 1/);
    assert.equal(parseSettings(reader({})).reviewCompletion, true, 'the completion review is on by default');
    assert.equal(parseSettings(reader({ 'generation.reviewCompletion': false })).reviewCompletion, false);
    assert.throws(() => parseSettings(reader({ 'generation.reviewCompletion': 'no' })), /toolflow\.generation\.reviewCompletion.*true or false/);
  });

  test('credentials inside the endpoint URL are refused (keys belong in secret storage)', () => {
    assert.throws(() => endpointOrigin('https://user:sk-secret@api.example.com/v1'), /Set API Key/);
  });

  test('keys are per origin: path and trailing parts do not change the origin, host and port do', () => {
    assert.equal(endpointOrigin('https://api.openai.com/v1/'), endpointOrigin('https://api.openai.com/other'));
    assert.notEqual(endpointOrigin('http://127.0.0.1:8000/v1'), endpointOrigin('http://127.0.0.1:8001/v1'));
  });

  test('local servers are recognised (no key prompt); remote ones are not', () => {
    for (const o of ['http://localhost:11434', 'http://127.0.0.1:8000', 'http://[::1]:1234', 'http://ollama.localhost']) assert.ok(isLocalOrigin(o), o);
    for (const o of ['https://api.openai.com', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'not a url']) assert.ok(!isLocalOrigin(o), o);
  });
});
