/** Type names of every source format -> JSON Schema, and tool names -> valid, unique OpenAI names. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { convertTypeName } from '../../../src/engine/import/schema/typeNames';
import { inferSchema } from '../../../src/engine/import/schema/inferSchema';
import { UniqueNameAllocator, makeValidToolName } from '../../../src/engine/model/toolNames';
import { OPENAI_NAME_PATTERN } from '../../../src/engine/model/tool';

describe('type names', () => {
  const cases: Array<[string, object, 'none' | 'info' | 'warning']> = [
    ['dict', { type: 'object' }, 'none'],
    ['float', { type: 'number' }, 'none'],
    ['double', { type: 'number' }, 'none'],
    ['long', { type: 'integer' }, 'none'],
    ['String', { type: 'string' }, 'none'],
    ['HashMap', { type: 'object' }, 'none'],
    ['ArrayList', { type: 'array' }, 'none'],
    ['STRING', { type: 'string' }, 'none'],
    ['NUMBER', { type: 'number' }, 'none'],
    ['datetime', { type: 'string', format: 'date-time' }, 'none'],
    ['DATE (YYYY-MM-DD)', { type: 'string', format: 'date' }, 'info'],
    ['TIME (24-hour HH:MM)', { type: 'string', description: 'Format: 24-hour HH:MM.' }, 'info'],
    ['GEOPOINT (latitude, longitude)', { type: 'string', description: 'A geographic point written as "latitude, longitude".' }, 'info'],
    ['CREDENTIALS', { type: 'string' }, 'info'],
    ['ENUM', { type: 'string' }, 'info'],
    ['BINARY', { type: 'string', contentEncoding: 'base64' }, 'warning'],
    ['any', {}, 'info'],
    ['', {}, 'info'],
    ['tuple', { type: 'array' }, 'info'],
    ['list(str)', { type: 'array', items: { type: 'string' } }, 'none'],
    ['List[int]', { type: 'array', items: { type: 'integer' } }, 'none'],
    ['Union[List[dict], dict]', { anyOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }] }, 'none'],
    ['Optional[int]', { type: 'integer' }, 'none'],
    ['Dict[str, int]', { type: 'object', additionalProperties: { type: 'integer' } }, 'none'],
    ['Tuple[int, int]', { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 }, 'info'],
    ["Literal['a', 'b']", { enum: ['a', 'b'] }, 'none'],
    ['str | None', { type: 'string' }, 'none'],
    ['Frobnicator', {}, 'warning'],
  ];
  for (const [raw, schema, note] of cases) {
    test(`"${raw}"`, () => {
      const c = convertTypeName(raw);
      assert.deepEqual(c.schema, schema);
      assert.equal(c.note?.severity ?? 'none', note);
    });
  }
});

describe('schema inference from ToolBench templates and example bodies', () => {
  test('template_response types, _list_length and "list of … with length N"', () => {
    const s = inferSchema({ name: 'str', fans: 'int', score: 'float', ok: 'bool', posters: ['list of str with length 8'], line_up: [{ link: 'str', _list_length: 2 }], empty: 'empty list' }, 'template');
    assert.deepEqual(s, {
      type: 'object',
      properties: {
        name: { type: 'string' },
        fans: { type: 'integer' },
        score: { type: 'number' },
        ok: { type: 'boolean' },
        posters: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        line_up: { type: 'array', items: { type: 'object', properties: { link: { type: 'string' } } } },
        empty: { type: 'array' },
      },
    });
  });
  test('example body values', () => {
    assert.deepEqual(inferSchema({ city: { diesel: '', price: 1.5, n: 3 }, tags: [] }, 'example'), {
      type: 'object',
      properties: { city: { type: 'object', properties: { diesel: { type: 'string' }, price: { type: 'number' }, n: { type: 'integer' } } }, tags: { type: 'array' } },
    });
  });
  test('deep or huge examples are bounded', () => {
    let deep: unknown = 'str';
    for (let i = 0; i < 10000; i++) deep = { a: deep };
    assert.doesNotThrow(() => inferSchema(deep, 'template'));
  });
});

describe('tool names', () => {
  test('valid names are kept', () => assert.equal(makeValidToolName('get_weather-v2'), 'get_weather-v2'));
  test('dots, spaces, slashes and templates become _', () => {
    assert.equal(makeValidToolName('math.sum'), 'math_sum');
    assert.equal(makeValidToolName('Get Stock / Quote'), 'Get_Stock_Quote');
    assert.equal(makeValidToolName('/users/:id'), 'users_id');
  });
  test('long names are cut with a stable hash; different long names stay different', () => {
    const a = makeValidToolName('x'.repeat(80) + 'a');
    const b = makeValidToolName('x'.repeat(80) + 'b');
    assert.equal(a.length, 64);
    assert.match(a, OPENAI_NAME_PATTERN);
    assert.notEqual(a, b);
    assert.equal(a, makeValidToolName('x'.repeat(80) + 'a'));
  });
  test('names with no usable character get a hashed name', () => {
    const n = makeValidToolName('天气查询');
    assert.match(n, /^tool_[0-9a-f]{8}$/);
    assert.notEqual(n, makeValidToolName('股票'));
  });
  test('unique allocation suffixes _2, _3 and stays within 64 characters', () => {
    const u = new UniqueNameAllocator();
    assert.equal(u.allocate('f'), 'f');
    assert.equal(u.allocate('f'), 'f_2');
    assert.equal(u.allocate('f'), 'f_3');
    const long = 'y'.repeat(64);
    assert.equal(u.allocate(long), long);
    const second = u.allocate(long);
    assert.equal(second.length, 64);
    assert.ok(second.endsWith('_2'));
  });
});
