/**
 * What one export format provides: conversion of a dialogue record into one sample (one JSON line),
 * a parser that reads the tool trace back from a sample (round-trip tests and `validate`), and the
 * rules of the format (its validator in `../validators`).
 */
import type { DialogueRecord } from '../../pipeline/types';
import type { DialogueTrace, ExportFormat, SampleViolation } from '../types';

export interface ConvertOptions {
  /** Put the record's generation system prompt first (default true); false = no system prompt. */
  system: boolean;
}

export interface Converted {
  sample: Record<string, unknown>;
  /** What the format could not hold and how it was handled, e.g. text dropped beside calls. */
  notes: string[];
}

export interface FormatModule {
  id: ExportFormat;
  /** Human name for messages and the quick pick. */
  label: string;
  convert(record: DialogueRecord, options: ConvertOptions): Converted;
  /** Reads the calls and results back from a sample; throws on a sample that does not parse. */
  parseTrace(sample: unknown): DialogueTrace;
  /** Every rule of the format, checked on one sample. */
  validate(sample: unknown): SampleViolation[];
  /** The chat messages of a sample as role/text pairs plus the tools text, for token counting. */
  tokenParts(sample: unknown): { messages: Array<Record<string, unknown>>; tools?: unknown };
}
