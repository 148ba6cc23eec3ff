/**
 * Benchmark of the LLM client against the LLM simulator (a test double, run as its own process so
 * the two CPU figures are separate): N calls at a fixed simulated latency and concurrency C, half
 * assistant chats with tools, half structured tool results.
 *
 *   node --import tsx bench/llm-client.ts [--calls 2000] [--concurrency 32] [--latency-ms 100]
 *
 * Prints: wall time against the ideal bound (calls x latency / concurrency), client CPU per call
 * (user and system: on loopback the kernel's delivery to the simulator is charged to the writer's
 * system time), simulator CPU per request, and peak RSS of the client process.
 * `--transport fetch` measures Node's built-in fetch instead of the default node:http transport.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { singleEndpointConfig } from '../src/engine/llm/config';
import { LlmClient } from '../src/engine/llm/llmClient';
import type { JsonSchema } from '../src/engine/model/jsonSchema';
import type { OpenAITool } from '../src/engine/model/tool';

const repoRoot = path.resolve(__dirname, '..');
const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '32' }, 'latency-ms': { type: 'string', default: '100' }, transport: { type: 'string', default: 'node-http' } } });
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values['latency-ms']);

interface McpTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
}
const mcp = fs
  .readFileSync(path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'mcp', 'mcp_tools.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as McpTool);
const tools: OpenAITool[] = mcp.slice(0, 40).map((t) => ({ type: 'function', function: { name: t.name, description: t.description ?? '', parameters: { type: 'object', properties: {}, ...t.inputSchema } as OpenAITool['function']['parameters'] } }));
const withOutput = mcp.filter((t) => t.outputSchema);

async function startSimulator(): Promise<{ url: string; stop: () => Promise<{ cpuMs: number; requests: number; maxInFlight: number }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'support', 'llm-simulator', 'main.ts'), '--port', '0', '--latency-ms', String(latencyMs), '--ask-rate', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`simulator exited: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /listening on (\S+)/.exec(out)![1]!;
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(JSON.parse(err.trim().split('\n').pop()!) as { cpuMs: number; requests: number; maxInFlight: number }));
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const sim = await startSimulator();
  const client = new LlmClient(singleEndpointConfig({ baseURL: sim.url, apiKey: 'sk-bench', model: 'sim' }, { concurrency, requestTimeoutMs: 30_000 }), { transport: values.transport === 'fetch' ? 'fetch' : 'node-http' });
  // Warm-up (JIT, connection pool) outside the measurement.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client.chat({ role: 'user', messages: [{ role: 'user', content: `warm ${i}` }] })));

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let failures = 0;
  const worker = async () => {
    for (let i = next++; i < calls; i = next++) {
      try {
        if (i % 2 === 0) {
          await client.chat({ role: 'assistant', tools: tools.slice(i % 30, (i % 30) + 5), messages: [{ role: 'system', content: 'You are helpful.' }, { role: 'user', content: `Could you ${tools[(i % 30) + 2]!.function.description.slice(0, 80)} (${i})?` }] });
        } else {
          const t = withOutput[i % withOutput.length]!;
          const schema: JsonSchema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, result: t.outputSchema!, error: { type: 'string' } } };
          await client.structured({ role: 'tool', schemaName: 'tool_result', schema, validate: (v) => ({ ok: true, value: v }), messages: [{ role: 'system', content: 'You simulate an API.' }, { role: 'user', content: `Call: ${t.name}\n{"path": "/tmp/${i}"}\nSimulate error: no` }] });
        }
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const simStats = await sim.stop();
  const ideal = (calls * latencyMs) / concurrency;
  const clientCpuMs = (cpu.user + cpu.system) / 1000;
  const lines = [
    `LLM client benchmark (${values.transport} transport): ${calls} calls, concurrency ${concurrency}, simulated latency ${latencyMs} ms, ${failures} failures`,
    `wall time            ${(wallMs / 1000).toFixed(2)} s (ideal bound ${(ideal / 1000).toFixed(2)} s, efficiency ${((100 * ideal) / wallMs).toFixed(1)} %)`,
    `client CPU per call  ${(clientCpuMs / calls).toFixed(3)} ms (user ${(cpu.user / 1000 / calls).toFixed(3)} ms + system ${(cpu.system / 1000 / calls).toFixed(3)} ms; total ${clientCpuMs.toFixed(0)} ms)`,
    `simulator CPU / req  ${(simStats.cpuMs / simStats.requests).toFixed(3)} ms (${simStats.cpuMs} ms while serving ${simStats.requests} requests incl. warm-up, max in flight ${simStats.maxInFlight})`,
    `client peak RSS      ${(peakRss / 1024 / 1024).toFixed(1)} MB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
