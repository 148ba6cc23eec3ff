import { test } from 'node:test';
import assert from 'node:assert/strict';
import Graph from 'graphology';
import { graphWalkSampler, uniformSampler } from '../../../src/engine/pipeline/sampler';
import { sampleDialogueTools } from '../../../src/engine/pipeline/runner';
import { tool } from '../../support/pipeline/builders';

const tools = Array.from({ length: 12 }, (_, i) => tool(`t${i}`, { x: { type: 'string', description: 'x' } }));

/** Two components: a chain t0..t7 and a triangle t8,t9,t10; t11 isolated. */
function graph(): Graph {
  const g = new Graph({ type: 'undirected' });
  for (const t of tools) g.addNode(t.name);
  for (let i = 0; i < 7; i++) g.addEdge(`t${i}`, `t${i + 1}`);
  g.addEdge('t8', 't9');
  g.addEdge('t9', 't10');
  g.addEdge('t8', 't10');
  return g;
}

test('graph walk: connected samples of the requested size, the same for the same seed', async () => {
  const g = graph();
  const s = graphWalkSampler(g, tools);
  const opts = { seed: 5, toolsPerDialogue: { min: 3, max: 4 } };
  for (let i = 0; i < 30; i++) {
    const a = (await sampleDialogueTools(s, opts, i)).map((t) => t.name);
    const b = (await sampleDialogueTools(graphWalkSampler(g, tools), opts, i)).map((t) => t.name);
    assert.deepEqual(a, b);
    assert.ok(a.length >= 3 && a.length <= 4);
    assert.equal(new Set(a).size, a.length);
    // connected: every tool but the first has a neighbour among the others
    for (const n of a) assert.ok(a.length === 1 || a.some((m) => m !== n && g.hasEdge(n, m)), `${a.join(',')} is not connected`);
    assert.ok(!a.includes('t11'), 'an isolated tool cannot be in a walk of 3');
  }
});

test('graph walk falls back to a whole small component instead of failing', async () => {
  const g = new Graph({ type: 'undirected' });
  g.addNode('t0');
  g.addNode('t1');
  g.addEdge('t0', 't1');
  const s = graphWalkSampler(g, tools.slice(0, 2));
  const got = await s.sample({ index: 0, seed: 1, size: 4 });
  assert.deepEqual(got.map((t) => t.name).sort(), ['t0', 't1']);
});

test('a graph with tools outside the tool set is refused', () => {
  assert.throws(() => graphWalkSampler(graph(), tools.slice(0, 5)), /not in the tool set/);
});

test('uniform sampling: distinct tools, deterministic per seed, different across seeds', async () => {
  const s = uniformSampler(tools);
  const a = await s.sample({ index: 0, seed: 1, size: 5 });
  assert.equal(new Set(a.map((t) => t.name)).size, 5);
  assert.deepEqual(a, await s.sample({ index: 0, seed: 1, size: 5 }));
  assert.notDeepEqual(a, await s.sample({ index: 0, seed: 2, size: 5 }));
});
