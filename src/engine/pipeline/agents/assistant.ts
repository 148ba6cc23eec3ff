/**
 * The assistant agent (paper 3.3, assistant role): the model whose behaviour the dataset teaches.
 * It uses native tool calling: it decides whether a tool is needed, asks for missing required
 * parameters, answers chitchat directly and replies from tool results.
 */
import type { ChatMessage, ChatModel, ChatResult } from '../../llm/types';
import type { OpenAITool } from '../../model/tool';
import { renderRules, type PromptRule } from './promptRules';

/**
 * The assistant's rules (ids are what the prompt tests check). The prompt goes with every assistant
 * request and into every dataset record (`system`), so each rule is said once, briefly.
 */
export const ASSISTANT_RULES: readonly PromptRule[] = [
  { id: 'role', text: 'You are a helpful assistant with tools.' },
  { id: 'call-when-needed', text: 'Call a tool only when the user\'s request needs it; answer small talk directly.' },
  { id: 'decline-without-tool', text: 'If none of your tools can do what is asked, say so and help as you can without calling a tool.' },
  { id: 'clarification', text: 'If a required parameter is unknown, ask the user for it instead of guessing.' },
  { id: 'exact-tools', text: 'Use exact names and schema-valid arguments; independent calls may go in parallel.' },
  { id: 'answer-from-results', text: 'After tool results, answer the user from those results, errors included.' },
];

export const ASSISTANT_SYSTEM_PROMPT = renderRules(ASSISTANT_RULES);

/**
 * First words of the feedback after an assistant reply that could not be used (unknown tool,
 * arguments that are not JSON or fail the schema, an empty reply). The LLM simulator (a test
 * double) recognises it.
 */
export const ASSISTANT_REPAIR_LEAD = 'Your previous reply could not be used, so it was discarded:';

/** The feedback message appended (after the user's last message) when the assistant is sampled again. */
export function assistantRepairMessage(problems: readonly string[]): ChatMessage {
  return {
    role: 'user',
    content: [ASSISTANT_REPAIR_LEAD, ...problems.slice(0, 10).map((p) => `- ${p}`), 'Reply again to my last message: call only the tools you were given, with arguments that follow their schemas, or answer in text.'].join('\n'),
  };
}

export function assistantMessages(dialogue: readonly ChatMessage[], system = ASSISTANT_SYSTEM_PROMPT): ChatMessage[] {
  return [{ role: 'system', content: system }, ...dialogue];
}

/** `feedback`: the repair message after a discarded attempt (not part of the dialogue). */
export function assistantTurn(model: ChatModel, tools: OpenAITool[], dialogue: readonly ChatMessage[], signal?: AbortSignal, feedback?: ChatMessage): Promise<ChatResult> {
  return model.chat({
    role: 'assistant',
    messages: feedback ? [...assistantMessages(dialogue), feedback] : assistantMessages(dialogue),
    tools,
    toolChoice: 'auto',
    parallelToolCalls: true,
    signal,
  });
}
