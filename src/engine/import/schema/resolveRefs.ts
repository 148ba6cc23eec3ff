/**
 * Inlines local `$ref`s (`#/components/schemas/X`, `#/$defs/Y`, `#/definitions/Z`) into a fresh copy
 * of a schema.
 *
 * Why our own resolver instead of @apidevtools/json-schema-ref-parser: that library's `dereference`
 * turns a recursive schema into a circular object graph (which cannot be written as JSON and makes
 * every later walker loop) or, with `circular: 'ignore'`, leaves the `$ref` in place; it also
 * dereferences a whole document up front, fetches external references, and reports problems as
 * thrown errors rather than per-location diagnostics. Here a cycle is cut at the point it closes
 * (replaced by a described stub), the expansion is bounded in depth and total size (so a document of
 * refs-to-refs cannot blow up exponentially), external refs are never fetched, and every cut or
 * unresolved reference becomes a located note.
 */
import { isRecord, type DocumentContext } from '../importContext';

export interface RefOptions {
  /** Maximum nesting of followed references. */
  maxRefDepth?: number;
  /** Maximum number of schema nodes one expansion may produce. */
  maxNodes?: number;
}

function decodePointer(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  let frag = ref.slice(1);
  try {
    frag = decodeURIComponent(frag);
  } catch {
    // keep it raw
  }
  if (frag === '') return [];
  if (!frag.startsWith('/')) return undefined;
  return frag.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `segments` inside `root`, or undefined. */
export function valueAt(root: unknown, segments: string[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isRecord(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

type WalkMode = 'schema' | 'map' | 'literal';
/** Schema keywords whose value maps names to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Schema keywords whose value is data, not schema. */
const LITERALS = new Set(['enum', 'const', 'default', 'example', 'examples']);

/**
 * Returns a copy of `value` (found at `pointer`) with local references into `root` inlined.
 * `rootPointer` is where `root` itself sits in the document (for note locations).
 */
export function resolveRefs(value: unknown, root: unknown, pointer: string, ctx: DocumentContext, rootPointer = '', opts: RefOptions = {}): unknown {
  const maxRefDepth = opts.maxRefDepth ?? 32;
  let budget = opts.maxNodes ?? 20000;
  let budgetNoted = false;
  const stack: string[] = [];

  /**
   * `mode` says what `v` is: a schema node (where `$defs`/`definitions` are dropped, since they are
   * inlined where used), a map of names to schemas (`properties`: a property may be called
   * `definitions`), or a literal value (`enum`, `default`, examples: copied as written).
   */
  const walk = (v: unknown, ptr: string, depth: number, mode: WalkMode = 'schema'): unknown => {
    if (mode === 'literal') return v;
    if (--budget < 0) {
      if (!budgetNoted) {
        ctx.note('schema-truncated', 'warning', ptr, 'the schema expands to more than the size limit after inlining $ref; the rest was cut');
        budgetNoted = true;
      }
      return {};
    }
    if (depth > 200) {
      ctx.note('schema-truncated', 'warning', ptr, 'nesting deeper than 200 levels was cut');
      return {};
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${ptr}/${i}`, depth + 1, mode));
    if (!isRecord(v)) return v;
    const ref = v.$ref;
    if (typeof ref === 'string') {
      const { $ref: _drop, ...siblings } = v;
      const rest = walk(siblings, ptr, depth + 1) as Record<string, unknown>;
      const segments = decodePointer(ref);
      if (!segments) {
        ctx.note('external-ref', 'warning', `${ptr}/$ref`, `reference "${ref}" points outside this document and was not fetched; left without a schema`);
        return rest;
      }
      if (stack.includes(ref)) {
        ctx.note('ref-cycle-cut', 'info', `${ptr}/$ref`, `recursive reference "${ref}" cut here`);
        const target = valueAt(root, segments);
        const type = isRecord(target) && typeof target.type === 'string' ? target.type : undefined;
        return { ...(type ? { type } : {}), description: `(recursive ${ref.split('/').pop()}; see the enclosing definition)`, ...rest };
      }
      if (stack.length >= maxRefDepth) {
        ctx.note('schema-truncated', 'warning', `${ptr}/$ref`, `references nested more than ${maxRefDepth} deep; "${ref}" was not followed`);
        return rest;
      }
      const target = valueAt(root, segments);
      if (target === undefined) {
        ctx.note('unresolved-ref', 'warning', `${ptr}/$ref`, `reference "${ref}" points to nothing in this document; left without a schema`);
        return rest;
      }
      stack.push(ref);
      const resolved = walk(target, rootPointer + ref.slice(1), depth + 1);
      stack.pop();
      return isRecord(resolved) ? { ...resolved, ...rest } : resolved;
    }
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      if (mode === 'schema' && (k === '$defs' || k === 'definitions')) continue; // inlined where used
      const childMode: WalkMode = mode === 'map' ? 'schema' : NAME_MAPS.has(k) ? 'map' : LITERALS.has(k) ? 'literal' : 'schema';
      out[k] = walk(child, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1, childMode);
    }
    return out;
  };
  return walk(value, pointer, 0);
}
