/**
 * `toolflow sample graph.json --size n --count k --seed s [--strategy walk|random]`: tool subsets
 * by Algorithm 1 random walks (or uniformly, the "without graph" ablation).
 */
import path from 'node:path';
import { GraphFileError, loadGraph } from '../../engine/graph';
import { SamplingError, sampleTools, type SamplingStrategy } from '../../engine/sampling';
import { UserError, log, numberOption, parseOptionTable, writeJson, type CliCommand, type OptionTable } from '../cliSupport';

const USAGE = 'toolflow sample <graph.json> --size n --count k --seed s [--strategy walk|random] [--partial] [--json]';

const OPTIONS = {
  size: { type: 'string', short: 'n', value: 'N', description: 'tools in each sample', default: 'required', example: '--size 3' },
  count: { type: 'string', short: 'k', value: 'K', description: 'how many samples', default: '1', example: '--count 5' },
  seed: { type: 'string', short: 's', value: 'S', description: 'seed (a number or any text): the same seed gives the same samples', default: '0', example: '--seed 7' },
  strategy: { type: 'string', value: 'walk|random', description: 'random walk on the graph (paper Algorithm 1) or uniform (the ablation)', default: 'walk', example: '--strategy random' },
  partial: { type: 'boolean', description: 'allow samples smaller than --size when a tool\'s component is smaller (instead of restarting elsewhere)', example: '--partial' },
  json: { type: 'boolean', description: 'print {"samples": [[tool names]]} on stdout instead of one tab-separated line per sample', example: '--json' },
} as const satisfies OptionTable;

export const sampleCommand: CliCommand = {
  name: 'sample',
  summary: 'sample tool subsets from a tool graph (random walk, Algorithm 1) or uniformly',
  usage: USAGE,
  options: OPTIONS,
  args: '<graph.json>',
  examples: ['toolflow sample graph.json --size 3 --count 5 --seed 7 --json'],
  async run(argv, io) {
    const { values, positionals } = parseOptionTable(argv, OPTIONS, 'sample');
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
