/**
 * The graph file, format version 2 (columns) against version 1 (graphology's `export()` as JSON,
 * what ToolFlow wrote before) on the same graph, back to back in one process:
 *
 *   node --import tsx bench/graph-file.ts --graph path/to/x.graph.json [--runs 2]
 *
 * (e.g. all of ToolBench: `toolflow graph toolenv_all.jsonl.gz --offline -o tb.graph.json`).
 * Prints per format: file size, write time, and the readers: the graph view host's read of the
 * columns (`readGraphData`), the graphology graph the CLI and the sampler use (`loadGraph`; version 1:
 * `JSON.parse` + `graph.import`, as the old reader did), and the load average.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Graph from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { readGraphData, saveGraphData, type ToolGraph } from '../src/engine/graph';

const { values } = parseArgs({ options: { graph: { type: 'string' }, runs: { type: 'string' } } });
if (!values.graph) {
  console.error('usage: bench/graph-file.ts --graph <x.graph.json> (format version 2)');
  process.exit(1);
}
const ms = (t: number) => Math.round(performance.now() - t);
const mb = (f: string) => (fs.statSync(f).size / 1e6).toFixed(1);

/** Version 1 as the old writer streamed it: one JSON entry per node and per edge. */
async function writeV1(graph: ToolGraph, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`{"options":${JSON.stringify({ type: graph.type, multi: graph.multi, allowSelfLoops: graph.allowSelfLoops })},"attributes":${JSON.stringify({ ...graph.getAttributes(), version: 1 })},"nodes":[`);
  let first = true;
  for (const { node, attributes } of graph.nodeEntries()) {
    await write((first ? '' : ',') + JSON.stringify({ key: node, attributes }));
    first = false;
  }
  await write('],"edges":[');
  first = true;
  for (const { edge, attributes, source, target } of graph.edgeEntries()) {
    await write((first ? '' : ',') + JSON.stringify({ key: edge, source, target, attributes }));
    first = false;
  }
  await write(']}');
  await new Promise<void>((r) => out.end(() => r()));
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-graph-file-'));
  const source = path.resolve(values.graph!);
  const data = await readGraphData(source);
  const graph = data.toGraphology();
  const v1 = path.join(work, 'v1.graph.json');
  const v2 = path.join(work, 'v2.graph.json');
  console.log(`graph             ${graph.order} tools, ${graph.size} edges`);
  for (let run = 0; run < Number(values.runs ?? 2); run++) {
    let t = performance.now();
    await writeV1(graph, v1);
    const w1 = ms(t);
    t = performance.now();
    await saveGraphData(data, v2);
    const w2 = ms(t);
    t = performance.now();
    const doc = JSON.parse(fs.readFileSync(v1, 'utf8')) as SerializedGraph;
    const p1 = ms(t);
    t = performance.now();
    const g1 = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
    g1.import(doc);
    const i1 = ms(t);
    const v1Size = [g1.order, g1.size];
    g1.clear(); // the version-2 readers below must not pay for the version-1 graph's garbage
    t = performance.now();
    const d2 = await readGraphData(v2);
    const r2 = ms(t);
    t = performance.now();
    const g2 = d2.toGraphology();
    const i2 = ms(t);
    if (v1Size[1] !== g2.size || v1Size[0] !== g2.order) throw new Error('the two files do not hold the same graph');
    console.log(`run ${run + 1}`);
    console.log(`  version 1       ${mb(v1)} MB; write ${w1} ms; read + JSON.parse ${p1} ms, graph.import ${i1} ms: graphology graph in ${p1 + i1} ms`);
    console.log(`  version 2       ${mb(v2)} MB; write ${w2} ms; read + check the columns (graph view host) ${r2} ms, + graphology graph (loadGraph) ${i2} ms: ${r2 + i2} ms`);
    console.log(`  load average    ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
  }
  console.log(`peak RSS          ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
