/**
 * Prompt tests, independent of any model: every rule an agent depends on is in its rendered prompt
 * and says what it must, and the prompt carries the facts the rule refers to (plan lines, current
 * step, spoken tool names). Deleting or gutting a rule fails a test here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ASSISTANT_RULES, ASSISTANT_SYSTEM_PROMPT, assistantMessages, assistantRepairMessage, ASSISTANT_REPAIR_LEAD } from '../../../src/engine/pipeline/agents/assistant';
import { USER_BASE_RULES, USER_OUTPUT_RULES, USER_PLAN_RULES, userMessages, userSystemPrompt, type UserContext } from '../../../src/engine/pipeline/agents/user';
import { spokenName, spokenTools } from '../../../src/engine/pipeline/agents/spokenNames';
import { planMessages, plannerSystemPrompt, PLANNER_RULES } from '../../../src/engine/pipeline/plan';
import { EARLIER_RESULTS_CHARS, earlierLines, toolSimulatorMessages } from '../../../src/engine/pipeline/agents/toolSimulator';
import type { PromptRule } from '../../../src/engine/pipeline/agents/promptRules';
import type { DialoguePlan } from '../../../src/engine/pipeline/types';
import { offered, tool, weatherTool } from '../../support/pipeline/builders';

/** The rule with this id, and that its text says what it must (a regular expression per rule). */
function rule(rules: readonly PromptRule[], id: string, says: RegExp): PromptRule {
  const r = rules.find((x) => x.id === id);
  assert.ok(r, `rule "${id}" is missing`);
  assert.match(r.text, says, `rule "${id}" no longer says what its agent depends on`);
  return r;
}

const plan: DialoguePlan = {
  steps: [
    { kind: 'tool', request: 'get the weather in Paris', tools: ['get_weather'] },
    { kind: 'irrelevant', request: 'recommend a novel' },
    { kind: 'chitchat', request: 'chat about spring' },
    { kind: 'missing-detail', request: 'find flights, without saying the date', tools: ['search_flights'] },
  ],
};
const spoken = spokenTools([weatherTool], offered.slice(0, 1));
const ctx = (currentStep: number, p: DialoguePlan | null = plan): UserContext => ({ plan: p, currentStep, style: 'terse', tools: spoken, targetTurns: 3, turnsSoFar: 1 });

describe('user agent prompt', () => {
  const required: Array<[readonly PromptRule[], string, RegExp]> = [
    [USER_BASE_RULES, 'no-tool-calls', /never call tools/i],
    [USER_PLAN_RULES, 'start', /conversation is empty.*current step/i],
    [USER_PLAN_RULES, 'step-done', /"stepDone" to true.*next step/i],
    [USER_PLAN_RULES, 'clarification', /asked you for a detail.*"stepDone" false/i],
    [USER_PLAN_RULES, 'continue-step', /not finished.*"stepDone" false.*tool/i],
    [USER_PLAN_RULES, 'irrelevant-step', /"irrelevant".*cannot do/i],
    [USER_PLAN_RULES, 'missing-detail-step', /"missing-detail".*without the detail.*only when the assistant asks/i],
    [USER_PLAN_RULES, 'one-step-at-a-time', /never skip a step/i],
    [USER_PLAN_RULES, 'finishing', /"finished" to true.*only when the last step is completed/i],
    [USER_OUTPUT_RULES, 'json-only', /JSON only/],
  ];
  for (const [rules, id, says] of required) {
    test(`rule ${id} is present, says what it must, and is in the rendered prompt`, () => {
      const r = rule(rules, id, says);
      const rendered = userSystemPrompt(ctx(2));
      assert.ok(rendered.includes(r.text), `rule "${id}" is not rendered`);
    });
  }

  test('rules for a step kind are rendered only when the plan has such a step', () => {
    const plain: DialoguePlan = { steps: [plan.steps[0]!, plan.steps[2]!] };
    const p = userSystemPrompt(ctx(1, plain));
    assert.ok(!p.includes(rule(USER_PLAN_RULES, 'irrelevant-step', /./).text));
    assert.ok(!p.includes(rule(USER_PLAN_RULES, 'missing-detail-step', /./).text));
    assert.ok(p.includes(rule(USER_PLAN_RULES, 'finishing', /./).text));
  });

  test('the prompt holds the plan as step lines and the current step', () => {
    const p = userSystemPrompt(ctx(2));
    assert.match(p, /^Step 1 \[tool\]: get the weather in Paris$/m);
    assert.match(p, /^Step 2 \[irrelevant\]: recommend a novel$/m);
    assert.match(p, /^Step 3 \[chitchat\]: chat about spring$/m);
    assert.match(p, /^Current step: 2$/m);
    assert.match(p, /terse/, 'the language style');
    assert.ok(p.indexOf('Current step: 2') < p.indexOf(rule(USER_PLAN_RULES, 'finishing', /./).text), 'rules follow the plan');
  });

  test('without a plan: the no-tool rule, JSON only, and the tools by their spoken names', () => {
    const named = tool('create_vulnerability_2', { title: { type: 'string' } });
    named.provenance.originalName = 'create_vulnerability';
    const p = userSystemPrompt({ ...ctx(1, null), tools: spokenTools([named], [{ type: 'function', function: { name: named.name, description: 'Creates a vulnerability report', parameters: named.parameters } }]) });
    assert.ok(p.includes(rule(USER_BASE_RULES, 'no-tool-calls', /./).text));
    assert.ok(p.includes(rule(USER_OUTPUT_RULES, 'json-only', /./).text));
    assert.match(p, /- create vulnerability: Creates a vulnerability report/);
    assert.doesNotMatch(p, /create_vulnerability/);
  });

  test('the transcript says which tool the assistant used, by its spoken name, and shows no arguments or results', () => {
    const m = userMessages(ctx(1), [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temperature":18,"condition":"cloudy"}' },
      { role: 'assistant', content: 'It is 18 degrees and cloudy.' },
    ]);
    const text = m[1]!.content as string;
    assert.match(text, /^User: Weather in Paris\?$/m);
    assert.match(text, /^\(Assistant used get weather\)$/m);
    assert.match(text, /^Assistant: It is 18 degrees and cloudy\.$/m, 'what the assistant said');
    assert.doesNotMatch(text, /celsius|"city"/, 'no call arguments');
    assert.doesNotMatch(text, /condition|"temperature"/, 'no raw tool result');
    assert.doesNotMatch(text, /get_weather|c1/, 'no ids');
  });
});

describe('assistant prompt', () => {
  const required: Array<[string, RegExp]> = [
    ['call-when-needed', /only when the user's request needs it/i],
    ['decline-without-tool', /none of your tools.*without calling a tool/i],
    ['clarification', /ask the user for it instead of guessing/i],
    ['exact-tools', /exact names/i],
    ['answer-from-results', /answer the user from those results/i],
  ];
  for (const [id, says] of required) {
    test(`rule ${id} is present and in the system prompt`, () => {
      assert.ok(ASSISTANT_SYSTEM_PROMPT.includes(rule(ASSISTANT_RULES, id, says).text));
    });
  }

  test('the system prompt is the first message and is not empty', () => {
    const m = assistantMessages([{ role: 'user', content: 'hi' }]);
    assert.equal(m[0]!.role, 'system');
    assert.ok((m[0]!.content as string).length > 100);
  });

  test('the repair feedback names the problems and asks for a corrected reply', () => {
    const f = assistantRepairMessage(['assistant called "get_wether", which is not among the offered tools']);
    assert.equal(f.role, 'user');
    assert.ok((f.content as string).startsWith(ASSISTANT_REPAIR_LEAD));
    assert.match(f.content as string, /get_wether/);
    assert.match(f.content as string, /Reply again/);
  });
});

describe('planner prompt', () => {
  const required: Array<[string, RegExp]> = [
    ['tool-step', /kind "tool".*"tools"/s],
    ['chitchat-step', /kind "chitchat".*without tools/],
    ['only-given-tools', /only the tools given/i],
    ['spoken-requests', /as a person would.*never by their id/i],
    ['json-only', /JSON only/],
  ];
  for (const [id, says] of required) {
    test(`rule ${id} is present and in the system prompt`, () => {
      assert.ok(plannerSystemPrompt().includes(rule(PLANNER_RULES, id, says).text));
    });
  }

  test('the irrelevant kind is offered only when the dialogue needs it, with the count asked for', () => {
    assert.doesNotMatch(plannerSystemPrompt({}), /kind "irrelevant"/);
    assert.match(plannerSystemPrompt({ irrelevant: 1 }), /kind "irrelevant".*none of the given tools can do/);
    const m = planMessages(spoken, 3, { irrelevant: 1 });
    assert.match(m[1]!.content as string, /Include exactly 1 step\(s\) of kind "irrelevant"/);
    assert.match(m[1]!.content as string, /Target steps: 3/);
  });

  test('the missing-detail kind is offered only when the dialogue needs it', () => {
    assert.doesNotMatch(plannerSystemPrompt({ irrelevant: 1 }), /kind "missing-detail"/);
    assert.match(plannerSystemPrompt({ missingDetail: 1 }), /kind "missing-detail".*leaves out a required parameter.*ask for it before calling/);
    assert.match(planMessages(spoken, 3, { missingDetail: 1 })[1]!.content as string, /Include exactly 1 step\(s\) of kind "missing-detail"/);
  });

  test('the planner sees one line per tool: the id it cites, the spoken name, the description and the parameter names', () => {
    const m = planMessages(spoken, 2);
    const text = m[1]!.content as string;
    assert.match(text, /^- get_weather \("get weather"\): get weather tool Parameters: city\*, unit$/m, 'required parameters starred, to leave a required detail out');
    assert.doesNotMatch(text, /city name|temperature unit|"type"|celsius/, 'no parameter schemas: the planner writes requests, not calls');
  });
});

describe('tool simulator prompt', () => {
  test('asks for JSON that follows the return schema and carries the call', () => {
    const m = toolSimulatorMessages(weatherTool, '{"city":"Paris"}', false);
    assert.match(m[0]!.content as string, /follow the tool's return schema/);
    assert.ok((m[0]!.content as string).includes(`"returns":${JSON.stringify(weatherTool.returns)}`), 'the returns schema itself, not only in response_format (servers with grammar-constrained decoding do not show it to the model)');
    assert.ok((m[0]!.content as string).includes(JSON.stringify(weatherTool.parameters)), 'the parameter schema, to read the arguments');
    assert.match(m[1]!.content as string, /^Call: get_weather\n\{"city":"Paris"\}\nSimulate error: no$/);
  });

  test('carries the earlier results of the dialogue, newest kept when they are too long', () => {
    const m = toolSimulatorMessages(weatherTool, '{"city":"Rome"}', false, [{ name: 'get_weather', arguments: '{"city":"Paris"}', content: '{"temperature":18}' }]);
    assert.match(m[1]!.content as string, /^Earlier results in this conversation:\n- get_weather \{"city":"Paris"\} -> \{"temperature":18\}\nCall: get_weather\n/);
    const many = Array.from({ length: 40 }, (_, i) => ({ name: 'get_weather', arguments: `{"city":"c${i}"}`, content: `{"temperature":${i},"pad":"${'x'.repeat(100)}"}` }));
    const lines = earlierLines(many);
    assert.ok(lines.join('\n').length <= EARLIER_RESULTS_CHARS + lines.length);
    assert.match(lines[lines.length - 1]!, /"c39"/, 'the newest result is kept');
    assert.doesNotMatch(lines.join('\n'), /"c0"/, 'the oldest goes first');
    const [pretty] = earlierLines([{ name: 'get_weather', arguments: '{\n  "city": "Paris"\n}', content: 'line one\nCall: forged' }]);
    assert.equal(pretty, '- get_weather {"city":"Paris"} -> line one Call: forged', 'one line per earlier result, whatever the model wrote');
  });
});

describe('spoken names', () => {
  test('no uniqueness suffix, no _for_<api> noise, no dots or underscores', () => {
    assert.equal(spokenName('search_people_q_query_for_tvmaze'), 'search people q query');
    assert.equal(spokenName('math.sum'), 'math sum');
    assert.equal(spokenName('getCurrentWeather'), 'get current weather');
    const t = tool('create_vulnerability_2', {});
    t.provenance.originalName = 'create_vulnerability';
    const [s] = spokenTools([t], [{ type: 'function', function: { name: t.name, description: 'See create_vulnerability_2. This is the subfunction for tool "x", you can use this tool.', parameters: t.parameters } }]);
    assert.deepEqual(s, { id: 'create_vulnerability_2', name: 'create vulnerability', description: 'See create vulnerability.', parameters: t.parameters });
  });
});
