/**
 * The rule-based filter (issue #4 item 5): checks a finished dialogue and returns machine-readable
 * reasons for every problem found. An empty list means the dialogue is accepted.
 *
 * Rules: called tool exists; arguments are a JSON object that validates against the parameter
 * schema (ajv) with every required parameter present; every tool call has exactly one result and the
 * assistant answers in text after results; tool results are JSON; the dialogue is complete (starts
 * with the user, ends with an assistant text reply); no empty turns.
 */
import type { ChatMessage, ToolCall } from '../llm/types';
import type { OpenAITool } from '../model/tool';
import { validateAgainst } from './schemaValidator';
import type { RejectionReason } from './types';

function hasText(content: string | null | undefined): boolean {
  return typeof content === 'string' && content.trim() !== '';
}

/** Checks one tool call against the offered tools: the tool exists and its arguments validate. */
export function checkToolCall(byName: ReadonlyMap<string, OpenAITool>, call: ToolCall, messageIndex: number): RejectionReason[] {
  const tool = byName.get(call.function.name);
  if (!tool) {
    return [{ code: 'unknown-tool', message: `assistant called "${call.function.name}", which is not among the offered tools (${[...byName.keys()].join(', ')})`, messageIndex, toolCallId: call.id, tool: call.function.name }];
  }
  return checkArguments(tool, call.function.arguments, messageIndex, call.id);
}

function checkArguments(tool: OpenAITool, raw: string, messageIndex: number, toolCallId: string): RejectionReason[] {
  const name = tool.function.name;
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch (e) {
    return [{ code: 'arguments-not-json', message: `arguments of ${name} are not valid JSON: ${e instanceof Error ? e.message : String(e)}`, messageIndex, toolCallId, tool: name }];
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return [{ code: 'arguments-not-json', message: `arguments of ${name} must be a JSON object`, messageIndex, toolCallId, tool: name }];
  }
  return validateAgainst(tool.function.parameters, args).map((p): RejectionReason =>
    p.keyword === 'required' && p.pointer === ''
      ? { code: 'missing-required-param', message: `call of ${name} lacks required parameter "${p.missingProperty ?? '?'}"`, messageIndex, toolCallId, tool: name, pointer: `/${p.missingProperty ?? ''}` }
      : { code: 'arguments-invalid', message: `arguments of ${name}: ${p.message}`, messageIndex, toolCallId, tool: name, pointer: p.pointer },
  );
}

export function filterDialogue(messages: readonly ChatMessage[], tools: readonly OpenAITool[]): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  const byName = new Map(tools.map((t) => [t.function.name, t]));
  /** Tool calls still waiting for their result: id -> tool name and message index. */
  const pending = new Map<string, { name: string; index: number }>();
  /** Set after a tool result, cleared by an assistant text reply. */
  let awaitingAnswer: number | null = null;

  const flushUnanswered = (beforeIndex: number) => {
    for (const [id, call] of pending) {
      reasons.push({ code: 'missing-tool-result', message: `tool call ${id} (${call.name}) has no result before message ${beforeIndex}`, messageIndex: call.index, toolCallId: id, tool: call.name });
    }
    pending.clear();
  };

  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        break;
      case 'user':
        flushUnanswered(i);
        if (awaitingAnswer !== null) {
          reasons.push({ code: 'no-answer-after-results', message: `the user spoke at message ${i} before the assistant answered from the tool results at message ${awaitingAnswer}`, messageIndex: awaitingAnswer });
          awaitingAnswer = null;
        }
        if (!hasText(m.content)) reasons.push({ code: 'empty-turn', message: `user message ${i} is empty`, messageIndex: i });
        break;
      case 'assistant': {
        flushUnanswered(i);
        const calls = m.tool_calls ?? [];
        if (calls.length === 0 && !hasText(m.content)) reasons.push({ code: 'empty-turn', message: `assistant message ${i} has neither text nor tool calls`, messageIndex: i });
        if (hasText(m.content)) awaitingAnswer = null;
        for (const c of calls) {
          reasons.push(...checkToolCall(byName, c, i));
          pending.set(c.id, { name: c.function.name, index: i });
        }
        break;
      }
      case 'tool': {
        const call = pending.get(m.tool_call_id);
        if (!call) {
          reasons.push({ code: 'orphan-tool-result', message: `tool message ${i} answers "${m.tool_call_id}", which is no open tool call`, messageIndex: i, toolCallId: m.tool_call_id });
        } else {
          pending.delete(m.tool_call_id);
          try {
            JSON.parse(m.content);
          } catch {
            reasons.push({ code: 'tool-result-unparseable', message: `result of ${call.name} (message ${i}) is not JSON`, messageIndex: i, toolCallId: m.tool_call_id, tool: call.name });
          }
        }
        awaitingAnswer = i;
        break;
      }
    }
  });
  flushUnanswered(messages.length);
  if (awaitingAnswer !== null) {
    reasons.push({ code: 'no-answer-after-results', message: `the dialogue ends without the assistant answering from the tool results at message ${awaitingAnswer}`, messageIndex: awaitingAnswer });
  }
  const spoken = messages.filter((m) => m.role !== 'system');
  const first = spoken[0];
  const last = spoken[spoken.length - 1];
  if (!first || first.role !== 'user') {
    reasons.push({ code: 'incomplete-dialogue', message: first ? `the dialogue starts with a ${first.role} message, not the user` : 'the dialogue has no messages' });
  } else if (!last || last.role !== 'assistant' || !hasText(last.content) || (last.tool_calls?.length ?? 0) > 0) {
    reasons.push({ code: 'incomplete-dialogue', message: 'the dialogue does not end with an assistant text reply', messageIndex: messages.length - 1 });
  }
  return reasons;
}
