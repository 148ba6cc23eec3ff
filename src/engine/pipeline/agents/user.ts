/**
 * The user agent (paper 3.3, user role): plays the human. It knows the plan and which step is in
 * progress, decides whether the assistant's last reply finished that step (then moves on), supplies
 * details the assistant asked for, speaks in the dialogue's language style, and ends the dialogue.
 *
 * Protocol: `structured()` with schemaName `user_turn`; the system prompt holds the plan as lines
 * `Step i [tool|chitchat]: request` and `Current step: i` (1-based).
 */
import type { ChatMessage, ChatModel, TokenUsage } from '../../llm/types';
import type { JsonSchema } from '../../model/jsonSchema';
import type { OpenAITool } from '../../model/tool';
import { planLines } from '../plan';
import type { DialoguePlan } from '../types';
import { transcript } from './transcript';

export const USER_TURN_SCHEMA_NAME = 'user_turn';

export interface UserTurn {
  /** What the user says next (empty only when `finished`). */
  message: string;
  /** true when the assistant's last reply completed the current step; `message` then starts the next one. */
  stepDone: boolean;
  /** true when the user ends the conversation; `message` is then not added to the dialogue. */
  finished: boolean;
}

export const USER_TURN_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['message', 'stepDone', 'finished'],
  properties: { message: { type: 'string' }, stepDone: { type: 'boolean' }, finished: { type: 'boolean' } },
};

export function validateUserTurn(value: unknown): { ok: true; value: UserTurn } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['the answer must be a JSON object'] };
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof v.message !== 'string') errors.push('"message" must be a string');
  if (typeof v.stepDone !== 'boolean') errors.push('"stepDone" must be true or false');
  if (typeof v.finished !== 'boolean') errors.push('"finished" must be true or false');
  if (errors.length === 0 && !v.finished && (v.message as string).trim() === '') errors.push('"message" must not be empty unless "finished" is true');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { message: (v.message as string).trim(), stepDone: v.stepDone as boolean, finished: v.finished as boolean } };
}

export interface UserContext {
  plan: DialoguePlan | null;
  /** 1-based step in progress before this turn. */
  currentStep: number;
  style: string;
  tools: OpenAITool[];
  /** Without a plan: how many requests the user should make in total, and how many were made. */
  targetTurns: number;
  turnsSoFar: number;
}

export function userSystemPrompt(ctx: UserContext): string {
  const lines = [
    'You play a human user talking to an AI assistant that can use tools. You are not the assistant: never call tools, never answer your own requests.',
    `Your language style in this conversation: ${ctx.style}.`,
  ];
  if (ctx.plan) {
    lines.push(
      'Follow this plan, one step at a time:',
      ...planLines(ctx.plan),
      `Current step: ${ctx.currentStep}`,
      'Rules:',
      '- If the conversation is empty, start the current step.',
      '- If the assistant\'s last reply completed the current step, set "stepDone" to true and write the request of the next step.',
      '- If the assistant asked you for a detail, supply a plausible value and keep "stepDone" false.',
      '- If the assistant has not finished the current step yet, continue it and keep "stepDone" false.',
      '- When the last step is completed, set "finished" to true (and "stepDone" true).',
    );
  } else {
    lines.push(
      'You have no fixed plan: ask for things the assistant\'s tools can help with, one request per message, building on earlier answers.',
      `Make about ${ctx.targetTurns} requests in total; you have made ${ctx.turnsSoFar}.`,
      'Tools the assistant has (for your inspiration only):',
      ...ctx.tools.map((t) => `- ${t.function.name}: ${t.function.description}`),
      'If the assistant asked you for a detail, supply a plausible value. Set "finished" to true when you are done; "stepDone" is true when your previous request was answered.',
    );
  }
  lines.push('Write only your next message as the user, in "message", replying to the conversation below. Answer with JSON only.');
  return lines.join('\n');
}

export function userMessages(ctx: UserContext, dialogue: readonly ChatMessage[]): ChatMessage[] {
  return [
    { role: 'system', content: userSystemPrompt(ctx) },
    {
      role: 'user',
      // The transcript comes last so that the assistant's latest words end the prompt.
      content: dialogue.length === 0 ? 'The conversation has not started yet. Write your first message.' : `Conversation so far (you are "User"):\n${transcript(dialogue)}`,
    },
  ];
}

export async function userTurn(model: ChatModel, ctx: UserContext, dialogue: readonly ChatMessage[], signal?: AbortSignal): Promise<{ turn: UserTurn; usage: TokenUsage }> {
  const { value, usage } = await model.structured<UserTurn>({
    role: 'user',
    messages: userMessages(ctx, dialogue),
    schemaName: USER_TURN_SCHEMA_NAME,
    schema: USER_TURN_SCHEMA,
    validate: validateUserTurn,
    signal,
  });
  return { turn: value, usage };
}
