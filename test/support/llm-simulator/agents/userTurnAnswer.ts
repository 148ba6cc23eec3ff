/**
 * User agent (schema `user_turn`) in the LLM simulator, a test double. Reads the plan lines
 * `Step i [tool|chitchat]: <request>` and `Current step: i` from the system prompt and the dialogue
 * so far from the other messages:
 * - the current step's request not yet made      -> make it            (stepDone false)
 * - the assistant's last words end in a question  -> answer it          (stepDone false)
 * - otherwise the current step is done            -> make the next step's request (stepDone true),
 *   or, after the last step, say goodbye           (stepDone true, finished true)
 */
import type { SeededRandom } from '../seededRandom';
import { schemaInstance } from '../schemaInstance';
import { textOf, type ChatCompletionBody } from '../requestShape';

interface PlanLine {
  index: number;
  kind: string;
  request: string;
}

/** What the simulated user says in a missing-detail step; the simulated assistant then asks. */
export const DETAILS_LATER = 'I will give you the details when you ask.';

/** First words of the LLM client's re-ask after an unusable structured answer (`repairMessage`). */
const REPAIR_LEAD = 'Your previous reply could not be used';

const STEP_LINE = /^\s*Step (\d+) \[([a-z-]+)\]:\s*(.+)$/gm;

/** What the simulated user says for a plan step; the same text every time, so it can be found again. */
export function utteranceFor(step: PlanLine): string {
  const core = step.request.replace(/^Ask the assistant to\s+/i, '').replace(/[.!?]+$/, '');
  if (step.kind === 'missing-detail') return `Could you ${core.replace(/, without giving the details at first$/, '').replace(/^./, (c) => c.toLowerCase())}? ${DETAILS_LATER}`;
  if (step.kind === 'tool' || step.kind === 'irrelevant') return `Could you ${core.charAt(0).toLowerCase()}${core.slice(1)}?`;
  return `${core.charAt(0).toUpperCase()}${core.slice(1)}.`;
}

/** Careless-user faults: end the conversation at once, or claim the current step is done and move on. */
export type UserFault = 'finish-early' | 'skip-step';

export function userTurnAnswer(body: ChatCompletionBody, rng: SeededRandom, fault?: UserFault): { message: string; stepDone: boolean; finished: boolean } {
  if (fault === 'finish-early') return { message: 'Thanks, that is all I needed!', stepDone: true, finished: true };
  const systemText = body.messages.filter((m) => m.role === 'system').map(textOf).join('\n');
  const steps: PlanLine[] = [];
  for (const m of systemText.matchAll(STEP_LINE)) steps.push({ index: Number(m[1]), kind: m[2]!, request: m[3]!.trim() });
  const currentNo = Number(/Current step:\s*(\d+)/.exec(systemText)?.[1] ?? 1);
  if (steps.length === 0) return { message: 'Hi! Can you help me with something?', stepDone: false, finished: rng.chance(0.3) };
  const current = steps.find((s) => s.index === currentNo);
  // Past the last step (or a step number the plan lacks): the conversation is over.
  if (!current) return { message: 'Thanks, that is all I needed!', stepDone: true, finished: true };

  if (fault === 'skip-step') {
    const after = steps.find((s) => s.index === current.index + 1);
    return after ? { message: utteranceFor(after), stepDone: true, finished: false } : { message: 'Thanks, bye!', stepDone: true, finished: true };
  }
  // A re-ask (our answer, then "Your previous reply could not be used: …") is answered from the
  // conversation before it, as a model that reads the feedback would.
  const messages = [...body.messages];
  while (messages.length >= 2 && messages[messages.length - 1]!.role === 'user' && textOf(messages[messages.length - 1]).startsWith(REPAIR_LEAD) && messages[messages.length - 2]!.role === 'assistant') messages.splice(-2);
  const dialogue = messages.filter((m) => m.role !== 'system');
  const spoken = dialogue.map(textOf).join('\n') + '\n' + systemText.replace(STEP_LINE, '');
  const utterance = utteranceFor(current);
  // A plan may ask for the same thing twice: step k is asked once the utterance was said as often as
  // steps up to k share it.
  const needed = steps.filter((s) => s.index <= current.index && utteranceFor(s) === utterance).length;
  if (spoken.split(utterance).length - 1 < needed) return { message: utterance, stepDone: false, finished: false };

  const lastLine = textOf(dialogue[dialogue.length - 1]).trim().split('\n').filter((l) => l.trim() !== '').pop() ?? '';
  if (lastLine.endsWith('?') && !steps.some((s) => utteranceFor(s) === lastLine.trim())) {
    const asked = /\b(?:the|your|a|an)\s+([a-z_ ]{2,40}?)\s*(?:\(|\?|for|to use|you)/i.exec(lastLine)?.[1]?.trim().replace(/\s+/g, '_') ?? 'value';
    const value = schemaInstance({ type: 'string' }, rng, {}, { type: 'string' }, asked);
    return { message: `Sure, the ${asked.replace(/_/g, ' ')} is ${String(value)}.`, stepDone: false, finished: false };
  }
  const next = steps.find((s) => s.index === current.index + 1);
  if (!next) return { message: rng.pick(['Thanks, that is all I needed!', 'Great, thank you for your help.', 'Perfect, that covers everything. Bye!']), stepDone: true, finished: true };
  return { message: utteranceFor(next), stepDone: true, finished: false };
}
