/**
 * One rule names a field's type and description (src/engine/model/schemaLabels.ts): the schema
 * preview's form, the graph view's tool details and the texts the graph embeds read the same
 * field the same way, so the graph view shows what was embedded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldText, toolFieldTexts } from '../../../src/engine/embedding/fieldTexts';
import { toolFields } from '../../../src/engine/graph/view/explainTool';
import { toolForm, type FormField } from '../../../src/engine/schemaPreview/toolForm';
import { tool } from '../../support/pipeline/builders';

const lookup = tool(
  'lookup_rows',
  {
    city: { type: 'string', description: '   ', title: 'City name' },
    when: { anyOf: [{ type: 'string' }, { type: 'integer' }], description: 'Date or epoch seconds' },
    tags: { type: 'array', items: { type: 'string' }, title: '' },
    mode: { enum: ['fast', 'exact'], description: 'Search mode' },
    near: { allOf: [{ type: 'object', properties: { lat: { type: 'number' } } }, { type: 'object', properties: { lon: { type: 'number' } } }] },
  },
  ['city'],
  { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: { id: { type: ['string', 'null'], description: '', title: 'Row id' } } } } } },
);

const EXPECTED: Record<string, { type: string; description: string }> = {
  city: { type: 'string', description: 'City name' },
  when: { type: 'string | integer', description: 'Date or epoch seconds' },
  tags: { type: 'string[]', description: '' },
  mode: { type: 'enum', description: 'Search mode' },
  near: { type: 'object & object', description: '' },
};

test('a parameter has the same type and description in the schema preview, the graph view and the embedded text', () => {
  const form = toolForm(lookup).parameters;
  const view = toolFields(lookup).parameters;
  const texts = toolFieldTexts(lookup).filter((f) => f.role === 'param');
  for (const [name, want] of Object.entries(EXPECTED)) {
    const f = form.find((x) => x.name === name)!;
    const v = view.find((x) => x.path === name)!;
    assert.deepEqual({ type: f.type, description: f.description }, want, `form: ${name}`);
    assert.deepEqual({ type: v.type, description: v.description }, want, `graph view: ${name}`);
    assert.equal(texts.find((x) => x.name === name)!.text, fieldText(name, want.description), `embedded text: ${name}`);
  }
});

test('a nested return field reads the same in the form, the graph view and the embedded text', () => {
  const rows = toolForm(lookup).returns!.find((x) => x.name === 'rows')!;
  assert.equal(rows.type, 'object[]');
  const id = rows.children!.find((x: FormField) => x.name === '[]')!.children!.find((x: FormField) => x.name === 'id')!;
  const viewed = toolFields(lookup).returns.find((x) => x.path === 'rows[].id')!;
  assert.deepEqual({ type: id.type, description: id.description }, { type: 'string | null', description: 'Row id' });
  assert.deepEqual({ type: viewed.type, description: viewed.description }, { type: 'string | null', description: 'Row id' });
  assert.equal(toolFieldTexts(lookup).find((x) => x.path === 'rows[].id')!.text, 'id: Row id');
});
