/**
 * Hooks the LLM client calls for logging and usage; the pipeline forwards them to its event stream.
 * Every string in them has been redacted: no API key or header value ever appears.
 */
import type { StructuredMode } from './structuredOutput';
import type { RoleUsage } from './usageMeter';
import type { LlmErrorCode, LlmRole, TokenUsage } from './types';

export interface LlmRequestEvent {
  role: LlmRole;
  model: string;
  baseURL: string;
  /** 1-based attempt number of this request. */
  attempt: number;
  stream: boolean;
  /** Set for structured requests. */
  mode?: StructuredMode;
  schemaName?: string;
}

export interface LlmUsageEvent {
  role: LlmRole;
  model: string;
  usage: TokenUsage;
  /** Whether the server reported the usage (false: estimated from text length). */
  reported: boolean;
  costUsd: number;
  latencyMs: number;
  /** Usage of this role so far, including this request. */
  roleTotals: RoleUsage;
}

export interface LlmRetryEvent {
  role: LlmRole;
  model: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  code: LlmErrorCode;
  message: string;
  delayMs: number;
  retryAfterMs?: number;
}

export interface LlmFallbackEvent {
  role: LlmRole;
  baseURL: string;
  model: string;
  from: StructuredMode;
  to: StructuredMode;
  reason: string;
}

export interface LlmRepairEvent {
  role: LlmRole;
  schemaName: string;
  /** 1-based number of this re-ask. */
  repair: number;
  problems: string[];
}

export interface LlmClientHooks {
  onRequest?(e: LlmRequestEvent): void;
  onUsage?(e: LlmUsageEvent): void;
  onRetry?(e: LlmRetryEvent): void;
  onFallback?(e: LlmFallbackEvent): void;
  onRepair?(e: LlmRepairEvent): void;
}
