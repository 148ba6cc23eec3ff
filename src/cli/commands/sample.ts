/**
 * `toolflow sample graph.json --size n --count k --seed s [--strategy walk|random]`: tool subsets
 * by Algorithm 1 random walks (or uniformly, the "without graph" ablation).
 */
import path from 'node:path';
import { GraphFileError, loadGraph } from '../../engine/graph';
import { SamplingError, sampleTools, type SamplingStrategy } from '../../engine/sampling';
import { UserError, log, numberOption, parseCommandArgs, writeJson, type CliCommand } from '../cliSupport';

const USAGE = 'toolflow sample <graph.json> --size n --count k --seed s [--strategy walk|random] [--partial] [--json]';

export const sampleCommand: CliCommand = {
  name: 'sample',
  summary: 'sample tool subsets from a tool graph (random walk, Algorithm 1) or uniformly',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        size: { type: 'string', short: 'n' },
        count: { type: 'string', short: 'k' },
        seed: { type: 'string', short: 's' },
        strategy: { type: 'string' },
        partial: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (positionals.length !== 1) throw new UserError('name exactly one graph file (written by `toolflow graph -o graph.json`)', `usage: ${USAGE}`);
    if (values.size === undefined) throw new UserError('missing --size n: how many tools per sample', `usage: ${USAGE}`);
    const size = numberOption(values.size, 'size', 0, 1);
    const count = numberOption(values.count, 'count', 1, 0);
    if (!Number.isInteger(size) || !Number.isInteger(count)) throw new UserError('--size and --count must be whole numbers');
    const strategy = (values.strategy ?? 'walk') as SamplingStrategy;
    if (strategy !== 'walk' && strategy !== 'random') throw new UserError(`unknown --strategy "${values.strategy}"; use walk or random`);
    const seed = values.seed === undefined ? 0 : /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
    let graph;
    try {
      graph = await loadGraph(path.resolve(io.cwd, positionals[0]!));
    } catch (e) {
      if (e instanceof GraphFileError) throw new UserError(e.message.replace(path.resolve(io.cwd, positionals[0]!), positionals[0]!), e.hint);
      throw e;
    }
    let result;
    try {
      result = sampleTools(graph, { size, count, seed, strategy, ...(values.partial ? { onShort: 'partial' as const } : {}) });
    } catch (e) {
      if (e instanceof SamplingError) throw new UserError(e.message, e.hint);
      throw e;
    }
    log(io, `${result.samples.length} sample${result.samples.length === 1 ? '' : 's'} of ${size} tools (${strategy}, seed ${String(seed)})${result.short ? `; ${result.short} smaller than ${size}` : ''}`);
    if (values.json) writeJson(io, { samples: result.samples });
    else for (const s of result.samples) io.stdout.write(s.join('\t') + '\n');
    return 0;
  },
};
