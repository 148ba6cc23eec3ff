/**
 * Types of the dataset exporters: formats, what to include, splits, and the violations a
 * validator reports. No `vscode` import.
 */

export const EXPORT_FORMATS = ['openai', 'hf', 'sharegpt', 'hermes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which dialogues to export: accepted (default), accepted and reviewed by a person, or every one. */
export const INCLUDE_MODES = ['accepted', 'reviewed', 'all'] as const;
export type IncludeMode = (typeof INCLUDE_MODES)[number];

export type SplitBy = 'dialogue' | 'tools';
export type SplitName = 'train' | 'validation';

/** One broken rule of a format, located by its 1-based line (row for Parquet) and a JSON pointer. */
export interface Violation {
  line: number;
  /** Stable rule id, e.g. `missing_content`, `arguments_not_object`, `position`, `token_limit`. */
  rule: string;
  message: string;
  /** JSON pointer inside the line's object. */
  pointer?: string;
  severity: 'error' | 'warning';
}

/** A violation found inside one sample, before it is given a line. */
export type SampleViolation = Omit<Violation, 'line' | 'severity'> & { severity?: 'error' | 'warning' };

/**
 * The calls and results of a dialogue, in order: what every export must keep. One round is one
 * assistant turn that calls tools (several calls = parallel calls) and the results answering it,
 * in call order. `arguments` is the parsed object; `content` the result text as the tool gave it.
 */
export interface TraceRound {
  calls: Array<{ name: string; arguments: unknown }>;
  results: Array<{ name: string; content: string }>;
}
export type DialogueTrace = TraceRound[];

/** The default per-sample token limit: OpenAI's training-example limit for gpt-4o and gpt-4o-mini. */
export const DEFAULT_MAX_TOKENS = 65_536;
