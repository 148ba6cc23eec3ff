/** The texts the graph embeds: "{name}: {description}" per parameter and (nested) return field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolFieldTexts } from '../../../src/engine/embedding/fieldTexts';
import { aTool } from '../../support/graphData';

test('parameters and nested return fields become "{name}: {description}" texts with their paths', () => {
  const tool = aTool('search_hotels')
    .param('city', 'the  city\nto search')
    .param('max_price', '', 'number')
    .returningSchema({
      type: 'object',
      properties: {
        hotels: {
          type: 'array',
          description: 'matching hotels',
          items: { type: 'object', properties: { hotel_id: { type: 'string', description: 'hotel identifier' }, address: { type: 'object', properties: { zip: { type: 'string', title: 'postal code' } } } } },
        },
        total: { type: 'integer', description: 'number of matches' },
      },
    })
    .build();
  assert.deepEqual(
    toolFieldTexts(tool).map((f) => [f.role, f.path, f.text]),
    [
      ['param', 'city', 'city: the city to search'],
      ['param', 'max_price', 'max_price'],
      ['return', 'hotels', 'hotels: matching hotels'],
      ['return', 'hotels[].hotel_id', 'hotel_id: hotel identifier'],
      ['return', 'hotels[].address', 'address'],
      ['return', 'hotels[].address.zip', 'zip: postal code'],
      ['return', 'total', 'total: number of matches'],
    ],
  );
});

test('a scalar result with a description is one return field; no result schema, no return fields', () => {
  const scalar = aTool('count_words').param('text', 'the text').returningSchema({ type: 'integer', description: 'number of words' }).build();
  assert.deepEqual(toolFieldTexts(scalar).filter((f) => f.role === 'return').map((f) => f.text), ['result: number of words']);
  assert.equal(toolFieldTexts(aTool('ping').build()).length, 0);
});
