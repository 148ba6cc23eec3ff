/**
 * The distinct texts of a tool set and which tools use each one as a parameter or a return
 * field. Identical texts are embedded once; the edge search runs over distinct texts only.
 */
import { toolFieldTexts, type FieldText } from '../embedding/fieldTexts';
import type { Tool } from '../model/tool';
import { detectGenericFields, emptyGenericFieldSet, isGenericField, memoizedNormalizer, normalizeParamName, type GenericFieldOptions, type GenericFieldSet } from './genericFields';

export { normalizeParamName };

/** Very generic parameters that link unrelated tools (credentials, paging, formatting). */
export const GENERIC_PARAMS: readonly string[] = [
  'api_key', 'apikey', 'api-key', 'x-api-key', 'key', 'token', 'access_token', 'accesstoken', 'apitoken', 'api_token',
  'authorization', 'auth', 'secret', 'apisecret', 'client_id', 'client_secret', 'password', 'username',
  'content-type', 'accept', 'user-agent', 'x-rapidapi-key', 'x-rapidapi-host',
  'page', 'limit', 'offset', 'per_page', 'perpage', 'page_size', 'pagesize', 'size', 'count', 'cursor', 'start', 'skip',
  'format', 'callback', 'output', 'pretty', 'fields', 'sort', 'order', 'lang', 'language', 'locale',
];

export interface FieldIndexOptions extends GenericFieldOptions {
  /** Generic fields found beforehand (e.g. on a whole set when indexing a sample of it). */
  generic?: GenericFieldSet;
  /** Parameter names (any case/separator) that never make edges. */
  ignoreParams?: readonly string[];
  /**
   * Keep only tools whose provenance file or format matches one of these (exact path, path
   * suffix, file name, or format name such as `toolbench`).
   */
  sources?: readonly string[];
}

export interface FieldIndex {
  tools: Tool[];
  /** Distinct texts; rows of the embedding matrix. */
  texts: string[];
  /** Per text: tool numbers using it as a parameter (CSR: offsets into `paramTools`). */
  paramOffsets: Int32Array;
  paramTools: Int32Array;
  returnOffsets: Int32Array;
  returnTools: Int32Array;
  /** Distinct texts used as a parameter / as a return field (sorted text numbers). */
  paramTexts: Int32Array;
  returnTexts: Int32Array;
  /** Per tool and text, the field (first seen) it came from, for explaining edges. */
  fieldOf(tool: number, text: number, role: 'param' | 'return'): FieldText | undefined;
  /**
   * The same field as a number in [0, fieldSlots) (tool by tool, field by field), or -1: lets a
   * caller cache per field in a typed array (writing the graph file looks up ~1 M of them).
   */
  fieldSlot(tool: number, text: number, role: 'param' | 'return'): number;
  fieldSlots: number;
  ignoredParams: number;
  /** Generic fields detected from the data and left out (see genericFields.ts). */
  generic: GenericFieldSet;
  /** Fields left out as generic. */
  ignoredGeneric: number;
}

function matchesSource(tool: Tool, sources: readonly string[]): boolean {
  const file = tool.provenance.file.replace(/\\/g, '/');
  return sources.some((s) => {
    const want = s.replace(/\\/g, '/');
    return want === tool.provenance.format || file === want || file.endsWith('/' + want) || file.split('/').pop() === want;
  });
}

function toCsr(lists: number[][]): { offsets: Int32Array; values: Int32Array } {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const values = new Int32Array(offsets[lists.length]!);
  lists.forEach((l, i) => values.set(l, offsets[i]!));
  return { offsets, values };
}

export function buildFieldIndex(allTools: readonly Tool[], opts: FieldIndexOptions = {}): FieldIndex {
  const tools = opts.sources && opts.sources.length > 0 ? allTools.filter((t) => matchesSource(t, opts.sources!)) : [...allTools];
  const ignore = new Set((opts.ignoreParams ?? []).map(normalizeParamName));
  const normalize = memoizedNormalizer();
  const textIds = new Map<string, number>();
  const texts: string[] = [];
  const paramLists: number[][] = [];
  const returnLists: number[][] = [];
  const fieldLists = tools.map(toolFieldTexts);
  /** Per tool: text number of each of its fields (-1 = left out), parallel to `fieldLists`. */
  const fieldTextIds = fieldLists.map((l) => new Int32Array(l.length).fill(-1));
  let ignoredParams = 0;
  let ignoredGeneric = 0;
  const generic = opts.generic ?? (opts.genericShare === 0 ? emptyGenericFieldSet() : detectGenericFields(tools, opts, fieldLists));
  fieldLists.forEach((list, t) => {
    list.forEach((f, k) => {
      const name = ignore.size > 0 || generic.names[f.role].size > 0 ? normalize(f.name) : '';
      if (f.role === 'param' && ignore.has(name)) {
        ignoredParams++;
        return;
      }
      if (isGenericField(generic, f.role, name, f.text)) {
        ignoredGeneric++;
        return;
      }
      let id = textIds.get(f.text);
      if (id === undefined) {
        id = texts.length;
        textIds.set(f.text, id);
        texts.push(f.text);
        paramLists.push([]);
        returnLists.push([]);
      }
      const users = f.role === 'param' ? paramLists[id]! : returnLists[id]!;
      if (users[users.length - 1] !== t) {
        users.push(t); // tools are visited in order, so each list stays sorted and distinct
        fieldTextIds[t]![k] = id;
      }
    });
  });
  const slotStart = new Int32Array(tools.length + 1);
  for (let t = 0; t < tools.length; t++) slotStart[t + 1] = slotStart[t]! + fieldLists[t]!.length;
  const p = toCsr(paramLists);
  const r = toCsr(returnLists);
  const paramTexts: number[] = [];
  const returnTexts: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    if (paramLists[i]!.length > 0) paramTexts.push(i);
    if (returnLists[i]!.length > 0) returnTexts.push(i);
  }
  return {
    tools,
    texts,
    paramOffsets: p.offsets,
    paramTools: p.values,
    returnOffsets: r.offsets,
    returnTools: r.values,
    paramTexts: Int32Array.from(paramTexts),
    returnTexts: Int32Array.from(returnTexts),
    fieldSlot: (tool, text, role) => {
      const ids = fieldTextIds[tool]!;
      const list = fieldLists[tool]!;
      for (let k = 0; k < ids.length; k++) if (ids[k] === text && list[k]!.role === role) return slotStart[tool]! + k;
      return -1;
    },
    fieldSlots: slotStart[tools.length]!,
    fieldOf: (tool, text, role) => {
      // A tool has a few dozen fields: a scan beats a map of every (tool, text) pair.
      const ids = fieldTextIds[tool]!;
      const list = fieldLists[tool]!;
      for (let k = 0; k < ids.length; k++) if (ids[k] === text && list[k]!.role === role) return list[k];
      return undefined;
    },
    ignoredParams,
    generic,
    ignoredGeneric,
  };
}
