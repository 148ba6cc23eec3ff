/** The API key never appears in errors, events or logs, whatever goes wrong. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmClient } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig } from '../../../src/engine/llm/config';
import { FAKE_KEY, kit } from './llmTestKit';

test('the API key never appears in any error message, event or log line', async () => {
  // The simulator demands a different key, and (like real servers) echoes the key it got in its 401 message.
  const wrongKey = await kit({ apiKey: 'the-expected-key-123' });
  const faulty = await kit(
    { faults: [{ fault: 'server-error', requests: [1] }, { fault: 'hang', requests: [2, 3] }, { fault: 'schema-violation', target: 'structured', rate: 1 }, { fault: 'rate-limit', requests: [4] }] },
    { requestTimeoutMs: 100, maxRetries: 1 },
  );
  const texts: string[] = [];
  const logLines: string[] = [];
  const origError = console.error;
  const origWarn = console.warn;
  const origLog = console.log;
  console.error = console.warn = console.log = (...a: unknown[]) => logLines.push(a.map(String).join(' '));
  try {
    for (const k of [wrongKey, faulty]) {
      for (const run of [
        () => k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: 'hi' }] }),
        () => k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: 'hi again' }], stream: true }),
        () => k.client.structured({ role: 'planner', messages: [{ role: 'user', content: 'x' }], schemaName: 'structured', schema: { type: 'object', required: ['a'] }, validate: () => ({ ok: false, errors: ['no'] }) }),
      ]) {
        try {
          await run();
        } catch (e) {
          texts.push(String(e), e instanceof Error ? `${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}` : '');
        }
      }
      texts.push(JSON.stringify(k.events));
    }
    // A header value is a secret too.
    const withHeader = new LlmClient(singleEndpointConfig({ baseURL: 'http://127.0.0.1:9/v1', apiKey: '', model: 'm', headers: { 'api-key': 'azure-secret-header-777' } }, { maxRetries: 0 }));
    try {
      await withHeader.chat({ role: 'user', messages: [{ role: 'user', content: 'hi' }] });
    } catch (e) {
      texts.push(String(e));
    }
    texts.push(withHeader.redact('echo azure-secret-header-777'));
  } finally {
    console.error = origError;
    console.warn = origWarn;
    console.log = origLog;
    await wrongKey.close();
    await faulty.close();
  }
  // The key was really used (so there was something to leak) ...
  assert.equal(wrongKey.sim.stats.lastAuthorization, `Bearer ${FAKE_KEY}`);
  // ... errors of every kind happened ...
  const all = texts.join('\n') + logLines.join('\n');
  for (const code of ['auth', 'retries-exhausted', 'invalid-output']) assert.match(all, new RegExp(code === 'auth' ? 'HTTP 401' : code === 'retries-exhausted' ? 'failed 2 times' : 'unusable'));
  // ... the server's echo of the key was redacted rather than dropped ...
  assert.match(all, /Incorrect API key provided: Bearer \*\*\*/);
  // ... and the key is nowhere.
  assert.ok(!all.includes(FAKE_KEY), 'the API key leaked');
  assert.ok(!all.includes(FAKE_KEY.slice(3, 20)), 'part of the API key leaked');
  assert.ok(!all.includes('azure-secret-header-777'), 'a header secret leaked');
});
