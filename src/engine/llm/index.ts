/** The LLM client: per-role OpenAI-compatible endpoints, retries, limits, usage, structured output. */
export * from './types';
export * from './config';
export * from './clientEvents';
export { LlmClient, type LlmClientOptions } from './llmClient';
export { UsageMeter, type RoleUsage, type UsageByRole } from './usageMeter';
export { schemaValidator, describeAjvError, type Validation } from './schemaValidator';
export { extractJson, parseSchemaInstruction, schemaInstruction, withSchemaInstruction, STRUCTURED_MODES, type StructuredMode } from './structuredOutput';
export { parseRetryAfter, retryDelayMs } from './retryPolicy';
export { Redactor, REDACTED } from './redact';
