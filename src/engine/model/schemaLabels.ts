/**
 * How a schema field is named to people and to the embedder: its type as one short string and its
 * description. One rule for the schema preview's form (schemaPreview/toolForm.ts), the graph view's
 * tool details (graph/view/explainTool.ts) and the texts the tool graph embeds
 * (embedding/fieldTexts.ts), so a field reads the same everywhere and the graph view shows what was
 * embedded.
 */
import type { JsonSchema } from './jsonSchema';

const MAX_DEPTH = 8;

/**
 * `string`, `string | null` (a type list), `object[]` (an array of items), `enum`, `object`,
 * `string | number` (anyOf / oneOf branches), `A & B` (allOf), else `any`.
 */
export function schemaTypeName(s: JsonSchema | undefined, depth = 0): string {
  if (!s || typeof s !== 'object' || depth > MAX_DEPTH) return 'any';
  const t = s.type;
  if (Array.isArray(t)) return t.join(' | ');
  if (typeof t === 'string') return t === 'array' && s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? `${schemaTypeName(s.items, depth + 1)}[]` : t;
  if (s.enum) return 'enum';
  if (s.properties) return 'object';
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[k];
    if (Array.isArray(list) && list.length > 0) return list.map((b) => schemaTypeName(b, depth + 1)).join(k === 'allOf' ? ' & ' : ' | ');
  }
  return 'any';
}

/** The field's `description`, else its `title`, when not blank; undefined when it has neither. */
export function schemaDescription(s: JsonSchema | undefined): string | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (typeof s.description === 'string' && s.description.trim()) return s.description;
  if (typeof s.title === 'string' && s.title.trim()) return s.title;
  return undefined;
}
