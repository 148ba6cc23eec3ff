/**
 * `toolflow ablation`: the paper's Table 1/2 ablation in one command. Generates the four settings
 * (graph sampling on/off x planning on/off) on the same tools with the same count and seed into
 * DIR/graph-plan, DIR/graph-noplan, DIR/nograph-plan, DIR/nograph-noplan (the tool graph is built
 * once and shared), then writes the side-by-side quality report DIR/ablation-report.html. Rerunning
 * the command resumes unfinished runs and recomputes the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError, log, parseOptionTable, type CliCommand, type OptionTable } from '../cliSupport';
import { generateCommand, OPTIONS as GENERATE_OPTIONS } from './generate';
import { reportCommand } from './report';

const USAGE =
  'toolflow ablation --tools tools.json --count N --out DIR [--seed S] [--graph graph.json] [--concurrency C] [--base-url URL] [--model M] ' +
  '[--api-key K] [--offline] [--tools-per-dialogue MIN-MAX] [--plan-steps MIN-MAX] [--max-turns T] [--no-complete] ' +
  '[--judge] [--judge-sample N|all] [--eval FILE|bfcl] [--nli-model M] [--no-nli] [--json]';

const OPTIONS = {
  tools: { type: 'string', value: 'FILE', description: 'the tool set all four runs sample from, written by `toolflow import`', default: 'required', example: '--tools my.tools.json' },
  count: { type: 'string', short: 'n', value: 'N', description: 'dialogues per setting', default: 'required', example: '--count 500' },
  out: { type: 'string', short: 'o', value: 'DIR', description: 'folder that receives the four runs and the comparison report (a rerun resumes unfinished runs)', default: 'required', example: '--out runs/ablation' },
  seed: { type: 'string', value: 'S', description: 'seed of tool sampling, the same for the four runs', default: '1', example: '--seed 7' },
  graph: { type: 'string', value: 'FILE', description: 'a tool graph from `toolflow graph` for the two graph settings', default: 'built once from the tools', example: '--graph graph.json' },
  concurrency: { type: 'string', short: 'c', value: 'C', description: 'LLM requests in flight at once', default: '4', example: '--concurrency 16' },
  'base-url': { type: 'string', value: 'URL', description: 'OpenAI-compatible endpoint for every role', default: 'OPENAI_BASE_URL, else https://api.openai.com/v1', example: '--base-url http://localhost:11434/v1' },
  model: { type: 'string', value: 'M', description: 'model for every role', default: 'TOOLFLOW_MODEL, else gpt-4o-mini', example: '--model qwen2.5:14b' },
  'api-key': { type: 'string', value: 'K', description: 'API key for the endpoint, never stored (prefer the environment)', default: 'OPENAI_API_KEY', example: '--api-key sk-...' },
  offline: { type: 'boolean', description: 'build the tool graph and the report\'s embeddings with the embedded offline model', example: '--offline' },
  'tools-per-dialogue': GENERATE_OPTIONS['tools-per-dialogue'],
  'plan-steps': GENERATE_OPTIONS['plan-steps'],
  'max-turns': GENERATE_OPTIONS['max-turns'],
  'no-complete': { type: 'boolean', description: 'skip the LLM completion of missing tool descriptions', example: '--no-complete' },
  judge: { type: 'boolean', description: 'score a sample of each run with the LLM judge in the report', example: '--judge' },
  'judge-sample': { type: 'string', value: 'N|all', description: 'dialogues per run the judge scores', default: '200', example: '--judge-sample 50' },
  eval: { type: 'string', value: 'FILE|bfcl', description: 'evaluation tool set for the leakage check', default: 'no leakage check', example: '--eval bfcl' },
  'nli-model': { type: 'string', value: 'M', description: 'NLI cross-encoder for EnR', default: 'Xenova/nli-deberta-v3-xsmall', example: '--nli-model ./models/nli' },
  'no-nli': { type: 'boolean', description: 'skip EnR in the report', example: '--no-nli' },
  json: { type: 'boolean', description: 'print the comparison as one JSON object on stdout', example: '--json' },
} as const satisfies OptionTable;

/** The four settings of Table 1, in the paper's order. */
export const ABLATION_SETTINGS = [
  { name: 'graph-plan', graph: true, plan: true },
  { name: 'graph-noplan', graph: true, plan: false },
  { name: 'nograph-plan', graph: false, plan: true },
  { name: 'nograph-noplan', graph: false, plan: false },
] as const;

export const ablationCommand: CliCommand = {
  name: 'ablation',
  summary: 'generate the four graph on/off x plan on/off settings (paper Table 1) and compare them in one report',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values: v } = parseOptionTable(argv, OPTIONS, 'ablation', false);
    if (!v.tools) throw new UserError('--tools FILE is required (the tool set written by `toolflow import`)', `usage: ${USAGE}`);
    if (!v.count) throw new UserError('--count N is required: dialogues per setting', `usage: ${USAGE}`);
    if (!v.out) throw new UserError('--out DIR is required: the folder that receives the four runs and the report', `usage: ${USAGE}`);
    const out = path.resolve(io.cwd, v.out);
    const pass = (names: readonly (keyof typeof OPTIONS)[]) =>
      names.flatMap((k) => {
        const value = v[k];
        if (value === undefined || value === false) return [];
        return value === true ? [`--${k}`] : [`--${k}`, String(value)];
      });
    const generateArgs = [...pass(['count', 'seed', 'concurrency', 'base-url', 'model', 'api-key', 'offline', 'tools-per-dialogue', 'plan-steps', 'max-turns', 'no-complete']), '--tools', path.resolve(io.cwd, v.tools)];
    let graphFile = v.graph ? path.resolve(io.cwd, v.graph) : undefined;
    const dirs: string[] = [];
    for (const s of ABLATION_SETTINGS) {
      const dir = path.join(out, s.name);
      dirs.push(dir);
      const resume = fs.existsSync(path.join(dir, 'dialogues.jsonl')) && fs.statSync(path.join(dir, 'dialogues.jsonl')).size > 0;
      const args = resume
        ? ['--out', dir, '--resume', ...pass(['concurrency', 'base-url', 'model', 'api-key', 'offline'])]
        : [...generateArgs, '--out', dir, ...(s.graph ? (graphFile ? ['--graph', graphFile] : []) : ['--no-graph']), ...(s.plan ? [] : ['--no-plan'])];
      log(io, `== ${s.name}: graph ${s.graph ? 'on' : 'off'}, plan ${s.plan ? 'on' : 'off'}${resume ? ' (resuming)' : ''}`);
      const code = await generateCommand.run(args, { ...io, stdout: io.stderr });
      if (code !== 0) {
        log(io, `${s.name} stopped (exit ${code}); run the same command again to resume it`);
        return code;
      }
      // The graph built for the first graph setting serves the second.
      if (s.graph && !graphFile && fs.existsSync(path.join(dir, 'graph.json'))) graphFile = path.join(dir, 'graph.json');
    }
    log(io, '== quality report');
    const reportArgs = [...dirs, '-o', path.join(out, 'ablation-report.html'), ...pass(['offline', 'judge', 'judge-sample', 'eval', 'nli-model', 'no-nli', 'json', 'seed', 'base-url', 'api-key'])];
    return reportCommand.run(reportArgs, io);
  },
};
