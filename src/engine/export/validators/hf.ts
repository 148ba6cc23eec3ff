/** Hugging Face chat-template rules: `messages` + `tools`, arguments as objects, named tool messages. */
import type { SampleViolation } from '../types';
import { validateChatSample } from './chatRules';

export function validateHfSample(sample: unknown): SampleViolation[] {
  return validateChatSample(sample, {
    argumentsAs: 'object',
    allowedKeys: {
      system: ['content'],
      user: ['content'],
      assistant: ['content', 'tool_calls'],
      tool: ['content', 'tool_call_id', 'name'],
    },
    topKeys: ['tools'],
    toolNameRequired: true,
  });
}
