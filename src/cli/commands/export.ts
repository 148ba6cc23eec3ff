/**
 * `toolflow export DIR --format openai|hf|sharegpt|hermes [-o FILE] [--include accepted|reviewed|all]
 * [--split 0.9] [--split-by dialogue|tools] [--seed S] [--dedupe] [--no-system] [--max-tokens N] [--json]`:
 * a run folder to the files a trainer loads, validated as they are written. Exit 0 when every
 * written file passes its format's rules, 1 otherwise (the files stay, the violations are listed).
 */
import path from 'node:path';
import { DEFAULT_MAX_TOKENS, ExportError, INCLUDE_MODES, exportRun, type IncludeMode, type SplitBy } from '../../engine/export';
import { UserError, log, numberOption, parseOptionTable, writeJson, type CliCommand, type OptionTable } from '../cliSupport';
import { formatOption, printValidation } from './validate';

const USAGE =
  'toolflow export <run-dir> --format openai|hf|sharegpt|hermes [-o FILE] [--include accepted|reviewed|all] [--split 0.9] [--split-by dialogue|tools] [--seed S] [--dedupe] [--no-system] [--max-tokens N] [--json]';

const EXPORT_OPTIONS = {
  format: { type: 'string', short: 'f', value: 'F', description: 'the trainer format: openai (fine-tuning JSONL), hf (Hugging Face messages+tools, JSONL and Parquet), sharegpt (LLaMA-Factory), hermes', default: 'required', example: '--format hf' },
  output: { type: 'string', short: 'o', value: 'FILE', description: 'the data file to write (splits add .train/.validation before the extension)', default: '<run-dir>/export/<format>.jsonl', example: '-o data/tf.jsonl' },
  include: { type: 'string', value: 'MODE', description: 'which dialogues: accepted (effective status), reviewed (accepted and looked at by a person), all', default: 'accepted', example: '--include reviewed' },
  split: { type: 'string', value: 'RATIO', description: 'share of dialogues in the train file; the rest go to a validation file', default: 'no split', example: '--split 0.9' },
  'split-by': { type: 'string', value: 'dialogue|tools', description: 'split dialogues at random, or by tools so that no tool is on both sides', default: 'dialogue', example: '--split-by tools' },
  seed: { type: 'string', value: 'S', description: 'seed of the split', default: '0', example: '--seed 7' },
  dedupe: { type: 'boolean', description: 'keep one dialogue of each near-duplicate cluster (duplicates.json from `toolflow report`)', example: '--dedupe' },
  'no-system': { type: 'boolean', description: 'leave out the system prompt used during generation', example: '--no-system' },
  'max-tokens': { type: 'string', value: 'N', description: 'token limit per sample (o200k_base) the validator checks', default: '65536', example: '--max-tokens 16384' },
  json: { type: 'boolean', description: 'print the export summary as one JSON object on stdout', example: '--json' },
} as const satisfies OptionTable;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a run to OpenAI fine-tuning, Hugging Face, LLaMA-Factory ShareGPT or Hermes files',
  usage: USAGE,
  options: EXPORT_OPTIONS,
  args: '<run-dir>',
  async run(argv, io) {
    const { values, positionals } = parseOptionTable(argv, EXPORT_OPTIONS, 'export');
    if (positionals.length !== 1) throw new UserError('name exactly one run folder (written by `toolflow generate --out DIR`)', `usage: ${USAGE}`);
    const format = formatOption(values.format, USAGE);
    const include = (values.include ?? 'accepted') as IncludeMode;
    if (!(INCLUDE_MODES as readonly string[]).includes(include)) throw new UserError(`unknown --include "${values.include}"; use accepted, reviewed or all`);
    const splitBy = (values['split-by'] ?? 'dialogue') as SplitBy;
    if (splitBy !== 'dialogue' && splitBy !== 'tools') throw new UserError(`unknown --split-by "${values['split-by']}"; use dialogue or tools`);
    if (values['split-by'] && values.split === undefined) throw new UserError('--split-by needs --split RATIO (e.g. --split 0.9)');
    const split = values.split === undefined ? undefined : numberOption(values.split, 'split', 1, 0.01, 1);
    const seed = numberOption(values.seed, 'seed', 0);
    if (!Number.isInteger(seed)) throw new UserError('--seed must be a whole number');
    const maxTokens = numberOption(values['max-tokens'], 'max-tokens', DEFAULT_MAX_TOKENS, 1);
    const dir = path.resolve(io.cwd, positionals[0]!);
    const rel = (f: string) => {
      const r = path.relative(io.cwd, f);
      return r && !r.startsWith('..') ? r : f;
    };
    let result;
    try {
      result = await exportRun(dir, {
        format,
        ...(values.output ? { output: path.resolve(io.cwd, values.output) } : {}),
        include,
        ...(split !== undefined ? { split } : {}),
        splitBy,
        seed,
        dedupe: !!values.dedupe,
        system: !values['no-system'],
        maxTokens,
        signal: io.signal,
        onProgress: (p) => {
          if (p.phase !== 'convert' && p.phase !== 'done') log(io, p.message.replace(dir, positionals[0]!));
        },
      });
    } catch (e) {
      if (e instanceof ExportError) throw new UserError(e.message, e.hint);
      throw e;
    }
    const s = result.selection;
    log(io, `${s.read} dialogue(s) read: ${s.selected} taken (--include ${include}), ${s.rejected} rejected left out${s.unreviewed ? `, ${s.unreviewed} not reviewed left out` : ''}${result.dedupe.removed ? `, ${result.dedupe.removed} near-duplicate(s) removed` : ''}`);
    if (result.split) {
      const sp = result.split;
      log(io, `split by ${sp.by} (seed ${sp.seed}): ${sp.train} train, ${sp.validation} validation${sp.by === 'tools' ? `, ${sp.dropped} dropped` : ''}`);
    }
    for (const n of result.notes) log(io, `note: ${n}`);
    for (const f of result.files) log(io, `wrote ${rel(f.path)}${f.rows !== undefined ? ` (${f.rows} ${f.kind === 'provenance' ? 'provenance lines' : 'samples'})` : ''}`);
    for (const v of result.validation) printValidation(io, v, rel(v.file));
    if (values.json) {
      writeJson(io, { ...result, files: result.files.map((f) => ({ ...f, path: rel(f.path) })), validation: result.validation.map((v) => ({ ...v, file: rel(v.file), tokenCounts: undefined })) });
    }
    return result.valid ? 0 : 1;
  },
};
