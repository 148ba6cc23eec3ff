/**
 * `toolflow graph <tools...> -o graph.json`: embeds every parameter and return field, links tools
 * whose fields are similar (Eq. 2) and writes the graph (graph file of columns, format version 2 in docs/graph.md; optional GEXF).
 */
import path from 'node:path';
import { buildToolGraph, defaultCacheDir, GENERIC_PARAMS, OFFLINE_MODEL, saveBuiltGraph, saveGexf, type GraphBuildEvent } from '../../engine/graph';
import { UserError, log, numberOption, parseOptionTable, writeJson, type CliCommand, type CliIO, type OptionTable } from '../cliSupport';
import { asUserError, listOption, readTools } from './graphInput';

const USAGE =
  'toolflow graph <tools.json...> -o <graph.json> [--model M] [--threshold T] [--offline] [--gexf out.gexf] ' +
  '[--ignore-generic] [--ignore-params a,b] [--generic-share P] [--keep-fields a,b] [--max-degree N] [--sources s1,s2] [--cache-dir D] [--threads N] [--json]';

/** A byte count for a progress line: kB below a megabyte, so a small file never reads "0/0 MB". */
export function formatBytes(n: number): string {
  return n < 1e6 ? `${Math.max(1, Math.round(n / 1e3))} kB` : `${(n / 1e6).toFixed(1)} MB`;
}

/**
 * Progress on stderr, at most one line a second per kind, and always the last step (so a count reaches
 * its total). With `offline` nothing is downloaded, so no download line is printed: the embedded
 * model's files are read from disk.
 */
const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'FILE', description: 'where to write the graph (JSON columns, format version 2, docs/graph.md)', default: 'required', example: '-o graph.json' },
  model: { type: 'string', short: 'm', value: 'M', description: 'transformers.js embedding model: a Hugging Face id (downloaded once), a local folder, or toolflow-glove-100d', default: 'Xenova/all-MiniLM-L6-v2; with --offline: toolflow-glove-100d', example: '--model Xenova/bge-small-en-v1.5' },
  threshold: { type: 'string', short: 't', value: 'T', description: 'cosine similarity above which two tools are linked (paper Eq. 2)', default: 'the model\'s own: 0.82 for MiniLM, 0.90 for the embedded model', example: '--threshold 0.85' },
  offline: { type: 'boolean', description: 'never touch the network: the embedded offline model (or a model already in the cache)', example: '--offline' },
  gexf: { type: 'string', value: 'FILE', description: 'also write the graph as GEXF, for Gephi', example: '--gexf graph.gexf' },
  'ignore-generic': { type: 'boolean', description: 'do not link tools through generic parameters (API keys, paging, format, sort, language, ...)', example: '--ignore-generic' },
  'ignore-params': { type: 'string', value: 'A,B', description: 'more parameter names that never link tools, comma-separated', example: '--ignore-params id,name' },
  'max-degree': { type: 'string', value: 'N', description: 'keep at most N strongest edges per tool (hubs); 0 = no cap', default: '50', example: '--max-degree 100' },
  'generic-share': { type: 'string', value: 'P', description: 'a field whose name or text appears in more than this share of tools (and in more than 50 tools) is generic and links nothing; 0 turns detection off', default: '0.01', example: '--generic-share 0.02' },
  'keep-fields': { type: 'string', value: 'A,B', description: 'fields that link tools even when detected as generic, comma-separated', example: '--keep-fields city,date' },
  sources: { type: 'string', value: 'S1,S2', description: 'only tools imported from these source files, comma-separated', default: 'all sources', example: '--sources mcp_tools.jsonl' },
  'cache-dir': { type: 'string', value: 'DIR', description: 'downloaded models and the embedding cache', default: 'TOOLFLOW_CACHE_DIR, else ~/.cache/toolflow', example: '--cache-dir .cache/toolflow' },
  threads: { type: 'string', value: 'N', description: 'worker threads of the pair search', default: 'the available cores, at most 8', example: '--threads 2' },
  json: { type: 'boolean', description: 'print a JSON summary on stdout', example: '--json' },
} as const satisfies OptionTable;

export function progressLogger(io: CliIO, offline = false): (e: GraphBuildEvent) => void {
  const last = new Map<string, number>();
  const due = (kind: string, final: boolean) => {
    const now = Date.now();
    if (!final && now - (last.get(kind) ?? 0) <= 1000) return false;
    last.set(kind, now);
    return true;
  };
  return (e) => {
    if (e.type === 'phase') log(io, `${e.phase}${e.detail ? `: ${e.detail}` : ''}…`);
    else if (e.type === 'model-ready') log(io, `model ${e.model} ready (${e.dimensions} dims)`);
    else if (e.type === 'model-download') {
      if (!offline && e.total > 0 && due(`download ${e.file}`, e.loaded >= e.total)) log(io, `  downloading ${e.file}: ${formatBytes(e.loaded)} of ${formatBytes(e.total)}`);
    } else if (e.type === 'embed') {
      if (due('embed', e.done >= e.total)) log(io, `  embedded ${e.done}/${e.total}`);
    } else if (e.type === 'similarity') {
      if (due('similarity', e.done >= e.total)) log(io, `  similarity blocks ${e.done}/${e.total}`);
    }
  };
}

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: 'build the tool graph (embeddings + Eq. 2 similarity edges) and write graph.json / GEXF',
  usage: USAGE,
  options: OPTIONS,
  args: '<tools.json...>',
  examples: ['toolflow graph my.tools.json -o graph.json --offline --ignore-generic', 'toolflow graph my.tools.json -o graph.json --threshold 0.85 --gexf graph.gexf'],
  async run(argv, io) {
    const { values, positionals } = parseOptionTable(argv, OPTIONS, 'graph');
    if (!values.output) throw new UserError('missing -o <graph.json>: where to write the graph', `usage: ${USAGE}`);
    const threshold = values.threshold === undefined ? undefined : numberOption(values.threshold, 'threshold', 0, -1, 0.999999);
    const maxDegree = values['max-degree'] === undefined ? undefined : numberOption(values['max-degree'], 'max-degree', 0, 0);
    const genericShare = values['generic-share'] === undefined ? undefined : numberOption(values['generic-share'], 'generic-share', 0, 0, 1);
    const keepFields = listOption(values['keep-fields']);
    const threads = values.threads === undefined ? undefined : numberOption(values.threads, 'threads', 0, 1, 64);
    const ignoreParams = [...(values['ignore-generic'] ? GENERIC_PARAMS : []), ...(listOption(values['ignore-params']) ?? [])];
    const sources = listOption(values.sources);
    // --offline without --model means the embedded model: it is the one that needs no download.
    const model = values.model ?? (values.offline ? OFFLINE_MODEL : undefined);
    const toolSet = await readTools(positionals, io, USAGE);
    const cacheDir = values['cache-dir'] ? path.resolve(io.cwd, values['cache-dir']) : defaultCacheDir(io.env);
    let result;
    try {
      result = await buildToolGraph(toolSet, {
        ...(model ? { model } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        ...(values.offline ? { offline: true } : {}),
        cacheDir,
        cwd: io.cwd,
        ...(ignoreParams.length ? { ignoreParams } : {}),
        ...(sources ? { sources } : {}),
        ...(maxDegree !== undefined ? { maxDegree: Math.floor(maxDegree) } : {}),
        ...(genericShare !== undefined ? { genericShare } : {}),
        ...(keepFields ? { keepFields } : {}),
        ...(threads !== undefined ? { threads: Math.floor(threads) } : {}),
        signal: io.signal,
        onProgress: progressLogger(io, values.offline === true || model === OFFLINE_MODEL),
      });
    } catch (e) {
      throw asUserError(e);
    }
    if (result.stats.nodes === 0) throw new UserError('no tools left after --sources', `the inputs' sources are: ${toolSet.sources.map((s) => s.file).join(', ')}`);
    const output = path.resolve(io.cwd, values.output);
    const writeStarted = performance.now();
    try {
      await saveBuiltGraph(result.built, output);
      if (values.gexf) await saveGexf(result.graph, path.resolve(io.cwd, values.gexf));
    } catch (e) {
      throw new UserError(`cannot write the graph: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const writeMs = Math.round(performance.now() - writeStarted);
    const s = result.stats;
    log(io, `graph: ${s.nodes} tools, ${s.edges} edges (${s.ppEdges} P-P, ${s.rpEdges} R-P), ${s.components} components, ${s.isolated} isolated; mean degree ${s.degree.mean.toFixed(2)}, max ${s.degree.max}`);
    log(io, `  model ${result.model}, threshold ${result.threshold}, ${result.distinctTexts} distinct texts, cache ${result.cache.hits} hits / ${result.cache.misses} misses`);
    const t = result.timings;
    log(io, `  time per phase: texts ${t.textsMs} ms, embed ${t.embedMs} ms, similarity ${t.similarityMs} ms, edges ${t.edgesMs} ms, graph ${t.graphMs} ms, write ${writeMs} ms; total ${t.totalMs + writeMs} ms (after embedding ${t.totalMs - t.embedMs - t.textsMs + writeMs} ms); wrote ${values.output}${values.gexf ? ` and ${values.gexf}` : ''}`);
    if (s.genericFields.length) log(io, `  generic fields left out (in more than ${result.built.attributes.genericCutoff ?? 'a share of'} tools; --keep-fields or --generic-share 0 to keep): ${s.genericFields.slice(0, 12).map((g) => `${g.field} (${g.tools})`).join(', ')}${s.genericFields.length > 12 ? `, … ${s.genericFields.length} in all` : ''}`);
    if (result.edgesBeforeCap > s.edges) log(io, `  degree cap ${String(result.built.attributes.maxDegree)} kept ${s.edges} of ${result.edgesBeforeCap} edges (--max-degree N, 0 = no cap)`);
    if (s.topHubs.length) log(io, `  top hubs: ${s.topHubs.slice(0, 5).map((h) => `${h.tool} (${h.degree})`).join(', ')}`);
    if (values.json) {
      writeJson(io, {
        output: values.output,
        nodes: s.nodes,
        edges: s.edges,
        distinctTexts: result.distinctTexts,
        dimensions: result.dimensions,
        model: result.model,
        threshold: result.threshold,
        timings: { ...result.timings, writeMs },
        edgesBeforeCap: result.edgesBeforeCap,
        cache: result.cache,
        textPairs: result.textPairs,
        stats: s,
      });
    }
    return 0;
  },
};
