import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonSyntaxErrorOffset } from '../../../src/engine/import/source/jsonSyntaxError';
import { parseJsonDocument } from '../../../src/engine/import/source/sourceDocuments';

test('valid JSON has no error offset; the first bad character is found in invalid JSON', () => {
  for (const ok of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} ', '"s"', '0', JSON.stringify({ deep: Array.from({ length: 50 }, (_, i) => ({ i })) })]) {
    assert.equal(jsonSyntaxErrorOffset(ok), undefined, ok);
    assert.doesNotThrow(() => JSON.parse(ok));
  }
  const cases: Array<[string, string]> = [
    ['{"a": }', '}'],
    ['{"a": 1,}', '}'],
    ['[1, 2', ''],
    ["{'a': 1}", "'"],
    ['{"a" 1}', '1'],
    ['[01]', '1'],
    ['{"a": tru}', 't'],
    ['{"a": "x\\q"}', '\\'],
    ['{} {}', '{'],
  ];
  for (const [bad, at] of cases) {
    const off = jsonSyntaxErrorOffset(bad);
    assert.notEqual(off, undefined, bad);
    assert.equal(bad.slice(off, off! + 1), at, `${bad} -> offset ${off}`);
    assert.throws(() => JSON.parse(bad));
  }
  assert.equal(jsonSyntaxErrorOffset('['.repeat(200_000)), 200_000, 'deep nesting is no stack overflow');
});

test('a JSON file whose parse error V8 does not position gets the line and column of the error', () => {
  const text = '{\n  "tools": [\n    {"name": "a", "parameters": }\n  ]\n}\n';
  const { error } = parseJsonDocument('bad.json', text);
  assert.ok(error);
  assert.equal(error.location.line, 3);
  assert.equal(error.location.column, 33);
});
