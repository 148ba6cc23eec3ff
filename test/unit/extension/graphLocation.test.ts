import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { embeddingModelSpec, graphFileFor } from '../../../src/extension/graph/graphLocation';

test('the graph of a tool set is saved beside it', () => {
  assert.equal(graphFileFor(path.join('/w', '.toolflow', 'tools', 'mcp_tools.tools.json')), path.join('/w', '.toolflow', 'tools', 'mcp_tools.graph.json'));
  assert.equal(graphFileFor('/w/set.json'), '/w/set.graph.json');
});

test('"offline" and the embedded model name select the offline model; anything else is a model id or folder', () => {
  assert.deepEqual(embeddingModelSpec('offline', 'toolflow-glove-100d'), { model: 'toolflow-glove-100d', offline: true });
  assert.deepEqual(embeddingModelSpec(' toolflow-glove-100d ', 'toolflow-glove-100d'), { model: 'toolflow-glove-100d', offline: true });
  assert.deepEqual(embeddingModelSpec('Xenova/all-MiniLM-L6-v2', 'toolflow-glove-100d'), { model: 'Xenova/all-MiniLM-L6-v2', offline: false });
});
