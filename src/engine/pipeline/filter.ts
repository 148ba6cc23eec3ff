/**
 * The rule-based filter (issue #4 item 5): checks a finished dialogue and returns machine-readable
 * reasons for every problem found. An empty list means the dialogue is accepted.
 *
 * Rules: called tool exists; arguments are a JSON object that validates against the parameter
 * schema (ajv) with every required parameter present; every tool call has exactly one result and the
 * assistant answers in text after results; tool results are JSON; the dialogue is complete (starts
 * with the user, ends with an assistant text reply); no empty turns.
 *
 * Plan adherence (when the dialogue had a plan and passes the rules above): a plan with tool steps makes at least one call;
 * each tool step is served by a call of one of its named tools (any tool when it names none) made
 * while the user was on that step; no step is skipped and the user reaches the last step; no tool
 * is called during an `irrelevant` step; in a `missing-detail` step the assistant asks before calling.
 */
import type { ChatMessage, ToolCall } from '../llm/types';
import type { OpenAITool } from '../model/tool';
import { validateAgainst } from './schemaValidator';
import type { DialoguePlan, DialogueRecord, RejectionReason } from './types';

/** The plan of a dialogue and which step each user message served, as the filter reads them. */
export interface PlanTrace {
  plan: DialoguePlan;
  userTurnSteps?: DialogueRecord['userTurnSteps'];
}

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

/** Steps that need a tool call: `tool` and `missing-detail`. */
export function isToolStep(step: DialoguePlan['steps'][number]): boolean {
  return step.kind === 'tool' || step.kind === 'missing-detail';
}

/** Which step's tools an assistant call may serve: the step's named tools, or any tool when it names none. */
export function servesStep(step: DialoguePlan['steps'][number], toolName: string): boolean {
  return !step.tools || step.tools.length === 0 || step.tools.includes(toolName);
}

/** Plan-adherence reasons for a dialogue (see the module comment). */
export function checkPlanAdherence(messages: readonly ChatMessage[], trace: PlanTrace): RejectionReason[] {
  const { plan } = trace;
  const reasons: RejectionReason[] = [];
  const calls = messages.flatMap((m, i) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => ({ call: c, index: i })) : []));
  const toolSteps = plan.steps.map((s, i) => ({ s, i })).filter(({ s }) => isToolStep(s));
  if (toolSteps.length > 0 && calls.length === 0) {
    reasons.push({ code: 'plan-no-tool-call', message: `the plan has ${toolSteps.length} tool step(s) (${toolSteps.map(({ i }) => i + 1).join(', ')}) but the dialogue makes no tool call` });
  }
  const turns = trace.userTurnSteps;
  if (!turns) {
    // Records without the step of each user turn: only order-free checks are possible.
    if (calls.length > 0) {
      for (const { s, i } of toolSteps) {
        if (!calls.some(({ call }) => servesStep(s, call.function.name))) reasons.push({ code: 'plan-step-not-served', message: `plan step ${i + 1} needs a call of ${s.tools!.join(' or ')}, which the dialogue never makes` });
      }
    }
    return reasons;
  }
  // The step each message belongs to: that of the latest user message at or before it.
  const stepAt: number[] = [];
  const byIndex = new Map(turns.map((t) => [t.messageIndex, t.step]));
  let current = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user') current = byIndex.get(i) ?? current;
    stepAt.push(current);
  });
  const reached = new Set(turns.map((t) => t.step));
  const last = turns.length > 0 ? Math.max(...turns.map((t) => t.step)) : -1;
  plan.steps.forEach((s, i) => {
    if (!reached.has(i)) {
      if (i < last) reasons.push({ code: 'plan-step-skipped', message: `no user turn served plan step ${i + 1} (${s.kind}: ${s.request}) although step ${last + 1} was reached` });
      return;
    }
    const inStep = calls.filter(({ index }) => stepAt[index] === i);
    if (s.kind === 'missing-detail') {
      // The assistant's first reply in the step asks (text, no call) before any call is made.
      const first = turns.find((t) => t.step === i)!.messageIndex;
      const reply = messages.findIndex((m, j) => j > first && m.role === 'assistant');
      const m = reply >= 0 ? messages[reply] : undefined;
      if (m && m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0) {
        reasons.push({ code: 'missing-detail-not-asked', message: `in plan step ${i + 1} (${s.request}) the assistant called ${m.tool_calls!.map((c) => c.function.name).join(', ')} before asking for the missing detail`, messageIndex: reply });
      }
    }
    if (isToolStep(s) && calls.length > 0 && !inStep.some(({ call }) => servesStep(s, call.function.name))) {
      const first = turns.find((t) => t.step === i)!;
      reasons.push({
        code: 'plan-step-not-served',
        message: `plan step ${i + 1} (${s.request}) got no tool call${s.tools?.length ? ` of ${s.tools.join(' or ')}` : ''}${inStep.length > 0 ? ` (called ${inStep.map(({ call }) => call.function.name).join(', ')})` : ''}`,
        messageIndex: first.messageIndex,
      });
    }
    if (s.kind === 'irrelevant') {
      for (const { call, index } of inStep) {
        reasons.push({ code: 'call-in-irrelevant-step', message: `the assistant called ${call.function.name} during plan step ${i + 1}, a request none of the offered tools can do; it must answer or decline without a call`, messageIndex: index, toolCallId: call.id, tool: call.function.name });
      }
    }
  });
  if (last < plan.steps.length - 1 && messages.length > 0) {
    reasons.push({ code: 'plan-unfinished', message: `the dialogue ended at plan step ${last + 1} of ${plan.steps.length}`, messageIndex: messages.length - 1 });
  }
  return reasons;
}

export function filterDialogue(messages: readonly ChatMessage[], tools: readonly OpenAITool[], trace?: PlanTrace): RejectionReason[] {
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
  // Plan adherence is judged on dialogues that are sound otherwise: one cut short by a broken call
  // would also list every later step as unserved, burying the cause.
  if (trace && reasons.length === 0) reasons.push(...checkPlanAdherence(messages, trace));
  return reasons;
}
