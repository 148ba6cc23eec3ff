/**
 * Tool sampling over the tool graph (paper Algorithm 1) for `generate`. Uses the graph and sampling
 * modules (`src/engine/graph`, `src/engine/sampling`); until they land, graph sampling reports a
 * clear error pointing at `--no-graph`.
 */
import type { Tool } from '../../../engine/model/tool';
import type { ToolSampler } from '../../../engine/pipeline/sampler';
import { UserError } from '../../cliSupport';

export interface GraphSamplerOptions {
  graphFile: string | undefined;
  offline: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
}

export function graphSampler(_tools: Tool[], _opts: GraphSamplerOptions): Promise<ToolSampler> {
  return Promise.reject(new UserError('graph sampling is not available in this build yet', 'Use --no-graph for uniform tool sampling.'));
}
