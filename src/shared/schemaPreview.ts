/**
 * Protocol of the "ToolFlow: Preview Tool Schema" webview (types only; imported by the extension
 * and by `webview-ui/schemaPreview`). The host imports the active editor's text with the engine's
 * importer; the webview shows a virtualized list of the tools, the selected tool's form (asked for
 * on demand: a file may hold 47,000 tools) and the importer's diagnostics, which link to their line.
 */
import type { Notification, Request, Response } from './ipc';

export const SCHEMA_PREVIEW_VIEW_TYPE = 'toolflow.schemaPreview';

export interface FormFieldView {
  name: string;
  type: string;
  required: boolean;
  description: string;
  enum?: string[];
  /** JSON text of the default, when the schema gives one. */
  default?: string;
  format?: string;
  /** Object properties, or the item schema of an array (named `[]`). */
  children?: FormFieldView[];
}

export interface ToolFormView {
  name: string;
  description: string;
  format: string;
  line: number | null;
  originalName: string;
  parameters: FormFieldView[];
  returns: FormFieldView[] | null;
  /** `{"name": ..., "arguments": {...}}` pretty-printed. */
  exampleCall: string;
  /** ajv's findings on the example arguments (empty = valid). */
  exampleProblems: string[];
  missing: string[];
}

/** One row of the tool list (kept small: 47,000 of them travel in one message). */
export interface ToolRowView {
  name: string;
  format: string;
  parameters: number;
  line: number | null;
}

export interface DiagnosticView {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  hint?: string;
  line: number | null;
  column: number | null;
  pointer: string;
}

export interface PreviewContent {
  /** The source document (URI string) and its version: stale updates are dropped. */
  uri: string;
  fileName: string;
  version: number;
  tools: ToolRowView[];
  diagnostics: DiagnosticView[];
  /** Import time in the host (ms). */
  ms: number;
}

export type ToSchemaPreview =
  | Notification<'preview/content', PreviewContent>
  | Notification<'preview/empty', { message: string }>
  | Response<ToolFormView | null>;

export type FromSchemaPreview =
  | Notification<'preview/ready', Record<string, never>>
  | Request<'preview/tool', { uri: string; version: number; index: number }>
  /** Reveal a line (1-based) of the source document. */
  | Notification<'preview/reveal', { uri: string; line: number; column: number }>;

export interface SchemaPreviewState {
  uri: string | null;
  selected: number;
  scrollTop: number;
}
