/** Tool-JSON completion (paper 3.4) against the LLM simulator: fills, markers, cache, review, faults. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { clientFor } from '../../support/pipeline/harness';
import { tool, weatherTool } from '../../support/pipeline/builders';
import { applyFills, completeTools, validateFills } from '../../../src/engine/pipeline/completion/completeTools';
import { CompletionCache } from '../../../src/engine/pipeline/completion/completionCache';
import { formatCompletionReview } from '../../../src/engine/pipeline/completion/completionReview';
import { findMissing } from '../../../src/engine/pipeline/completion/missingFields';
import type { Tool } from '../../../src/engine/model/tool';

let sim: LlmSimulator;
before(async () => {
  sim = await startLlmSimulator({ seed: 'completion' });
});
after(async () => {
  await sim.close();
});

const bare: Tool = { ...tool('track/parcel', { 'id/no': { type: 'string' }, carrier: { type: 'string', description: 'carrier name' } }, ['id/no']), description: '' };

describe('tool-JSON completion', () => {
  test('finds missing descriptions and return schemas, escaping pointers', () => {
    assert.deepEqual(findMissing(bare), ['/description', '/parameters/properties/id~1no/description', '/returns']);
    assert.deepEqual(findMissing(weatherTool), [], 'a documented tool needs nothing');
    const noReturnDocs = { ...weatherTool, returns: { type: 'object' as const, properties: { temperature: { type: 'number' as const } } } };
    assert.deepEqual(findMissing(noReturnDocs), ['/returns/properties/temperature/description']);
  });

  test('fills every missing field, marks them generated, and caches by model and tool', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-compl-')), 'cache.json');
    const cache = await CompletionCache.load(file);
    sim.resetStats();
    const r = await completeTools([bare, weatherTool], clientFor(sim), { modelName: 'sim', cache });
    await cache.save();
    assert.equal(sim.stats.bySchema['tool_completion'], 1, 'only the tool with gaps is sent');
    const t = r.tools[0]!;
    assert.ok(t.description.length > 0);
    assert.ok((t.parameters.properties['id/no']!.description ?? '').length > 0);
    assert.equal(t.parameters.properties.carrier!.description, 'carrier name', 'existing text is kept');
    assert.equal(typeof t.returns?.type, 'string');
    assert.deepEqual(t.generated, ['/description', '/parameters/properties/id~1no/description', '/returns']);
    assert.equal(r.tools[1], weatherTool);
    assert.deepEqual(findMissing(t).filter((p) => !p.startsWith('/returns/')), []);

    const again = await completeTools([bare], clientFor(sim), { modelName: 'sim', cache: await CompletionCache.load(file) });
    assert.equal(sim.stats.bySchema['tool_completion'], 1, 'second time from the cache file');
    assert.equal(again.completions[0]!.fromCache, true);
    assert.deepEqual(again.tools[0], t);
    await completeTools([bare], clientFor(sim), { modelName: 'other-model', cache: await CompletionCache.load(file) });
    assert.equal(sim.stats.bySchema['tool_completion'], 2, 'another model is another cache entry');

    // A tampered cache file is untrusted input: its entry is re-asked, never written through __proto__.
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Record<string, unknown> };
    for (const k of Object.keys(doc.entries)) doc.entries[k] = [{ pointer: '/__proto__/polluted', value: 'yes' }];
    fs.writeFileSync(file, JSON.stringify(doc));
    const before = sim.stats.bySchema['tool_completion'] ?? 0;
    const tampered = await completeTools([bare], clientFor(sim), { modelName: 'sim', cache: await CompletionCache.load(file) });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(tampered.completions[0]!.fromCache, false);
    assert.equal(sim.stats.bySchema['tool_completion'], before + 1, 'the bad entry is asked again');

    const review = formatCompletionReview([bare], r.completions);
    assert.match(review, /^--- track\/parcel/m);
    assert.match(review, /^@@ \/returns @@$/m);
    assert.match(review, /^\+ /m);
  });

  test('invalid fills are re-asked; a tool that never completes is kept as it was, with a diagnostic', async () => {
    sim.setFaults([{ fault: 'schema-violation', rate: 1, target: 'converter' }]);
    try {
      const r = await completeTools([bare], clientFor(sim), { modelName: 'sim' });
      assert.equal(r.tools[0], bare);
      assert.equal(r.diagnostics.length, 1);
      assert.equal(r.diagnostics[0]!.code, 'completion-failed');
      assert.match(r.diagnostics[0]!.message, /track\/parcel/);
    } finally {
      sim.setFaults([]);
    }
  });

  test('fill validation: unknown pointers, empty descriptions and non-schemas are named', () => {
    const r = validateFills({ fills: [{ pointer: '/nope', value: 'x' }, { pointer: '/description', value: ' ' }, { pointer: '/returns', value: 'a string' }] }, ['/description', '/returns']);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.ok(r.errors.some((e) => e.includes('/fills/0/pointer')));
      assert.ok(r.errors.some((e) => e.includes('/fills/1/value (/description)')));
      assert.ok(r.errors.some((e) => e.includes('/fills/2/value (/returns)')));
    }
    const t = applyFills(bare, [{ pointer: '/returns', value: { type: 'object', properties: {} } }]);
    assert.deepEqual(t.returns, { type: 'object', properties: {} });
    assert.equal(bare.returns, undefined, 'the original is not changed');
  });
});
