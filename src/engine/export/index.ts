/** Exporters to the formats trainers load, and their validators. No `vscode` import. */
export * from './types';
export { exportRun, ExportError, type ExportOptions, type ExportProgress, type ExportResult, type ExportedFile } from './exportRun';
export { validateFile, validateSamples, parseJsonLines, type FileValidation, type ValidateOptions } from './validateFile';
export { formatModule, type FormatModule } from './formats';
export { recordTrace } from './trace';
export { selectRecords, dedupeRecords } from './selection';
export { splitByDialogue, splitByTools, toolsOf } from './split';
export { countChatTokens, countTokens } from './tokens';
