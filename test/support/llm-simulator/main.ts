/**
 * CLI of the LLM simulator (a TEST DOUBLE for an OpenAI-compatible server):
 *   node --import tsx test/support/llm-simulator/main.ts --port 0 [--latency-ms 100] [--seed S]
 *     [--fault-rate 0.1] [--fault-kinds rate-limit,server-error] [--fault-schedule 3:rate-limit,5:hang]
 *     [--retry-after 1] [--no-json-schema] [--no-json-mode] [--api-key KEY] [--ask-rate 0.15]
 * Prints one line `LLM simulator listening on http://127.0.0.1:PORT/v1` on stdout, runs until
 * SIGINT/SIGTERM, then prints its request statistics (and `cpuMs`, CPU used while serving) as one
 * JSON line on stderr.
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, parseFaultSchedule, type FaultKind, type FaultRule } from './faults';
import { startLlmSimulator } from './server';

function fail(message: string): never {
  process.stderr.write(`llm-simulator: ${message}\n`);
  process.exit(1);
}

function num(value: string | undefined, name: string, fallback: number, min = 0, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

async function run(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'latency-ms': { type: 'string' },
        seed: { type: 'string' },
        'fault-rate': { type: 'string' },
        'fault-kinds': { type: 'string' },
        'fault-schedule': { type: 'string' },
        'retry-after': { type: 'string' },
        'no-json-schema': { type: 'boolean', default: false },
        'no-json-mode': { type: 'boolean', default: false },
        'api-key': { type: 'string' },
        'ask-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (args.help) {
    process.stdout.write('usage: main.ts --port 0 [--latency-ms MS] [--seed S] [--fault-rate P] [--fault-kinds K,...] [--fault-schedule N:K,...] [--retry-after SECS] [--no-json-schema] [--no-json-mode] [--api-key KEY] [--ask-rate P]\n');
    return;
  }
  const retryAfterSeconds = num(args['retry-after'], 'retry-after', 1);
  const faults: FaultRule[] = [];
  try {
    if (args['fault-schedule']) faults.push(...parseFaultSchedule(args['fault-schedule']).map((r) => ({ ...r, retryAfterSeconds })));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const rate = num(args['fault-rate'], 'fault-rate', 0, 0, 1);
  if (rate > 0) {
    const kinds = (args['fault-kinds'] ?? 'rate-limit,server-error').split(',').map((k) => k.trim()).filter(Boolean);
    for (const k of kinds) if (!FAULT_KINDS.includes(k as FaultKind)) fail(`unknown fault kind "${k}"; use ${FAULT_KINDS.join(', ')}`);
    // The rate is shared out evenly over the kinds. Rules are tried in order, so rule i fires with
    // probability share / (1 - i·share) among the requests the earlier rules left alone.
    const share = rate / kinds.length;
    kinds.forEach((k, i) => faults.push({ fault: k as FaultKind, rate: share / Math.max(1e-9, 1 - i * share), retryAfterSeconds }));
  }
  const sim = await startLlmSimulator({
    port: num(args.port, 'port', 0, 0, 65535),
    host: args.host,
    latencyMs: num(args['latency-ms'], 'latency-ms', 0),
    seed: args.seed ?? 'toolflow',
    supportsJsonSchema: !args['no-json-schema'],
    supportsJsonMode: !args['no-json-mode'],
    askRate: num(args['ask-rate'], 'ask-rate', 0.15, 0, 1),
    faults,
    ...(args['api-key'] ? { apiKey: args['api-key'] } : {}),
  });
  const startupCpu = process.cpuUsage();
  process.stdout.write(`LLM simulator listening on ${sim.url}\n`);
  const stop = () => {
    const s = sim.stats;
    // CPU while serving (start-up, mostly compiling TypeScript, excluded).
    const cpu = process.cpuUsage(startupCpu);
    process.stderr.write(JSON.stringify({ requests: s.requests, maxInFlight: s.maxInFlight, byKind: s.byKind, bySchema: s.bySchema, faults: s.faults, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }) + '\n');
    sim.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

run().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
