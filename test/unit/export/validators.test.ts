/**
 * Every rule of every format's validator, each with a sample broken in exactly that way: the
 * validator must name the rule (and where), and the unbroken sample must pass. Plus line numbers,
 * invalid JSON and the token limit through `validateSamples` / `toolflow validate`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatModule, parseJsonLines, validateSamples, type ExportFormat } from '../../../src/engine/export';
import { record, richMessages } from '../../support/export/records';
import { runCli } from '../../support/cliRun';

type Sample = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = (format: ExportFormat): Sample => JSON.parse(JSON.stringify(formatModule(format).convert(record('d000001', richMessages()), { system: true }).sample)) as Sample;

/** [rule, how the sample is broken, expected pointer (optional)] */
type Case = [string, (s: Sample) => unknown, string?];

// OpenAI sample: messages = [system, user, assistant(2 calls), tool a, tool b, assistant, user, assistant(text+call), tool c, assistant, user, assistant]
const chatCases: Case[] = [
  ['data_type', () => [1, 2]],
  ['missing_messages_list', (s) => ({ ...s, messages: [] }), '/messages'],
  ['example_unrecognized_key', (s) => ({ ...s, id: 'd1' }), '/id'],
  ['deprecated_functions', (s) => ({ ...s, functions: [] }), '/functions'],
  ['tools_invalid', (s) => ({ ...s, tools: [{ name: 'get_weather' }] }), '/tools/0'],
  ['tools_invalid', (s) => (s.tools[1].function.name = 'has space', s), '/tools/1/function/name'],
  ['tools_invalid', (s) => (s.tools[0].function.parameters = { type: 'string' }, s), '/tools/0/function/parameters'],
  ['parallel_tool_calls_type', (s) => ({ ...s, parallel_tool_calls: 'yes' }), '/parallel_tool_calls'],
  ['parallel_calls_disallowed', (s) => ({ ...s, parallel_tool_calls: false }), '/messages/2/tool_calls'],
  ['unrecognized_role', (s) => (s.messages[1].role = 'human', s), '/messages/1/role'],
  ['unrecognized_role', (s) => (s.messages[1].role = 'function', s), '/messages/1/role'],
  ['system_not_first', (s) => (s.messages.splice(2, 0, { role: 'system', content: 'again' }), s), '/messages/2'],
  ['message_missing_key', (s) => (delete s.messages[1].role, s), '/messages/1/role'],
  ['message_missing_key', (s) => (delete s.messages[5].content, s), '/messages/5/content'],
  ['message_unrecognized_key', (s) => (s.messages[1].thoughts = 'x', s), '/messages/1/thoughts'],
  ['deprecated_function_call', (s) => (s.messages[5].function_call = { name: 'get_weather', arguments: '{}' }, s), '/messages/5/function_call'],
  ['missing_content', (s) => (s.messages[1].content = '', s), '/messages/1/content'],
  ['missing_content', (s) => (s.messages[5].content = ['parts'], s), '/messages/5/content'],
  ['missing_content', (s) => (s.messages[2].content = 42, s), '/messages/2/content'],
  ['tool_calls_invalid', (s) => (s.messages[5].tool_calls = [], s), '/messages/5/tool_calls'],
  ['tool_calls_invalid', (s) => (s.messages[2].tool_calls[0].type = 'code', s), '/messages/2/tool_calls/0/type'],
  ['tool_calls_invalid', (s) => (s.messages[2].tool_calls[0] = 'get_weather()', s), '/messages/2/tool_calls/0'],
  ['tool_call_id_missing', (s) => (delete s.messages[2].tool_calls[0].id, s), '/messages/2/tool_calls/0/id'],
  ['tool_call_id_missing', (s) => (delete s.messages[3].tool_call_id, s), '/messages/3/tool_call_id'],
  ['duplicate_tool_call_id', (s) => (s.messages[7].tool_calls[0].id = 'call_a', s), '/messages/7/tool_calls/0/id'],
  ['tool_name_unknown', (s) => (s.tools = s.tools.slice(1), s), '/messages/2/tool_calls/0/function/name'],
  ['tool_result_orphan', (s) => (s.messages[8].tool_call_id = 'call_zzz', s), '/messages/8/tool_call_id'],
  ['tool_call_unanswered', (s) => (s.messages.splice(4, 1), s), '/messages/2/tool_calls/1'],
  ['tool_message_name', (s) => (s.messages[3].name = 'search_flights', s), '/messages/3/name'],
  ['example_missing_assistant_message', (s) => ({ ...s, messages: s.messages.filter((m: Sample) => m.role === 'user') }), '/messages'],
];

const openaiCases: Case[] = [
  ...chatCases,
  ['arguments_not_json_string', (s) => (s.messages[2].tool_calls[0].function.arguments = { city: 'Paris' }, s), '/messages/2/tool_calls/0/function/arguments'],
  ['arguments_not_json_string', (s) => (s.messages[2].tool_calls[0].function.arguments = '{"city": Paris}', s), '/messages/2/tool_calls/0/function/arguments'],
  ['weight_invalid', (s) => (s.messages[5].weight = 0.5, s), '/messages/5/weight'],
];

const hfCases: Case[] = [
  ...chatCases,
  ['arguments_not_object', (s) => (s.messages[2].tool_calls[0].function.arguments = '{"city": "Paris"}', s), '/messages/2/tool_calls/0/function/arguments'],
  ['tool_message_name', (s) => (delete s.messages[3].name, s), '/messages/3/name'],
  ['message_unrecognized_key', (s) => (s.messages[5].weight = 1, s), '/messages/5/weight'],
];

// ShareGPT sample: conversations = [human, function_call(2), observation, gpt, human, function_call, observation, gpt, human, gpt]
const sharegptCases: Case[] = [
  ['data_type', () => 'text'],
  ['example_unrecognized_key', (s) => ({ ...s, messages: [] }), '/messages'],
  ['system_not_string', (s) => ({ ...s, system: ['a'] }), '/system'],
  ['tools_not_json_string', (s) => ({ ...s, tools: JSON.parse(s.tools) }), '/tools'],
  ['tools_invalid', (s) => ({ ...s, tools: JSON.stringify([{ name: 'bad name!' }]) }), '/tools/0/name'],
  ['missing_conversations', (s) => ({ ...s, conversations: [] }), '/conversations'],
  ['turn_invalid', (s) => (s.conversations[3] = { from: 'gpt', value: 3 }, s), '/conversations/3'],
  ['unknown_from', (s) => (s.conversations[0].from = 'user', s), '/conversations/0/from'],
  ['position', (s) => (s.conversations.splice(3, 1), s), '/conversations/3/from'],
  ['observation_without_call', (s) => (s.conversations[1] = { from: 'gpt', value: 'hm' }, s), '/conversations/2'],
  ['function_call_value', (s) => (s.conversations[5].value = 'book_hotel(city="Paris")', s), '/conversations/5/value'],
  ['function_call_value', (s) => (s.conversations[5].value = JSON.stringify({ arguments: {} }), s), '/conversations/5/value'],
  ['tool_name_unknown', (s) => (s.conversations[5].value = JSON.stringify({ name: 'send_email', arguments: {} }), s), '/conversations/5/value'],
  ['arguments_not_object', (s) => (s.conversations[5].value = JSON.stringify({ name: 'book_hotel', arguments: '{"city":"Paris"}' }), s), '/conversations/5/value'],
  ['observation_count', (s) => (s.conversations[2].value = JSON.stringify(['only one']), s), '/conversations/2/value'],
  ['call_without_observation', (s) => (s.conversations.splice(6, 2), s), '/conversations/5'],
  ['last_turn', (s) => (s.conversations.pop(), s), '/conversations'],
];

// Hermes sample: conversations = [system, human, gpt(2 calls), tool, gpt, human, gpt(text+call), tool, gpt, human, gpt]
const hermesCases: Case[] = [
  ['data_type', () => null],
  ['missing_conversations', (s) => ({ ...s, conversations: 'x' }), '/conversations'],
  ['system_tools', (s) => (s.conversations.shift(), s), '/conversations/0'],
  ['system_tools', (s) => (s.conversations[0].value = 'You can call tools.', s), '/conversations/0/value'],
  ['turn_invalid', (s) => (s.conversations[4] = { from: 'gpt' }, s), '/conversations/4'],
  ['unknown_from', (s) => (s.conversations[1].from = 'user', s), '/conversations/1/from'],
  ['system_not_first', (s) => (s.conversations.splice(4, 0, { from: 'system', value: 'x' }), s), '/conversations/4'],
  ['tool_call_unanswered', (s) => (s.conversations.splice(3, 1), s), '/conversations/3'],
  ['tool_call_block', (s) => (s.conversations[6].value += '\n<tool_call>\n{"name": "book_hotel"', s), '/conversations/6/value'],
  ['tool_call_block', (s) => (s.conversations[6].value = s.conversations[6].value.replace(/\{"name"/, '{name'), s), '/conversations/6/value'],
  ['tool_name_unknown', (s) => (s.conversations[6].value = s.conversations[6].value.replace('"book_hotel"', '"send_email"'), s), '/conversations/6/value'],
  ['arguments_not_object', (s) => (s.conversations[6].value = s.conversations[6].value.replace(/"arguments":\{.*\}\}/, '"arguments":"city=Paris"}'), s), '/conversations/6/value'],
  ['tool_without_call', (s) => (s.conversations.splice(5, 0, { from: 'tool', value: '<tool_response>\n{"name":"x","content":"y"}\n</tool_response>' }), s), '/conversations/5'],
  ['tool_response_count', (s) => (s.conversations[3].value = s.conversations[3].value.split('\n</tool_response>')[0] + '\n</tool_response>', s), '/conversations/3/value'],
  ['tool_response_block', (s) => (s.conversations[7].value = '<tool_response>\nno rooms\n</tool_response>', s), '/conversations/7/value'],
  ['tool_response_order', (s) => (s.conversations[3].value = [...(s.conversations[3].value as string).matchAll(/<tool_response>[\s\S]*?<\/tool_response>/g)].map((m) => m[0]).reverse().join('\n'), s), '/conversations/3/value'],
  ['example_missing_assistant_message', (s) => ({ conversations: s.conversations.filter((t: Sample) => t.from === 'system' || t.from === 'human') }), '/conversations'],
];

const table: Record<ExportFormat, Case[]> = { openai: openaiCases, hf: hfCases, sharegpt: sharegptCases, hermes: hermesCases };

for (const [format, cases] of Object.entries(table) as Array<[ExportFormat, Case[]]>) {
  describe(`${format} validator`, () => {
    test('the unbroken sample passes', () => {
      assert.deepEqual(formatModule(format).validate(base(format)), []);
    });
    cases.forEach(([rule, breakIt, pointer], i) => {
      test(`${rule} (#${i + 1})`, () => {
        const broken = breakIt(base(format));
        const found = formatModule(format).validate(broken);
        const hit = found.find((v) => v.rule === rule);
        assert.ok(hit, `expected ${rule}, got ${JSON.stringify(found)}`);
        if (pointer !== undefined) assert.equal(hit.pointer, pointer, hit.message);
      });
    });
  });
}

describe('file validation', () => {
  test('each violation carries its line; invalid JSON and the token limit are rules too', () => {
    const good = JSON.stringify(base('openai'));
    const broken = base('openai');
    broken.messages[3].tool_call_id = 'nope';
    const text = [good, '', JSON.stringify(broken), '{"messages": [', good].join('\n') + '\n';
    const report = validateSamples(parseJsonLines(text), 'openai', 'x.jsonl', { maxTokens: 100_000 });
    assert.equal(report.samples, 4);
    assert.deepEqual(
      report.violations.map((v) => [v.line, v.rule]),
      [
        [3, 'tool_result_orphan'],
        [3, 'tool_call_unanswered'],
        [4, 'invalid_json'],
      ],
    );
    const tokens = report.tokenCounts[0]!;
    assert.ok(tokens > 200 && tokens < 2000, `a real token count, got ${tokens}`);
    const limited = validateSamples(parseJsonLines(good + '\n'), 'openai', 'x.jsonl', { maxTokens: tokens - 1 });
    assert.deepEqual(limited.violations.map((v) => v.rule), ['token_limit']);
    assert.equal(limited.tokens.overLimit, 1);
    assert.equal(validateSamples(parseJsonLines(good + '\n'), 'openai', 'x.jsonl', { maxTokens: tokens }).errors, 0);
  });

  test('special-token strings in model output count as plain text, so the token limit still applies', () => {
    const s = base('openai');
    s.messages[s.messages.length - 1].content = 'done <|endoftext|> <|im_start|>';
    const report = validateSamples(parseJsonLines(JSON.stringify(s) + '\n'), 'openai', 'x.jsonl', { maxTokens: 10 });
    assert.ok(report.tokenCounts[0]! > 10, `counted, got ${report.tokenCounts[0]}`);
    assert.deepEqual(report.violations.map((v) => v.rule), ['token_limit']);
  });

  test('toolflow validate prints FILE:LINE rule and exits 1 on violations, 0 on a clean file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-validate-'));
    const hermes = base('hermes');
    hermes.conversations[6].value = hermes.conversations[6].value.replace('"book_hotel"', '"send_email"');
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), JSON.stringify(base('hermes')) + '\n' + JSON.stringify(hermes) + '\n');
    fs.writeFileSync(path.join(dir, 'good.jsonl'), JSON.stringify(base('hermes')) + '\n');
    const bad = await runCli(['validate', 'bad.jsonl', '--format', 'hermes'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^bad\.jsonl:2 tool_name_unknown: "send_email" is not in the system turn's <tools> \(\/conversations\/6\/value\)$/m);
    const good = await runCli(['validate', 'good.jsonl', '--format', 'hermes', '--json'], { cwd: dir });
    assert.equal(good.code, 0, good.err);
    const report = JSON.parse(good.out) as { samples: number; errors: number; tokens: { max: number } };
    assert.deepEqual([report.samples, report.errors], [1, 0]);
    assert.ok(report.tokens.max > 0);
    const tiny = await runCli(['validate', 'good.jsonl', '--format', 'hermes', '--max-tokens', '10'], { cwd: dir });
    assert.equal(tiny.code, 1);
    assert.match(tiny.err, /good\.jsonl:1 token_limit: \d+ tokens \(o200k_base\) exceed the limit of 10/);
    const unknown = await runCli(['validate', 'good.jsonl', '--format', 'alpaca'], { cwd: dir });
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown --format "alpaca"; use one of openai, hf, sharegpt, hermes/);
  });
});
