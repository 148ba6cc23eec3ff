/**
 * Generic fields, found from the data: a parameter or return field whose normalised name (or whose
 * exact text "{name}: {description}") appears in more than a set share of the tools links tools
 * that have nothing else in common (`id`, `page`, `limit`, `api_key`, ... on ToolBench, where `id`
 * alone sits in 1,259 APIs and makes a clique). Such fields are left out of the pair search.
 *
 * The rule is `tools > max(minTools, share * toolCount)`, so small tool sets (a few hundred tools)
 * keep everything and the paper's 46,271 ToolBench tools lose only their most common fields. The
 * detected list is recorded in the graph's attributes and statistics; `keepFields` overrides it.
 */
import { toolFieldTexts, type FieldRole, type FieldText } from '../embedding/fieldTexts';
import type { Tool } from '../model/tool';

/** Default share of tools above which a field is generic (1%: 463 of ToolBench's 46,271 tools). */
export const DEFAULT_GENERIC_SHARE = 0.01;
/** A field must also appear in more than this many tools to count as generic. */
export const DEFAULT_GENERIC_MIN_TOOLS = 50;

export interface GenericFieldOptions {
  /** Share of tools above which a field is generic; 0 turns detection off. Default 0.01. */
  genericShare?: number;
  /** Absolute floor on the number of tools (default 50). */
  genericMinTools?: number;
  /** Field names (any case or separator) never treated as generic. */
  keepFields?: readonly string[];
}

export interface GenericField {
  role: FieldRole;
  /** `name`: the normalised field name is common; `text`: the exact "{name}: {description}" is. */
  by: 'name' | 'text';
  /** The normalised name, or the text. */
  field: string;
  /** Tools that have it. */
  tools: number;
}

export interface GenericFieldSet {
  /** Normalised names per role. */
  names: Record<FieldRole, Set<string>>;
  texts: Record<FieldRole, Set<string>>;
  /** Most common first. */
  fields: GenericField[];
  /** The tool count above which a field was generic. */
  cutoff: number;
}

/** Lower-cased name without `-`, `_` or spaces, so `api_key`, `apiKey` and `API-Key` match. */
export function normalizeParamName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]+/g, '');
}

/** `normalizeParamName` remembering its answers (field names repeat across thousands of tools). */
export function memoizedNormalizer(): (name: string) => string {
  const memo = new Map<string, string>();
  return (name) => {
    let n = memo.get(name);
    if (n === undefined) memo.set(name, (n = normalizeParamName(name)));
    return n;
  };
}

export function emptyGenericFieldSet(): GenericFieldSet {
  return { names: { param: new Set(), return: new Set() }, texts: { param: new Set(), return: new Set() }, fields: [], cutoff: Infinity };
}

/** `fieldLists` (each tool's `toolFieldTexts`) saves recomputing them when the caller has them. */
export function detectGenericFields(tools: readonly Tool[], opts: GenericFieldOptions = {}, fieldLists?: ReadonlyArray<readonly FieldText[]>): GenericFieldSet {
  const share = opts.genericShare ?? DEFAULT_GENERIC_SHARE;
  const out = emptyGenericFieldSet();
  if (!(share > 0) || tools.length === 0) return out;
  const cutoff = Math.max(opts.genericMinTools ?? DEFAULT_GENERIC_MIN_TOOLS, share * tools.length);
  out.cutoff = cutoff;
  const keep = new Set((opts.keepFields ?? []).map(normalizeParamName));
  // Per kind of key and role: tools having the key, and the last tool counted (each tool once).
  const counts: Record<'name' | 'text', Record<FieldRole, Map<string, { n: number; last: number }>>> = {
    name: { param: new Map(), return: new Map() },
    text: { param: new Map(), return: new Map() },
  };
  const normalize = memoizedNormalizer();
  const count = (m: Map<string, { n: number; last: number }>, key: string, t: number) => {
    const c = m.get(key);
    if (c === undefined) m.set(key, { n: 1, last: t });
    else if (c.last !== t) {
      c.n++;
      c.last = t;
    }
  };
  for (let t = 0; t < tools.length; t++) {
    for (const f of fieldLists?.[t] ?? toolFieldTexts(tools[t]!)) {
      count(counts.name[f.role], normalize(f.name), t);
      count(counts.text[f.role], f.text, t);
    }
  }
  for (const by of ['name', 'text'] as const) {
    for (const role of ['param', 'return'] as const) {
      for (const [field, { n }] of counts[by][role]) {
        if (n <= cutoff) continue;
        if (keep.has(by === 'name' ? field : normalizeParamName(field.split(':')[0]!))) continue;
        // A text whose name is already generic adds nothing to the list.
        if (by === 'text' && out.names[role].has(normalizeParamName(field.split(':')[0]!))) continue;
        (by === 'name' ? out.names : out.texts)[role].add(field);
        out.fields.push({ role, by, field, tools: n });
      }
    }
  }
  out.fields.sort((a, b) => b.tools - a.tools || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return out;
}

/** True when this field of a tool is generic; `normalizedName` is its name through `normalizeParamName`. */
export function isGenericField(set: GenericFieldSet, role: FieldRole, normalizedName: string, text: string): boolean {
  return set.names[role].has(normalizedName) || set.texts[role].has(text);
}
