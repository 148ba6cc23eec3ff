/**
 * `toolflow report DIR [DIR...]`: the paper's quality figures for one or more run folders — Table 1
 * statistics, SS / EnR / H / D-3, near-duplicates, optionally the LLM judge (--judge) and leakage
 * into an evaluation tool set (--eval) — written per dialogue to each run's quality.jsonl and
 * duplicates.json, and as one self-contained HTML report (or one JSON object with --json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEmbedder, type Embedder } from '../../engine/embedding/embedder';
import { DEFAULT_MODEL, OFFLINE_MODEL } from '../../engine/embedding/modelRegistry';
import { defaultCacheDir } from '../../engine/graph';
import { LlmClient } from '../../engine/llm/llmClient';
import { LlmConfigError, resolveLlmConfig } from '../../engine/llm/config';
import { LlmError } from '../../engine/llm/types';
import type { Tool } from '../../engine/model/tool';
import { RunFolderError } from '../../engine/pipeline/runStore';
import { DEFAULT_JUDGE_SAMPLE } from '../../engine/quality/judge/runJudge';
import { createNliClassifier, DEFAULT_NLI_MODEL, type NliClassifier } from '../../engine/quality/metrics/nliClassifier';
import { buildReport } from '../../engine/quality/report/buildReport';
import { ReportBundleMissingError, writeReportHtml } from '../../engine/quality/report/reportHtml';
import { computeRunQuality, QualityInputError, type QualityEvent, type RunQualityResult } from '../../engine/quality/report/runQuality';
import type { RunQuality } from '../../shared/qualityReport';
import { UserError, log, numberOption, parseOptionTable, writeJson, type CliCommand, type CliIO, type OptionTable } from '../cliSupport';
import { asUserError, readTools } from './graphInput';

const USAGE =
  'toolflow report DIR [DIR...] [-o report.html] [--json] [--judge] [--judge-sample N|all] [--judge-model M] [--seed S] ' +
  '[--concurrency C] [--base-url URL] [--api-key K] [--eval FILE|bfcl] [--model M] [--offline] [--nli-model M] [--no-nli] ' +
  '[--dup-threshold T] [--leak-threshold T] [--cache-dir D]';

export const REPORT_OPTIONS = {
  output: { type: 'string', short: 'o', value: 'FILE', description: 'where to write the HTML report', default: 'quality-report.html in the run folder (with several runs: in the working folder)', example: '-o report.html' },
  json: { type: 'boolean', description: 'print the figures as one JSON object on stdout', example: '--json' },
  judge: { type: 'boolean', description: 'score a sample of dialogues with the LLM judge (naturalness, coherence, helpfulness, accuracy), through the judge role\'s endpoint', example: '--judge' },
  'judge-sample': { type: 'string', value: 'N|all', description: 'how many dialogues per run the judge scores, drawn with --seed', default: '200', example: '--judge-sample all' },
  'judge-model': { type: 'string', value: 'M', description: 'model of the judge role', default: 'TOOLFLOW_JUDGE_MODEL, else --model', example: '--judge-model gpt-4o' },
  seed: { type: 'string', value: 'S', description: 'seed of the judge\'s sample', default: '1', example: '--seed 7' },
  concurrency: { type: 'string', short: 'c', value: 'C', description: 'judge requests in flight at once', default: '4', example: '--concurrency 8' },
  'base-url': { type: 'string', value: 'URL', description: 'OpenAI-compatible endpoint of the judge', default: 'TOOLFLOW_JUDGE_BASE_URL, else OPENAI_BASE_URL', example: '--base-url http://localhost:11434/v1' },
  'api-key': { type: 'string', value: 'K', description: 'API key of the judge\'s endpoint, never stored (prefer the environment)', default: 'OPENAI_API_KEY', example: '--api-key sk-...' },
  eval: { type: 'string', value: 'FILE|bfcl', description: 'evaluation tool set to check the run\'s tools for leakage against (any file toolflow import reads)', default: 'no leakage check', example: '--eval bfcl' },
  model: { type: 'string', short: 'm', value: 'M', description: 'embedding model for SS and the leakage embedding rule', default: 'Xenova/all-MiniLM-L6-v2 (with --offline: toolflow-glove-100d)', example: '--model toolflow-glove-100d' },
  offline: { type: 'boolean', description: 'use the embedded offline embedding model and download nothing (EnR is skipped unless the NLI model is a local folder)', example: '--offline' },
  'nli-model': { type: 'string', value: 'M', description: 'NLI cross-encoder for EnR: a hub id (downloaded once) or a local folder', default: 'Xenova/nli-deberta-v3-xsmall', example: '--nli-model ./models/nli' },
  'no-nli': { type: 'boolean', description: 'skip EnR (the NLI entailment ratio)', example: '--no-nli' },
  'dup-threshold': { type: 'string', value: 'T', description: 'estimated Jaccard similarity above which two dialogues are near-duplicates', default: '0.8', example: '--dup-threshold 0.7' },
  'leak-threshold': { type: 'string', value: 'T', description: 'cosine to an evaluation tool above which a tool leaks (embedding rule)', default: '0.9', example: '--leak-threshold 0.85' },
  'cache-dir': { type: 'string', value: 'DIR', description: 'downloaded models and the embedding cache', default: 'TOOLFLOW_CACHE_DIR, else ~/.cache/toolflow', example: '--cache-dir /data/cache' },
} as const satisfies OptionTable;

const BFCL_FILE = path.join('data', 'tools', 'bfcl', 'bfcl_functions.jsonl');

/** `--eval bfcl`: the BFCL function definitions of a `shared/` folder above the working folder. */
function findBfcl(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    for (const c of [path.join(dir, 'shared', BFCL_FILE), path.join(dir, BFCL_FILE)]) if (fs.existsSync(c)) return c;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function progressLogger(io: CliIO): (e: QualityEvent) => void {
  let last = 0;
  return (e) => {
    if (e.type === 'phase') log(io, `${e.run}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}…`);
    else if (e.type === 'note') log(io, `${e.run}: note: ${e.message}`);
    else {
      const now = Date.now();
      if (now - last > 1000 || e.done === e.total) {
        last = now;
        log(io, `  ${e.phase} ${e.done}/${e.total}`);
      }
    }
  };
}

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'quality figures of runs (Table 1/2 metrics, judge, leakage, near-duplicates) as an HTML report',
  usage: USAGE,
  options: REPORT_OPTIONS,
  args: '<run-dir> [<run-dir>...]',
  async run(argv, io) {
    const { values: v, positionals } = parseOptionTable(argv, REPORT_OPTIONS, 'report');
    if (positionals.length === 0) throw new UserError('name at least one run folder (written by `toolflow generate`)', `usage: ${USAGE}`);
    const dirs = positionals.map((p) => path.resolve(io.cwd, p));
    for (const d of dirs) {
      if (!fs.existsSync(path.join(d, 'dialogues.jsonl'))) throw new UserError(`${d} holds no dialogues.jsonl: not a run folder`, 'name folders written by `toolflow generate --out DIR`');
    }
    const dupThreshold = v['dup-threshold'] === undefined ? undefined : numberOption(v['dup-threshold'], 'dup-threshold', 0.8, 0, 1);
    const leakThreshold = v['leak-threshold'] === undefined ? undefined : numberOption(v['leak-threshold'], 'leak-threshold', 0.9, -1, 1);
    const seed = Math.trunc(numberOption(v.seed, 'seed', 1, 0, 2 ** 32 - 1));
    const concurrency = Math.trunc(numberOption(v.concurrency, 'concurrency', 4, 1, 256));
    let sample: number | 'all' = DEFAULT_JUDGE_SAMPLE;
    if (v['judge-sample'] !== undefined) sample = v['judge-sample'] === 'all' ? 'all' : Math.trunc(numberOption(v['judge-sample'], 'judge-sample', DEFAULT_JUDGE_SAMPLE, 1));
    const cacheDir = v['cache-dir'] ? path.resolve(io.cwd, v['cache-dir']) : defaultCacheDir(io.env);

    // The judge's endpoint: checked before any slow work.
    let judge: { model: LlmClient; modelName: string } | undefined;
    if (v.judge) {
      try {
        const config = resolveLlmConfig(io.env, {
          ...(v['base-url'] !== undefined ? { baseURL: v['base-url'] } : {}),
          ...(v['api-key'] !== undefined ? { apiKey: v['api-key'] } : {}),
          ...(v['judge-model'] !== undefined ? { roles: { judge: { model: v['judge-model'] } } } : {}),
          limits: { concurrency },
        });
        judge = { model: new LlmClient(config), modelName: config.roles.judge.model };
      } catch (e) {
        if (e instanceof LlmConfigError) throw new UserError(e.message, e.hint);
        throw e;
      }
    }

    let evalTools: { tools: Tool[]; source: string } | undefined;
    if (v.eval !== undefined) {
      const file = v.eval === 'bfcl' ? findBfcl(io.cwd) : path.resolve(io.cwd, v.eval);
      if (!file) throw new UserError('--eval bfcl: no shared/data/tools/bfcl/bfcl_functions.jsonl above this folder', 'pass --eval FILE with the evaluation set\'s tool definitions (any format `toolflow import` reads)');
      const set = await readTools([file], io, USAGE);
      evalTools = { tools: set.tools, source: path.basename(file) };
    }

    const modelSpec = v.model ?? (v.offline ? OFFLINE_MODEL : DEFAULT_MODEL);
    const onProgress = progressLogger(io);
    const notes: string[] = [];
    let embedder: Embedder | undefined;
    try {
      embedder = await createEmbedder({ model: modelSpec, ...(v.offline ? { offline: true } : {}), cacheDir, cwd: io.cwd, signal: io.signal });
    } catch (e) {
      if (io.signal.aborted) throw e;
      const u = asUserError(e);
      const line = `SS skipped: ${u instanceof Error ? u.message : String(u)}${u instanceof UserError && u.hint ? ` (${u.hint})` : ''}`;
      log(io, `warning: ${line}`);
      notes.push(line);
    }
    let nli: NliClassifier | undefined;
    if (!v['no-nli']) {
      const nliModel = v['nli-model'] ?? DEFAULT_NLI_MODEL;
      let lastLog = 0;
      const isFolder = fs.existsSync(path.resolve(io.cwd, nliModel, 'config.json'));
      try {
        nli = await createNliClassifier({
          model: nliModel,
          ...(v.offline ? { offline: true } : {}),
          cacheDir,
          cwd: io.cwd,
          signal: io.signal,
          onProgress: (e) => {
            if (!isFolder && e.type === 'model-download' && e.total > 0 && Date.now() - lastLog > 1000) {
              lastLog = Date.now();
              log(io, `  downloading ${nliModel}/${e.file}: ${(e.loaded / 1e6).toFixed(1)}/${(e.total / 1e6).toFixed(1)} MB`);
            }
          },
        });
      } catch (e) {
        if (io.signal.aborted) throw e;
        const u = asUserError(e);
        const line = `EnR skipped: ${u instanceof Error ? u.message : String(u)}`;
        log(io, `warning: ${line}${u instanceof UserError && u.hint ? `; ${u.hint}` : ''}`);
        notes.push(line);
      }
    }

    const results: RunQualityResult[] = [];
    try {
      for (const dir of dirs) {
        results.push(
          await computeRunQuality(dir, {
            ...(embedder ? { embedder } : {}),
            ...(nli ? { nli } : {}),
            ...(judge ? { judge: { model: judge.model, modelName: judge.modelName, sample, seed, concurrency } } : {}),
            ...(evalTools ? { evalTools } : {}),
            ...(dupThreshold !== undefined ? { duplicateThreshold: dupThreshold } : {}),
            ...(leakThreshold !== undefined ? { embeddingLeakThreshold: leakThreshold } : {}),
            cacheDir,
            notes,
            signal: io.signal,
            onEvent: onProgress,
          }),
        );
      }
    } catch (e) {
      if (e instanceof QualityInputError || e instanceof RunFolderError) throw new UserError(e.message, e.hint);
      if (e instanceof LlmError && e.code === 'aborted') throw new UserError('the judge was stopped; verdicts so far are kept in quality.jsonl', 'run the same command again to continue');
      if (e instanceof LlmError) throw new UserError(`the judge's endpoint failed: ${e.message}`, 'verdicts so far are kept; check --base-url, the judge model and the API key (TOOLFLOW_JUDGE_*), then run again to continue');
      throw asUserError(e);
    } finally {
      await embedder?.dispose();
      await nli?.dispose();
    }

    const report = buildReport(results);
    const out = v.output ? path.resolve(io.cwd, v.output) : dirs.length === 1 ? path.join(dirs[0]!, 'quality-report.html') : path.resolve(io.cwd, 'quality-report.html');
    try {
      await writeReportHtml(out, report);
      log(io, `report: ${out}`);
    } catch (e) {
      if (e instanceof ReportBundleMissingError) {
        if (!v.json) throw new UserError(e.message, e.hint);
        log(io, `warning: no HTML report: ${e.message}; ${e.hint}`);
      } else throw e;
    }
    for (const r of results) {
      const s = r.summary;
      log(
        io,
        `${s.name}: ${s.stats.dialogues} dialogues, ${s.stats.tokens} tokens, ${s.stats.calls} calls in ${s.stats.callTurns} turns; ` +
          `SS ${s.coherence.ss?.toFixed(4) ?? 'n/a'}, EnR ${s.coherence.enr === undefined || s.coherence.enr === null ? 'n/a' : s.coherence.enr.toFixed(4)}, ` +
          `H ${s.diversity.entropy.toFixed(3)}, D-3 ${s.diversity.distinct3?.toFixed(4) ?? 'n/a'}; ${s.duplicates.clusters} near-duplicate cluster(s)` +
          (s.judge ? `; judge NAT ${s.judge.naturalness.toFixed(2)} COH ${s.judge.coherence.toFixed(2)} HELP ${s.judge.helpfulness.toFixed(2)} ACC ${s.judge.accuracy.toFixed(2)} (${s.judge.judged})` : '') +
          (s.leakage ? `; leakage n-gram ${s.leakage.ngram.leaking}/${s.leakage.tools}${s.leakage.embedding ? `, similarity ${s.leakage.embedding.leaking}/${s.leakage.tools}` : ''}` : ''),
      );
    }
    if (v.json) writeJson(io, results.length === 1 ? results[0]!.summary : { runs: results.map((r): RunQuality => r.summary) });
    return 0;
  },
};
