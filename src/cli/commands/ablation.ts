/**
 * `toolflow ablation`: the paper's Table 1/2 ablation in one command. Generates the four settings
 * (graph sampling on/off x planning on/off) on the same tools with the same count and seed into
 * DIR/graph-plan, DIR/graph-noplan, DIR/nograph-plan, DIR/nograph-noplan (the tool graph is built
 * once and shared), then writes the side-by-side quality report DIR/ablation-report.html. Rerunning
 * the command resumes unfinished runs and recomputes the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError, log, parseCommandArgs, type CliCommand } from '../cliSupport';
import { generateCommand } from './generate';
import { reportCommand } from './report';

const USAGE =
  'toolflow ablation --tools tools.json --count N --out DIR [--seed S] [--graph graph.json] [--concurrency C] [--base-url URL] [--model M] ' +
  '[--api-key K] [--offline] [--tools-per-dialogue MIN-MAX] [--plan-steps MIN-MAX] [--max-turns T] [--no-complete] ' +
  '[--judge] [--judge-sample N|all] [--eval FILE|bfcl] [--nli-model M] [--no-nli] [--json]';

const OPTIONS = {
  tools: { type: 'string' },
  count: { type: 'string', short: 'n' },
  out: { type: 'string', short: 'o' },
  seed: { type: 'string' },
  graph: { type: 'string' },
  concurrency: { type: 'string', short: 'c' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key': { type: 'string' },
  offline: { type: 'boolean' },
  'tools-per-dialogue': { type: 'string' },
  'plan-steps': { type: 'string' },
  'max-turns': { type: 'string' },
  'no-complete': { type: 'boolean' },
  judge: { type: 'boolean' },
  'judge-sample': { type: 'string' },
  eval: { type: 'string' },
  'nli-model': { type: 'string' },
  'no-nli': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

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
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, OPTIONS, USAGE, false);
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
