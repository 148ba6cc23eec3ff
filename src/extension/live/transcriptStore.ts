/**
 * The state behind the live transcript view, built from the pipeline's typed events (pure: no
 * `vscode`, unit-tested). Dialogues in flight are kept whole; finished ones are kept up to a bound so
 * a run of thousands of dialogues does not grow memory without limit.
 */
import { displayStatus } from '../common/dialogueStatus';
import type { ChatMessage } from '../../engine/llm/types';
import type { PipelineEvent } from '../../engine/pipeline/events';
import type { DialogueRecord } from '../../engine/pipeline/types';
import type { DialogueListItem, DialogueView, RunProgressView, ToolCallView, TurnView } from '../../shared/liveTranscripts';

export const MAX_FINISHED_KEPT = 200;

export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function turnFromMessage(index: number, message: ChatMessage, toolNames: Map<string, string>): TurnView {
  switch (message.role) {
    case 'user':
    case 'system':
      return { index, author: 'user', text: typeof message.content === 'string' ? message.content : String(message.content) };
    case 'assistant': {
      const calls: ToolCallView[] | undefined = message.tool_calls?.map((c) => {
        toolNames.set(c.id, c.function.name);
        return { id: c.id, name: c.function.name, arguments: prettyJson(c.function.arguments) };
      });
      return { index, author: 'assistant', text: message.content ?? null, ...(calls?.length ? { toolCalls: calls } : {}) };
    }
    case 'tool': {
      const name = toolNames.get(message.tool_call_id);
      return { index, author: 'tool', text: prettyJson(message.content), toolCallId: message.tool_call_id, ...(name ? { toolName: name } : {}) };
    }
  }
}

/** Plan step of a dialogue whose events carry none (read from disk): the n-th user turn works on step n. */
function estimateStep(view: DialogueView): number | null {
  if (!view.plan || view.plan.length === 0) return null;
  const userTurns = view.turns.filter((t) => t.author === 'user').length;
  if (view.state !== 'in-flight') return view.plan.length - 1;
  return Math.max(0, Math.min(view.plan.length - 1, userTurns - 1));
}

/** Converts a record from dialogues.jsonl into the view (for Open Dialogue). */
export function dialogueViewFromRecord(runName: string, record: DialogueRecord): DialogueView {
  const names = new Map<string, string>();
  const turns = record.messages.map((m, i) => turnFromMessage(i, m, names));
  let tokens = 0;
  for (const u of Object.values(record.usage ?? {})) if (u) tokens += u.promptTokens + u.completionTokens;
  const view: DialogueView = {
    key: `${runName}/${record.id}`,
    id: record.id,
    index: record.index,
    runName,
    tools: (record.tools ?? []).map((t) => t.function.name),
    style: record.style ?? '',
    plan: record.plan ? record.plan.steps.map((s) => ({ kind: s.kind, request: s.request, ...(s.tools ? { tools: s.tools } : {}) })) : null,
    currentStep: null,
    turns,
    state: displayStatus(record),
    reasons: (record.reasons ?? []).map((r) => ({ code: r.code, message: r.message })),
    tokens,
  };
  view.currentStep = estimateStep(view);
  return view;
}

export type StoreChange = { run?: true; list?: true; dialogues: Set<string> };

export class TranscriptStore {
  private readonly dialogues = new Map<string, DialogueView>();
  private readonly toolNames = new Map<string, Map<string, string>>();
  private finishedOrder: string[] = [];
  run: RunProgressView | null = null;
  private runName = '';

  keyOf(id: string): string {
    return `${this.runName}/${id}`;
  }

  get(key: string): DialogueView | undefined {
    return this.dialogues.get(key);
  }

  /** In-flight dialogues first (by index), then finished ones, most recent first. */
  list(): DialogueListItem[] {
    const all = [...this.dialogues.values()];
    const inFlight = all.filter((d) => d.state === 'in-flight').sort((a, b) => a.index - b.index);
    const finishedKeys = [...this.finishedOrder].reverse();
    const finished = finishedKeys.map((k) => this.dialogues.get(k)).filter((d): d is DialogueView => !!d);
    return [...inFlight, ...finished].map((d) => ({ key: d.key, id: d.id, runName: d.runName, state: d.state, turns: d.turns.filter((t) => t.author === 'user').length }));
  }

  /** Adds a finished dialogue read from disk (Open Dialogue). */
  addRecord(runName: string, record: DialogueRecord): DialogueView {
    const view = dialogueViewFromRecord(runName, record);
    this.dialogues.set(view.key, view);
    this.markFinished(view.key);
    return view;
  }

  private markFinished(key: string): void {
    this.finishedOrder = this.finishedOrder.filter((k) => k !== key);
    this.finishedOrder.push(key);
    while (this.finishedOrder.length > MAX_FINISHED_KEPT) {
      const old = this.finishedOrder.shift()!;
      this.dialogues.delete(old);
      this.toolNames.delete(old);
    }
  }

  /** Applies one pipeline event; returns what changed. */
  apply(event: PipelineEvent): StoreChange {
    const change: StoreChange = { dialogues: new Set() };
    switch (event.type) {
      case 'run-started': {
        this.runName = event.runDir.split(/[\\/]/).filter(Boolean).pop() ?? event.runDir;
        this.run = {
          runName: this.runName,
          state: 'running',
          total: event.manifest.options.count,
          done: event.alreadyDone,
          accepted: 0,
          rejected: 0,
          inFlight: 0,
          tokens: 0,
        };
        change.run = true;
        break;
      }
      case 'run-progress':
        if (this.run) {
          Object.assign(this.run, {
            total: event.counts.total,
            done: event.counts.done,
            accepted: event.counts.accepted,
            rejected: event.counts.rejected,
            inFlight: event.inFlight,
            tokens: event.tokens,
          });
          change.run = true;
        }
        break;
      case 'run-finished':
        for (const d of this.dialogues.values()) {
          if (d.state === 'in-flight' && d.runName === this.runName) {
            d.state = 'stopped';
            this.markFinished(d.key);
            change.dialogues.add(d.key);
            change.list = true;
          }
        }
        if (this.run) {
          Object.assign(this.run, {
            state: event.reason,
            total: event.counts.total,
            done: event.counts.done,
            accepted: event.counts.accepted,
            rejected: event.counts.rejected,
            inFlight: 0,
            tokens: event.tokens,
          });
          change.run = true;
        }
        break;
      case 'dialogue-started': {
        const key = this.keyOf(event.id);
        this.dialogues.set(key, {
          key,
          id: event.id,
          index: event.index,
          runName: this.runName,
          tools: [...event.tools],
          style: event.style,
          plan: null,
          currentStep: null,
          turns: [],
          state: 'in-flight',
          reasons: [],
          tokens: 0,
        });
        this.toolNames.set(key, new Map());
        change.list = true;
        change.dialogues.add(key);
        break;
      }
      case 'plan-ready': {
        const d = this.dialogues.get(this.keyOf(event.id));
        if (d) {
          d.plan = event.plan.steps.map((s) => ({ kind: s.kind, request: s.request, ...(s.tools ? { tools: s.tools } : {}) }));
          d.currentStep = estimateStep(d);
          change.dialogues.add(d.key);
        }
        break;
      }
      case 'message': {
        const d = this.dialogues.get(this.keyOf(event.id));
        if (d) {
          const names = this.toolNames.get(d.key) ?? new Map<string, string>();
          this.toolNames.set(d.key, names);
          const turn = turnFromMessage(event.messageIndex, event.message, names);
          const at = d.turns.findIndex((t) => t.index === event.messageIndex);
          if (at >= 0) d.turns[at] = { ...d.turns[at], ...turn };
          else d.turns.push(turn);
          // The pipeline says which plan step it is on; records from disk fall back to an estimate.
          d.currentStep = event.planStep ?? estimateStep(d);
          change.dialogues.add(d.key);
          if (event.author === 'user') change.list = true;
        }
        break;
      }
      case 'tool-result': {
        const d = this.dialogues.get(this.keyOf(event.id));
        if (d) {
          for (const t of d.turns) {
            if (t.author === 'tool' && t.toolCallId === event.toolCallId) {
              t.ok = event.ok;
              t.toolName = event.name;
            }
          }
          change.dialogues.add(d.key);
        }
        break;
      }
      case 'usage': {
        const d = this.dialogues.get(this.keyOf(event.id));
        if (d) {
          d.tokens += event.usage.promptTokens + event.usage.completionTokens;
          change.dialogues.add(d.key);
        }
        if (this.run) {
          this.run.tokens = event.totalTokens;
          change.run = true;
        }
        break;
      }
      case 'verdict': {
        const key = this.keyOf(event.id);
        // The record is the truth: it holds every message, including any we never saw streamed.
        const view = dialogueViewFromRecord(this.runName, event.record);
        const before = this.dialogues.get(key);
        if (before) {
          view.tokens = Math.max(view.tokens, before.tokens);
          // The record does not say which simulated tool results were errors; the stream did.
          const ok = new Map(before.turns.filter((t) => t.toolCallId && t.ok !== undefined).map((t) => [t.toolCallId!, t.ok!]));
          for (const t of view.turns) if (t.toolCallId && ok.has(t.toolCallId)) t.ok = ok.get(t.toolCallId)!;
        }
        this.dialogues.set(key, view);
        this.toolNames.delete(key);
        this.markFinished(key);
        change.dialogues.add(key);
        change.list = true;
        break;
      }
      case 'tool-call':
      case 'log':
        break;
    }
    return change;
  }
}
