/** OpenAI chat fine-tuning rules (cookbook checks plus the tool-calling rules of the fine-tuning guide). */
import type { SampleViolation } from '../types';
import { validateChatSample } from './chatRules';

export const OPENAI_RULES = {
  argumentsAs: 'string',
  allowedKeys: {
    system: ['content', 'name'],
    user: ['content', 'name'],
    assistant: ['content', 'name', 'tool_calls', 'weight'],
    tool: ['content', 'tool_call_id', 'name'],
  },
  topKeys: ['tools', 'parallel_tool_calls'],
  toolNameRequired: false,
} as const;

export function validateOpenAISample(sample: unknown): SampleViolation[] {
  return validateChatSample(sample, OPENAI_RULES);
}
