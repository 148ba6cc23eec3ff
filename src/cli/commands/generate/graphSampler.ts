/**
 * Tool sampling over the tool graph (paper Algorithm 1) for `generate`: loads `--graph`, or builds
 * the graph from the tools (embedding model, `--offline` = the embedded model) and saves it in the
 * run folder as `graph.json` so that `--resume` walks the same graph.
 */
import path from 'node:path';
import { buildToolGraph, defaultCacheDir, GraphFileError, loadGraph, OFFLINE_MODEL, saveBuiltGraph, type ToolGraph } from '../../../engine/graph';
import type { Tool } from '../../../engine/model/tool';
import { graphWalkSampler, type ToolSampler } from '../../../engine/pipeline/sampler';
import { SamplingError } from '../../../engine/sampling';
import { UserError } from '../../cliSupport';
import { asUserError as asGraphUserError } from '../graphInput';

export interface GraphSamplerOptions {
  /** A graph file to load; otherwise the graph is built and saved as `<outDir>/graph.json`. */
  graphFile: string | undefined;
  outDir: string;
  offline: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface GraphSamplerResult {
  sampler: ToolSampler;
  /** The graph file the run uses (recorded in the manifest for `--resume`). */
  graphFile: string;
}

/** The graph commands' mapping (model download/load, graph size), plus the errors of a given graph file and of sampling. */
function asUserError(e: unknown): unknown {
  if (e instanceof GraphFileError) return new UserError(e.message, e.hint ?? 'Build it with `toolflow graph tools.json -o graph.json`, or leave out --graph.');
  if (e instanceof SamplingError) return new UserError(e.message, e.hint);
  return asGraphUserError(e);
}

export async function graphSampler(tools: Tool[], opts: GraphSamplerOptions): Promise<GraphSamplerResult> {
  try {
    let graph: ToolGraph;
    let graphFile: string;
    if (opts.graphFile) {
      graph = await loadGraph(opts.graphFile);
      graphFile = opts.graphFile;
    } else {
      opts.log(`building the tool graph of ${tools.length} tools${opts.offline ? ' with the embedded offline model' : ''} (pass --graph to reuse one)`);
      const result = await buildToolGraph(tools, {
        ...(opts.offline ? { offline: true, model: OFFLINE_MODEL } : {}),
        cacheDir: defaultCacheDir(opts.env),
        cwd: opts.cwd,
        signal: opts.signal,
      });
      graph = result.graph;
      graphFile = path.join(opts.outDir, 'graph.json');
      await saveBuiltGraph(result.built, graphFile); // from the edge table: same bytes as saveGraph(graph)
      opts.log(`graph: ${result.stats.nodes} tools, ${result.stats.edges} edges (model ${result.model}, threshold ${result.threshold}) → ${graphFile}`);
    }
    return { sampler: graphWalkSampler(graph, tools), graphFile };
  } catch (e) {
    throw asUserError(e);
  }
}
