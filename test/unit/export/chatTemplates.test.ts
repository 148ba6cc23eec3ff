/**
 * The Hugging Face export rendered through real tool-calling chat templates with @huggingface/jinja
 * (transformers.js's Jinja engine): Qwen2.5-Instruct's template and vLLM's Hermes template (fixtures
 * with their sources in test/fixtures/chat-templates/README.md). Every tool call and result is parsed
 * back out of the rendered text and must equal the dialogue's, in order, parallel calls included.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { formatModule, recordTrace } from '../../../src/engine/export';
import type { DialogueTrace } from '../../../src/engine/export/types';
import { record, richMessages, simpleMessages } from '../../support/export/records';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/chat-templates', name), 'utf8');

/** Splits a ChatML rendering into its turns: `{role, body}`. */
function chatmlTurns(text: string): Array<{ role: string; body: string }> {
  return text
    .split('<|im_start|>')
    .slice(1)
    .map((seg) => {
      const nl = seg.indexOf('\n');
      return { role: (nl < 0 ? seg : seg.slice(0, nl)).trim(), body: (nl < 0 ? '' : seg.slice(nl + 1)).replace(/<\|im_end\|>\s*$/, '') };
    });
}

const blocks = (text: string, tag: string) => [...text.matchAll(new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`, 'g'))].map((m) => m[1]!);

/** Reads calls and results back from a rendering: calls from assistant turns, results from the turns after. */
function traceFromRendering(text: string, resultRole: 'user' | 'tool', resultOf: (block: string) => string): DialogueTrace {
  const turns = chatmlTurns(text);
  const trace: DialogueTrace = [];
  turns.forEach((t, i) => {
    if (t.role !== 'assistant') return;
    const calls = blocks(t.body, 'tool_call').map((b) => JSON.parse(b) as { name: string; arguments: unknown });
    if (!calls.length) return;
    // results: every <tool_response> of the result turns that follow (one turn for Qwen, one per result for Hermes)
    const results: string[] = [];
    for (let j = i + 1; j < turns.length && turns[j]!.role === resultRole && turns[j]!.body.trimStart().startsWith('<tool_response>'); j++) results.push(...blocks(turns[j]!.body, 'tool_response').map(resultOf));
    trace.push({ calls: calls.map((c) => ({ name: c.name, arguments: c.arguments })), results: results.map((content, k) => ({ name: calls[k]!.name, content })) });
  });
  return trace;
}

const records = [record('d000001', richMessages()), record('d000002', simpleMessages('Oslo'))];

describe('HF export through real chat templates', () => {
  test('Qwen2.5-Instruct template: calls (parallel too) and results parse back intact, text beside calls is rendered', () => {
    const template = new Template(fixture('qwen2.5-instruct.jinja'));
    for (const r of records) {
      const { sample } = formatModule('hf').convert(r, { system: true });
      const s = JSON.parse(JSON.stringify(sample)) as { messages: unknown[]; tools: unknown[] };
      const text = template.render({ messages: s.messages, tools: s.tools, add_generation_prompt: false, bos_token: '', eos_token: '<|im_end|>' });
      assert.ok(text.startsWith(`<|im_start|>system\n${r.system}\n\n# Tools`), 'our system prompt leads the tools block');
      for (const t of r.tools) assert.ok(text.includes(`"name": "${t.function.name}"`), `tool ${t.function.name} is listed`);
      assert.deepEqual(traceFromRendering(text, 'user', (b) => b), recordTrace(r.messages));
      if (r.id === 'd000001') assert.ok(text.includes('<|im_start|>assistant\nSure, booking it now.\n<tool_call>'), 'text and call share the turn');
    }
  });

  test('vLLM Hermes template: calls and named tool responses parse back intact', () => {
    const template = new Template(fixture('vllm-hermes.jinja'));
    for (const r of records) {
      const { sample } = formatModule('hf').convert(r, { system: true });
      const s = JSON.parse(JSON.stringify(sample)) as { messages: unknown[]; tools: unknown[] };
      const text = template.render({ messages: s.messages, tools: s.tools, add_generation_prompt: false, bos_token: '' });
      const trace = traceFromRendering(text, 'tool', (b) => {
        const v = JSON.parse(b) as { name: string; content: string };
        return v.content;
      });
      assert.deepEqual(trace, recordTrace(r.messages));
      // the template names each response: check the names follow the calls
      const names = chatmlTurns(text)
        .filter((t) => t.role === 'tool')
        .flatMap((t) => blocks(t.body, 'tool_response').map((b) => (JSON.parse(b) as { name: string }).name));
      assert.deepEqual(names, recordTrace(r.messages).flatMap((x) => x.results.map((y) => y.name)));
    }
  });

  test('the Hermes template refuses tool messages without a name: the export always sets it', () => {
    const template = new Template(fixture('vllm-hermes.jinja'));
    const { sample } = formatModule('hf').convert(records[1]!, { system: true });
    const s = JSON.parse(JSON.stringify(sample)) as { messages: Array<Record<string, unknown>>; tools: unknown[] };
    delete s.messages.find((m) => m.role === 'tool')!.name;
    assert.throws(() => template.render({ messages: s.messages, tools: s.tools, bos_token: '' }), /name/);
  });
});
