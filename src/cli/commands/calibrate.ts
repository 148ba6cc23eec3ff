/**
 * `toolflow calibrate <tools...> [--model M] [--target-degree D]`: similarity distribution of a
 * model on these tools and the threshold that gives the target mean degree.
 */
import path from 'node:path';
import { calibrateThreshold, defaultCacheDir, GENERIC_PARAMS, OFFLINE_MODEL } from '../../engine/graph';
import { log, numberOption, parseCommandArgs, writeJson, type CliCommand } from '../cliSupport';
import { asUserError, listOption, readTools } from './graphInput';

const USAGE = 'toolflow calibrate <tools.json...> [--model M] [--offline] [--target-degree D] [--sample N] [--seed S] [--ignore-generic] [--ignore-params a,b] [--cache-dir D] [--json]';

export const calibrateCommand: CliCommand = {
  name: 'calibrate',
  summary: 'propose a graph threshold for a model (similarity distribution, tau for a target mean degree)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        model: { type: 'string', short: 'm' },
        offline: { type: 'boolean' },
        'target-degree': { type: 'string' },
        sample: { type: 'string' },
        seed: { type: 'string' },
        'ignore-generic': { type: 'boolean' },
        'ignore-params': { type: 'string' },
        'cache-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
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
