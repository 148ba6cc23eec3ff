/**
 * `toolflow calibrate <tools...> [--model M] [--target-degree D]`: similarity distribution of a
 * model on these tools and the threshold that gives the target mean degree.
 */
import path from 'node:path';
import { calibrateThreshold, defaultCacheDir, GENERIC_PARAMS, OFFLINE_MODEL } from '../../engine/graph';
import { log, numberOption, parseOptionTable, writeJson, type CliCommand, type OptionTable } from '../cliSupport';
import { asUserError, listOption, readTools } from './graphInput';

const USAGE = 'toolflow calibrate <tools.json...> [--model M] [--offline] [--target-degree D] [--sample N] [--seed S] [--ignore-generic] [--ignore-params a,b] [--cache-dir D] [--json]';

const OPTIONS = {
  model: { type: 'string', short: 'm', value: 'M', description: 'the embedding model to calibrate (Hugging Face id, local folder or toolflow-glove-100d)', default: 'Xenova/all-MiniLM-L6-v2; with --offline: toolflow-glove-100d', example: '--model Xenova/bge-small-en-v1.5' },
  offline: { type: 'boolean', description: 'never touch the network: the embedded offline model', example: '--offline' },
  'target-degree': { type: 'string', value: 'D', description: 'the mean tool degree the proposed threshold should give', default: '10', example: '--target-degree 8' },
  sample: { type: 'string', value: 'N', description: 'tools in the calibration sample (2 to 20000)', default: '1500', example: '--sample 3000' },
  seed: { type: 'string', value: 'S', description: 'seed of the sample', default: '1', example: '--seed 7' },
  'ignore-generic': { type: 'boolean', description: 'leave out generic parameters (API keys, paging, format, ...), as `toolflow graph --ignore-generic`', example: '--ignore-generic' },
  'ignore-params': { type: 'string', value: 'A,B', description: 'more parameter names to leave out, comma-separated', example: '--ignore-params id,name' },
  'cache-dir': { type: 'string', value: 'DIR', description: 'downloaded models and the embedding cache', default: 'TOOLFLOW_CACHE_DIR, else ~/.cache/toolflow', example: '--cache-dir .cache/toolflow' },
  json: { type: 'boolean', description: 'print the distribution and the proposal as JSON on stdout', example: '--json' },
} as const satisfies OptionTable;

export const calibrateCommand: CliCommand = {
  name: 'calibrate',
  summary: 'propose a graph threshold for a model (similarity distribution, tau for a target mean degree)',
  usage: USAGE,
  options: OPTIONS,
  args: '<tools.json...>',
  examples: ['toolflow calibrate my.tools.json --target-degree 10', 'toolflow calibrate my.tools.json --offline --json'],
  async run(argv, io) {
    const { values, positionals } = parseOptionTable(argv, OPTIONS, 'calibrate');
    const target = numberOption(values['target-degree'], 'target-degree', 10, 0.01);
    const sample = numberOption(values.sample, 'sample', 1500, 2, 20000);
    const ignoreParams = [...(values['ignore-generic'] ? GENERIC_PARAMS : []), ...(listOption(values['ignore-params']) ?? [])];
    const model = values.model ?? (values.offline ? OFFLINE_MODEL : undefined);
    const toolSet = await readTools(positionals, io, USAGE);
    const cacheDir = values['cache-dir'] ? path.resolve(io.cwd, values['cache-dir']) : defaultCacheDir(io.env);
    let r;
    try {
      r = await calibrateThreshold(toolSet, {
        ...(model ? { model } : {}),
        ...(values.offline ? { offline: true } : {}),
        cacheDir,
        cwd: io.cwd,
        targetMeanDegree: target,
        sampleSize: Math.floor(sample),
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
        ...(ignoreParams.length ? { ignoreParams } : {}),
        signal: io.signal,
      });
    } catch (e) {
      throw asUserError(e);
    }
    log(io, `model ${r.model}: ${r.sampledTools} of ${r.tools} tools sampled; tool-pair best similarity p50 ${r.quantiles.p50}, p90 ${r.quantiles.p90}, p99 ${r.quantiles.p99}, p99.9 ${r.quantiles.p999}`);
    for (const row of r.table) log(io, `  tau ${row.threshold.toFixed(2)}: mean degree ~${row.meanDegree}, isolated ${(row.isolatedShare * 100).toFixed(1)}%`);
    log(io, `proposed threshold for mean degree ${r.targetMeanDegree}: ${r.proposedThreshold} (estimated mean degree ${r.estimatedMeanDegree} without a degree cap; model default ${r.defaultThreshold})`);
    if (!r.reachable) log(io, `  the target is below what identical shared fields give at any τ: cap hubs with \`graph --max-degree ${Math.max(1, Math.round(r.targetMeanDegree))}\` or leave fields out (--ignore-params, --generic-share)`);
    if (values.json) writeJson(io, r);
    return 0;
  },
};
