/** The generation pipeline's public API (used by the CLI and the VS Code extension). */
export type * from './types';
export type * from './events';
export { safeListener, isEvent } from './events';
export { startRun, resumeRun, readRun, DEFAULT_OPTIONS, type RunConfig, type ResumeConfig, type RunHandlers, type RunResult, type RunSnapshot } from './runner';
export { readManifest, readRunTools, readDialogues, toolSetHash, RunFolderError, MANIFEST_FILE, TOOLS_FILE, DIALOGUES_FILE } from './runStore';
export { uniformSampler, graphWalkSampler, type ToolSampler } from './sampler';
export { filterDialogue } from './filter';
export { dialogueSeed } from './random';
export { dialogueId } from './dialogue';
