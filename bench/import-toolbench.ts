/**
 * Benchmark: import all of ToolBench (toolenv_all.jsonl.gz: 10,594 tools, 47,068 APIs) and write
 * the canonical set. Prints wall time, CPU time and peak memory (RSS high-water mark).
 * Goal: under 30 s and 1 GB. Run: node --import tsx bench/import-toolbench.ts [file]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPaths, writeToolSet } from '../src/engine/import';

const repoRoot = path.resolve(__dirname, '..');
const input = process.argv[2] ?? path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'toolbench', 'toolenv_all.jsonl.gz');

async function main(): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await importPaths([input]);
  const tImport = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-bench-'));
  const out = path.join(dir, 'toolbench.tools.json');
  await writeToolSet(out, result.toolSet);
  const tWrite = performance.now();
  const size = statSync(out).size;
  rmSync(dir, { recursive: true, force: true });
  const cpu = process.cpuUsage(cpu0);
  const s = result.summary;
  const peakMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  const lines = [
    `input            ${path.relative(process.cwd(), input)}`,
    `tools            ${s.tools} (+${s.duplicatesSkipped} identical repeats skipped = ${s.tools + s.duplicatesSkipped} APIs)`,
    `parameters       ${s.parameters}; return fields ${s.returnFields}; tools with returns ${s.toolsWithReturns}`,
    `diagnostics      ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos`,
    `import time      ${((tImport - t0) / 1000).toFixed(2)} s`,
    `write time       ${((tWrite - tImport) / 1000).toFixed(2)} s (${(size / 1024 / 1024).toFixed(1)} MiB *.tools.json)`,
    `total wall time  ${((tWrite - t0) / 1000).toFixed(2)} s (goal < 30 s)`,
    `CPU time         ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
    `peak RSS         ${peakMb.toFixed(0)} MiB (goal < 1024 MiB)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
