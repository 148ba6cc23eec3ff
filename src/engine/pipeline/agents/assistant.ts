/**
 * The assistant agent (paper 3.3, assistant role): the model whose behaviour the dataset teaches.
 * It uses native tool calling: it decides whether a tool is needed, asks for missing required
 * parameters, answers chitchat directly and replies from tool results.
 */
import type { ChatMessage, ChatModel, ChatResult } from '../../llm/types';
import type { OpenAITool } from '../../model/tool';

export const ASSISTANT_SYSTEM_PROMPT = [
  'You are a helpful assistant with access to tools.',
  'Call a tool only when the user\'s request needs it; answer small talk and general questions directly.',
  'If a required parameter of the tool you need is unknown, ask the user for it instead of guessing.',
  'You may call several tools at once when the calls are independent.',
  'After tool results arrive, answer the user from those results; if a tool returned an error, say so and suggest what to do.',
].join('\n');

export function assistantMessages(dialogue: readonly ChatMessage[], system = ASSISTANT_SYSTEM_PROMPT): ChatMessage[] {
  return [{ role: 'system', content: system }, ...dialogue];
}

export function assistantTurn(model: ChatModel, tools: OpenAITool[], dialogue: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatResult> {
  return model.chat({
    role: 'assistant',
    messages: assistantMessages(dialogue),
    tools,
    toolChoice: 'auto',
    parallelToolCalls: true,
    signal,
  });
}
