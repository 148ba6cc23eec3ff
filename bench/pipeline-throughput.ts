/**
 * Throughput benchmark of the generation pipeline against the LLM simulator (a test double, run as
 * its own process so its CPU is not counted): D dialogues at a fixed simulated latency per call and
 * dialogue concurrency C, over 40 real MCP tools, uniform sampling, with plans.
 *
 *   node --import tsx bench/pipeline-throughput.ts [--dialogues 500,2000] [--concurrency 32] [--latency-ms 100]
 *
 * Each dialogue count runs in a fresh child process. Prints per count: wall time against the ideal
 * bound (HTTP requests x latency / concurrency) and the efficiency, engine CPU per LLM request
 * (process CPU of the engine process during the run; the simulator is elsewhere), and peak RSS /
 * heap, so 500 vs 2,000 shows whether memory stays flat.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importPaths } from '../src/engine/import';
import { singleEndpointConfig } from '../src/engine/llm/config';
import { LlmClient } from '../src/engine/llm/llmClient';
import { startRun } from '../src/engine/pipeline/runner';

const repoRoot = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    dialogues: { type: 'string', default: '500,2000' },
    concurrency: { type: 'string', default: '32' },
    'latency-ms': { type: 'string', default: '100' },
    child: { type: 'string' },
    url: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const latencyMs = Number(values['latency-ms']);

interface ChildResult {
  dialogues: number;
  accepted: number;
  requests: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** Mean time a request holds a client slot: simulated latency + HTTP + SDK work + scheduling delays on this machine. */
  meanLatencyMs: number;
  /** Heap still in use after the run and a full GC: what the run retained. */
  retainedHeapMb: number;
  baselineHeapMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function child(count: number, url: string): Promise<void> {
  const imported = await importPaths([path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'mcp', 'mcp_tools.jsonl')]);
  const tools = imported.toolSet.tools.slice(0, 40);
  let requests = 0;
  let latencySumMs = 0;
  let latencyCount = 0;
  const model = new LlmClient(singleEndpointConfig({ baseURL: url, apiKey: '', model: 'toolflow-simulator' }, { concurrency, requestTimeoutMs: 30_000 }), {
    hooks: {
      onRequest: () => void requests++,
      onUsage: (e) => {
        latencySumMs += e.latencyMs;
        latencyCount++;
      },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-'));
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  gc?.();
  const baselineHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(sample, 250);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await startRun({ dir: path.join(dir, 'run'), tools, model, options: { count, seed: 1, concurrency } });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  gc?.();
  const retainedHeap = process.memoryUsage().heapUsed;
  fs.rmSync(dir, { recursive: true, force: true });
  const out: ChildResult = { dialogues: r.counts.done, accepted: r.counts.accepted, requests, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20, retainedHeapMb: retainedHeap / 2 ** 20, baselineHeapMb: baselineHeap / 2 ** 20, meanLatencyMs: latencySumMs / Math.max(1, latencyCount) };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function spawnTsx(args: string[], nodeFlags: string[] = []) {
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function parent(): Promise<void> {
  const sim = spawnTsx([path.join('test', 'support', 'llm-simulator', 'main.ts'), '--port', '0', '--latency-ms', String(latencyMs), '--seed', 'bench']);
  let simOut = '';
  let simErr = '';
  sim.stdout.on('data', (d: Buffer) => (simOut += d.toString()));
  sim.stderr.on('data', (d: Buffer) => (simErr += d.toString()));
  while (!simOut.includes('\n')) {
    if (sim.exitCode !== null) throw new Error(`simulator exited: ${simErr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /listening on (\S+)/.exec(simOut)![1]!;
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(`pipeline throughput: simulator ${url} (separate process), latency ${latencyMs} ms per call, dialogue concurrency ${concurrency}, 40 MCP tools, plans on`);
  const results: ChildResult[] = [];
  for (const count of values.dialogues!.split(',').map(Number)) {
    const c = spawnTsx([path.join('bench', 'pipeline-throughput.ts'), '--child', String(count), '--url', url, '--concurrency', String(concurrency), '--latency-ms', String(latencyMs)], ['--expose-gc']);
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => c.on('exit', r));
    if (code !== 0) throw new Error(`child for ${count} dialogues failed: ${err}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
    results.push(r);
    const ideal = (r.requests * latencyMs) / concurrency;
    const observedIdeal = (r.requests * r.meanLatencyMs) / concurrency;
    console.log(
      `${String(r.dialogues).padStart(5)} dialogues (${r.accepted} accepted): ${r.requests} LLM requests; wall ${(r.wallMs / 1000).toFixed(2)} s vs ideal ${(ideal / 1000).toFixed(2)} s ` +
        `→ efficiency ${((100 * ideal) / r.wallMs).toFixed(1)} %; engine CPU ${(r.cpuMs / 1000).toFixed(2)} s = ${(r.cpuMs / r.requests).toFixed(3)} ms per request; ` +
        `mean slot time per request ${r.meanLatencyMs.toFixed(1)} ms (bound at that time ${(observedIdeal / 1000).toFixed(2)} s → ${((100 * observedIdeal) / r.wallMs).toFixed(1)} %); ` +
        `peak RSS ${r.peakRssMb.toFixed(0)} MB, peak heap ${r.peakHeapMb.toFixed(0)} MB, heap after run + GC ${r.retainedHeapMb.toFixed(1)} MB (before ${r.baselineHeapMb.toFixed(1)} MB)`,
    );
  }
  sim.kill('SIGINT');
  await new Promise((r) => sim.on('exit', r));
  const stats = JSON.parse(simErr.trim().split('\n').pop() ?? '{}') as { requests?: number; cpuMs?: number; maxInFlight?: number };
  console.log(`simulator: ${stats.requests} requests, max in flight ${stats.maxInFlight}, CPU ${stats.cpuMs} ms (${((stats.cpuMs ?? 0) / Math.max(1, stats.requests ?? 1)).toFixed(3)} ms per request, not counted above)`);
  if (results.length >= 2) {
    const [a, b] = [results[0]!, results[results.length - 1]!];
    console.log(`memory ${a.dialogues} → ${b.dialogues} dialogues: peak RSS ${a.peakRssMb.toFixed(0)} → ${b.peakRssMb.toFixed(0)} MB (×${(b.peakRssMb / a.peakRssMb).toFixed(2)}), peak heap ${a.peakHeapMb.toFixed(0)} → ${b.peakHeapMb.toFixed(0)} MB (×${(b.peakHeapMb / a.peakHeapMb).toFixed(2)}), retained after GC ${a.retainedHeapMb.toFixed(1)} → ${b.retainedHeapMb.toFixed(1)} MB`);
  }
}

(values.child ? child(Number(values.child), values.url!) : parent()).catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
