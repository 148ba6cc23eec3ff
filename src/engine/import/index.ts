/** Public API of the importers, used by the CLI (`toolflow import`) and the VS Code extension. */
export { importPaths, importText, type ImportOptions, type ImportProgress, type ImportResult, type ImportSummary, type FormatCount } from './importPaths';
export { readToolSet, writeToolSet, serializeToolSet, emptyToolSet, validateToolSetDocument, validateCanonicalTool, ToolSetError } from './toolSetFile';
export { SOURCE_FORMATS } from './formats/dispatch';
export { findMissing, returnFieldsOf } from './toolSetBuilder';
export { makeValidToolName, UniqueNameAllocator } from '../model/toolNames';
