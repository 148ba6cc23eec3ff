/**
 * Engine calls behind `loadEngine()` (loaded on first use). Turns the extension's choices into the
 * pipeline's `startRun` / `resumeRun` with an `LlmClient` for the configured endpoint.
 */
import { readFile } from 'node:fs/promises';
import { LlmClient } from '../../engine/llm/llmClient';
import type { LlmConfig } from '../../engine/llm/config';
import type { LlmRole } from '../../engine/llm/types';
import { resumeRun, startRun, uniformSampler } from '../../engine/pipeline';
import type { RunModelInfo } from '../../engine/pipeline/types';
import { parseToolSetText } from '../tools/toolSetFile';
import type { EngineGateway, ResumeRunParams, RunOutcome, StartRunParams } from './engineGateway';

function manifestModels(llm: LlmConfig): Partial<Record<LlmRole, RunModelInfo>> {
  const out: Partial<Record<LlmRole, RunModelInfo>> = {};
  for (const [role, ep] of Object.entries(llm.roles) as Array<[LlmRole, LlmConfig['roles'][LlmRole]]>) {
    out[role] = { baseURL: ep.baseURL, model: ep.model, ...(ep.temperature !== undefined ? { temperature: ep.temperature } : {}) };
  }
  return out;
}

export class EngineInputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'EngineInputError';
  }
}

async function loadTools(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new EngineInputError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const loaded = parseToolSetText(file, text);
  if (!loaded.toolSet) throw new EngineInputError(loaded.problem ?? `${file}: unreadable tool set`);
  if (loaded.toolSet.tools.length === 0) throw new EngineInputError(`${file}#/tools: the tool set is empty`, 'Import tools first (ToolFlow: Import Tools…).');
  return loaded.toolSet.tools;
}

async function start(p: StartRunParams): Promise<RunOutcome> {
  const tools = await loadTools(p.toolsFile);
  if (p.useGraph) {
    throw new EngineInputError('graph sampling is not available in this build', 'Turn off “Use the tool graph” to sample tools uniformly.');
  }
  const model = new LlmClient(p.llm);
  const result = await startRun(
    {
      dir: p.runDir,
      tools,
      sampler: uniformSampler(tools),
      model,
      models: manifestModels(p.llm),
      toolsSource: p.toolsFile,
      options: {
        count: p.count,
        concurrency: p.concurrency,
        seed: p.seed,
        toolsPerDialogue: { min: Math.min(2, p.toolsPerDialogue), max: p.toolsPerDialogue },
        planSteps: { min: Math.min(2, p.planSteps), max: p.planSteps },
        maxTurns: p.maxTurns,
        plan: p.usePlan,
      },
    },
    { signal: p.signal, onEvent: p.onEvent },
  );
  return { reason: result.reason, counts: result.counts };
}

async function resume(p: ResumeRunParams): Promise<RunOutcome> {
  const model = new LlmClient(p.llm);
  const result = await resumeRun(p.runDir, { model }, { signal: p.signal, onEvent: p.onEvent });
  return { reason: result.reason, counts: result.counts };
}

export const engineGateway: EngineGateway = { startRun: start, resumeRun: resume };
