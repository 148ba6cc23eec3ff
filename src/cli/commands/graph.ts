/**
 * `toolflow graph <tools...> -o graph.json`: embeds every parameter and return field, links tools
 * whose fields are similar (Eq. 2) and writes the graph (graphology JSON, optional GEXF).
 */
import path from 'node:path';
import { buildToolGraph, defaultCacheDir, GENERIC_PARAMS, OFFLINE_MODEL, saveBuiltGraph, saveGexf, type GraphBuildEvent } from '../../engine/graph';
import { UserError, log, numberOption, parseCommandArgs, writeJson, type CliCommand, type CliIO } from '../cliSupport';
import { asUserError, listOption, readTools } from './graphInput';

const USAGE =
  'toolflow graph <tools.json...> -o <graph.json> [--model M] [--threshold T] [--offline] [--gexf out.gexf] ' +
  '[--ignore-generic] [--ignore-params a,b] [--generic-share P] [--keep-fields a,b] [--max-degree N] [--sources s1,s2] [--cache-dir D] [--threads N] [--json]';

function progressLogger(io: CliIO): (e: GraphBuildEvent) => void {
  let last = 0;
  return (e) => {
    const now = Date.now();
    if (e.type === 'phase') log(io, `${e.phase}${e.detail ? `: ${e.detail}` : ''}…`);
    else if (e.type === 'model-ready') log(io, `model ${e.model} ready (${e.dimensions} dims)`);
    else if (now - last > 1000) {
      last = now;
      if (e.type === 'model-download' && e.total > 0) log(io, `  downloading ${e.file}: ${Math.round(e.loaded / 1e6)}/${Math.round(e.total / 1e6)} MB`);
      else if (e.type === 'embed') log(io, `  embedded ${e.done}/${e.total}`);
      else if (e.type === 'similarity') log(io, `  similarity blocks ${e.done}/${e.total}`);
    }
  };
}

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: 'build the tool graph (embeddings + Eq. 2 similarity edges) and write graph.json / GEXF',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        output: { type: 'string', short: 'o' },
        model: { type: 'string', short: 'm' },
        threshold: { type: 'string', short: 't' },
        offline: { type: 'boolean' },
        gexf: { type: 'string' },
        'ignore-generic': { type: 'boolean' },
        'ignore-params': { type: 'string' },
        'max-degree': { type: 'string' },
        'generic-share': { type: 'string' },
        'keep-fields': { type: 'string' },
        sources: { type: 'string' },
        'cache-dir': { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
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
        onProgress: progressLogger(io),
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
