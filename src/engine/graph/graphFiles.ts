/**
 * Saving and loading tool graphs: the graph file (JSON of columns, format version 2, documented in
 * docs/graph.md) and GEXF for Gephi. Loading validates the document and says where it is wrong and
 * what to do.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { write as writeGexf } from 'graphology-gexf';
import { ToolGraphData, type EdgeColumns, type GraphOptionsJson, type NodeColumns } from './graphData';
import { GRAPH_VERSION, GRAPH_FORMAT, type ToolGraph, type ToolGraphAttributes } from './graphTypes';

export class GraphFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly pointer: string,
    readonly hint?: string,
  ) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${message}`);
    this.name = 'GraphFileError';
  }
}

/** What to do with a graph file this ToolFlow cannot read. */
export const REBUILD_HINT = 'rebuild the graph from its tools: `toolflow graph <tools> -o <graph.json>`, or "ToolFlow: Build Tool Graph" on the tool set';

/** Writes a graph as a graph file (format version 2, see `encodeGraphData`). Written to a temporary file, then renamed. */
export async function saveGraph(graph: ToolGraph, file: string): Promise<void> {
  await saveGraphData(ToolGraphData.fromGraphology(graph), file);
}

/** Writes a freshly built graph straight from its edge table (same bytes as `saveGraph(result.graph)`, tested). */
export async function saveBuiltGraph(built: { toData(): ToolGraphData }, file: string): Promise<void> {
  await saveGraphData(built.toData(), file);
}

export async function saveGraphData(data: ToolGraphData, file: string): Promise<void> {
  // Each part is written before the next is encoded, so the numeric columns can share one buffer.
  await writeEntries(encodeGraphData(data, { reuseBuffer: true }), file);
}

/** Writes the digits of a whole number 0 <= v < 2^53 at `p`; returns the end. */
function writeDigits(out: Buffer, p: number, v: number): number {
  let len = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) len++;
  for (let k = p + len - 1; k >= p; k--) {
    const q = Math.floor(v / 10);
    out[k] = 48 + (v - q * 10);
    v = q;
  }
  return p + len;
}

/**
 * A numeric column as the JSON array `[a,b,...]`, written byte by byte: ToolBench's 0.5 M-entry
 * columns in a few ms each where `TypedArray.join` took ~100 ms. Each number is exactly what
 * `JSON.stringify` writes: whole numbers as digits; numbers with at most 6 decimals (every
 * similarity of a built graph) as those decimals; anything else through `String`.
 */
export function numberColumnJson(a: Int32Array | Uint8Array | Float64Array, scratch?: { buffer?: Buffer }): Buffer {
  const n = a.length;
  const whole = !(a instanceof Float64Array);
  const need = columnJsonBound(a);
  let out: Buffer;
  if (scratch) {
    if (!scratch.buffer || scratch.buffer.length < need) scratch.buffer = Buffer.allocUnsafe(need);
    out = scratch.buffer;
  } else out = Buffer.allocUnsafe(need);
  let p = 0;
  out[p++] = 0x5b; // [
  for (let i = 0; i < n; i++) {
    if (i) out[p++] = 0x2c; // ,
    const x = a[i]!;
    const m = whole ? x : Math.round(x * 1e6);
    if (whole || (m / 1e6 === x && Math.abs(m) < 2 ** 48)) {
      let v = m;
      if (v < 0) {
        out[p++] = 0x2d; // -
        v = -v;
      }
      if (whole) {
        p = writeDigits(out, p, v);
        continue;
      }
      const ip = Math.floor(v / 1e6);
      let fp = v - ip * 1e6;
      p = writeDigits(out, p, ip);
      if (fp > 0) {
        out[p++] = 0x2e; // .
        let digits = 6;
        while (fp % 10 === 0) {
          fp /= 10;
          digits--;
        }
        const end = p + digits;
        for (let k = end - 1; k >= p; k--) {
          const q = Math.floor(fp / 10);
          out[k] = 48 + (fp - q * 10);
          fp = q;
        }
        p = end;
      }
    } else {
      p += out.write(JSON.stringify(x), p, 'latin1');
    }
  }
  out[p++] = 0x5d; // ]
  return out.subarray(0, p);
}
/** Bytes `numberColumnJson` may need for `a`. */
function columnJsonBound(a: Int32Array | Uint8Array | Float64Array): number {
  return 2 + a.length * (a instanceof Float64Array ? 25 : 12);
}
const otherJson = (m: Map<number, Record<string, unknown>>) => JSON.stringify(Object.fromEntries(m));

/**
 * The graph file, version 2 (docs/graph.md "The graph file"): one JSON object whose nodes and
 * edges are columns (arrays of equal length), repeated strings as numbers into tables. Each column
 * is one JSON array written from a typed array, so writing never builds an object per edge.
 */
export function* encodeGraphData(d: ToolGraphData, opts: { reuseBuffer?: boolean } = {}): Generator<string | Buffer> {
  const q = JSON.stringify;
  const n = d.nodes;
  const e = d.edges;
  // `reuseBuffer`: every numeric column is written into one buffer (sized for the largest), so a
  // part is only valid until the next is asked for; first writes to fresh memory are what costs
  // (~50 MB of column buffers for all of ToolBench).
  let scratch: { buffer?: Buffer } | undefined;
  if (opts.reuseBuffer) {
    const largest = Math.max(...[n.source, n.format, n.group, n.parameters, n.hasReturns, e.source, e.target, e.kind, e.similarity, e.sourceField, e.targetField].map(columnJsonBound));
    scratch = { buffer: Buffer.allocUnsafe(largest) };
  }
  const numbers = (a: Int32Array | Uint8Array | Float64Array) => numberColumnJson(a, scratch);
  yield `{"format":${q(GRAPH_FORMAT)},"version":${GRAPH_VERSION},"options":${q(d.options)},\n"attributes":${q(d.attributes)},\n`;
  yield `"nodes":{"count":${n.key.length},"sources":${q(n.sources)},"formats":${q(n.formats)},"groups":${q(n.groups)},\n"key":${q(n.key)},\n`;
  yield `"description":${q(n.description)},\n"source":`;
  yield numbers(n.source);
  yield ',\n"format":';
  yield numbers(n.format);
  yield ',\n"group":';
  yield numbers(n.group);
  yield ',\n"parameters":';
  yield numbers(n.parameters);
  yield ',\n"hasReturns":';
  yield numbers(n.hasReturns);
  yield `,\n"other":${otherJson(n.other)}},\n"edges":{"count":${e.source.length},"fields":${q(e.fields)},\n"key":${e.key ? q(e.key) : 'null'}`;
  for (const [name, column] of [['source', e.source], ['target', e.target], ['kind', e.kind], ['similarity', e.similarity], ['sourceField', e.sourceField], ['targetField', e.targetField]] as const) {
    yield `,\n"${name}":`;
    yield numbers(column);
  }
  yield `,\n"other":${otherJson(e.other)}}}\n`;
}

async function writeEntries(entries: Iterable<string | Buffer>, file: string): Promise<void> {
  // Unique per save: the extension host may save the same graph file twice at once.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await fs.open(tmp, 'w');
  let written = false;
  try {
    for (const part of entries) {
      if (typeof part === 'string') await handle.write(part);
      else await handle.write(part);
    }
    written = true;
  } finally {
    await handle.close();
    if (!written) await fs.rm(tmp, { force: true });
  }
  await fs.rename(tmp, file);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the columns of a graph file, checking every column (length, types, node numbers in range). */
export function decodeGraphData(text: string, file: string): ToolGraphData {
  const fail = (message: string, pointer: string): never => {
    throw new GraphFileError(message, file, pointer, REBUILD_HINT);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GraphFileError(`not valid JSON, the file is truncated or corrupt (${e instanceof Error ? e.message : String(e)})`, file, '', REBUILD_HINT);
  }
  if (!isRecord(doc)) return fail('expected a JSON object (a graph written by `toolflow graph`)', '');
  if (doc.format !== GRAPH_FORMAT) {
    const attrs = isRecord(doc.attributes) ? doc.attributes : {};
    if (Array.isArray(doc.nodes) && (attrs.format === GRAPH_FORMAT || attrs.format === undefined)) {
      return fail(`graph format version ${typeof attrs.version === 'number' ? attrs.version : 1} (graphology export, written by an older ToolFlow); this ToolFlow reads version ${GRAPH_VERSION}`, '/attributes/version');
    }
    return fail(`not a ToolFlow graph file (expected "format": "${GRAPH_FORMAT}")`, '/format');
  }
  if (doc.version !== GRAPH_VERSION) {
    const v = doc.version;
    if (typeof v === 'number' && v > GRAPH_VERSION) {
      throw new GraphFileError(`graph format version ${v} is newer than this ToolFlow reads (version ${GRAPH_VERSION})`, file, '/version', `update ToolFlow, or ${REBUILD_HINT}`);
    }
    return fail(`unknown graph format version ${JSON.stringify(v)} (this ToolFlow reads version ${GRAPH_VERSION})`, '/version');
  }
  const options = doc.options;
  if (!isRecord(options) || typeof options.type !== 'string' || typeof options.multi !== 'boolean' || typeof options.allowSelfLoops !== 'boolean') return fail('"options" must be {type, multi, allowSelfLoops}', '/options');
  if (!isRecord(doc.attributes)) return fail('"attributes" must be an object', '/attributes');
  const nodesDoc = doc.nodes;
  const edgesDoc = doc.edges;
  if (!isRecord(nodesDoc)) return fail('missing "nodes" (an object of columns)', '/nodes');
  if (!isRecord(edgesDoc)) return fail('missing "edges" (an object of columns)', '/edges');

  const count = (o: Record<string, unknown>, at: string): number => {
    const c = o.count;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) return fail('"count" must be a whole number', `${at}/count`);
    return c;
  };
  const array = (o: Record<string, unknown>, name: string, length: number | undefined, at: string): unknown[] => {
    const a = o[name];
    if (!Array.isArray(a)) return fail(`missing "${name}" array`, `${at}/${name}`);
    if (length !== undefined && a.length !== length) return fail(`"${name}" has ${a.length} entries, "count" says ${length} (truncated or corrupt)`, `${at}/${name}`);
    return a;
  };
  const strings = (o: Record<string, unknown>, name: string, length: number | undefined, at: string): string[] => {
    const a = array(o, name, length, at);
    for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') fail('expected a string', `${at}/${name}/${i}`);
    return a as string[];
  };
  /** Whole numbers in [min, max) (or any finite number when `whole` is false). */
  const column = <T extends Int32Array | Uint8Array | Float64Array>(make: new (n: number) => T, o: Record<string, unknown>, name: string, length: number, at: string, min: number, max: number, whole = true): T => {
    const a = array(o, name, length, at);
    const out = new make(length);
    for (let i = 0; i < length; i++) {
      const v = a[i];
      if (typeof v !== 'number' || !(v >= min && v < max) || (whole && !Number.isInteger(v))) fail(`expected ${whole ? 'a whole number' : 'a number'} in [${min}, ${max})`, `${at}/${name}/${i}`);
      out[i] = v as number;
    }
    return out;
  };
  const others = (o: Record<string, unknown>, length: number, at: string): Map<number, Record<string, unknown>> => {
    const m = new Map<number, Record<string, unknown>>();
    const v = o.other ?? {};
    if (!isRecord(v)) return fail('"other" must be an object', `${at}/other`);
    for (const [k, a] of Object.entries(v)) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= length || !isRecord(a)) fail('expected a row number with its attributes', `${at}/other/${k}`);
      m.set(i, a as Record<string, unknown>);
    }
    return m;
  };

  const n = count(nodesDoc, '/nodes');
  const sources = strings(nodesDoc, 'sources', undefined, '/nodes');
  const formats = strings(nodesDoc, 'formats', undefined, '/nodes');
  const groups = strings(nodesDoc, 'groups', undefined, '/nodes');
  const nodes: NodeColumns = {
    key: strings(nodesDoc, 'key', n, '/nodes'),
    description: strings(nodesDoc, 'description', n, '/nodes'),
    source: column(Int32Array, nodesDoc, 'source', n, '/nodes', -1, sources.length),
    format: column(Int32Array, nodesDoc, 'format', n, '/nodes', -1, formats.length),
    group: column(Int32Array, nodesDoc, 'group', n, '/nodes', -1, groups.length),
    parameters: column(Float64Array, nodesDoc, 'parameters', n, '/nodes', -Infinity, Infinity, false),
    hasReturns: column(Uint8Array, nodesDoc, 'hasReturns', n, '/nodes', 0, 2),
    sources,
    formats,
    groups,
    other: others(nodesDoc, n, '/nodes'),
  };
  const seen = new Set<string>();
  nodes.key.forEach((k, i) => {
    if (seen.has(k)) fail(`tool "${k}" appears twice`, `/nodes/key/${i}`);
    seen.add(k);
  });
  for (let i = 0; i < n; i++) if ((nodes.source[i]! < 0 || nodes.format[i]! < 0) && !nodes.other.has(i)) fail('a tool without a source or format', `/nodes/source/${i}`);

  const m = count(edgesDoc, '/edges');
  const fields = strings(edgesDoc, 'fields', undefined, '/edges');
  const keyDoc = edgesDoc.key;
  const edges: EdgeColumns = {
    key: keyDoc === null || keyDoc === undefined ? null : strings(edgesDoc, 'key', m, '/edges'),
    source: column(Int32Array, edgesDoc, 'source', m, '/edges', 0, n),
    target: column(Int32Array, edgesDoc, 'target', m, '/edges', 0, n),
    kind: column(Uint8Array, edgesDoc, 'kind', m, '/edges', 0, 3),
    similarity: column(Float64Array, edgesDoc, 'similarity', m, '/edges', -Infinity, Infinity, false),
    sourceField: column(Int32Array, edgesDoc, 'sourceField', m, '/edges', -1, fields.length),
    targetField: column(Int32Array, edgesDoc, 'targetField', m, '/edges', -1, fields.length),
    fields,
    other: others(edgesDoc, m, '/edges'),
  };
  for (let k = 0; k < m; k++) {
    if (edges.source[k] === edges.target[k] && !options.allowSelfLoops) fail('an edge from a tool to itself', `/edges/target/${k}`);
    if ((edges.sourceField[k]! < 0 || edges.targetField[k]! < 0) && !edges.other.has(k)) fail('an edge without its field pair', `/edges/sourceField/${k}`);
  }
  return new ToolGraphData(options as unknown as GraphOptionsJson, doc.attributes as ToolGraphAttributes, nodes, edges);
}

/** Reads a graph file's columns (the graph view uses them without building graphology). */
export async function readGraphData(file: string): Promise<ToolGraphData> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GraphFileError(code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(e)})`, file, '');
  }
  return decodeGraphData(text, file);
}

/** The graphology graph of checked columns; a duplicate edge is reported where it is. */
function dataToGraph(data: ToolGraphData, file: string): ToolGraph {
  try {
    return data.toGraphology();
  } catch (e) {
    throw new GraphFileError(e instanceof Error ? e.message : String(e), file, '/edges', `edges must join two tools once each; ${REBUILD_HINT}`);
  }
}

/** Parses a graph file's text into a graphology graph. */
export function parseGraph(text: string, file: string): ToolGraph {
  return dataToGraph(decodeGraphData(text, file), file);
}

export async function loadGraph(file: string): Promise<ToolGraph> {
  return dataToGraph(await readGraphData(file), file);
}

/** GEXF 1.2 for Gephi: node labels and sources, edge kind, similarity and the linking fields. */
export function graphToGexf(graph: ToolGraph): string {
  return writeGexf(graph, {
    formatNode: (key, attrs) => ({ label: key, attributes: { source: attrs.source, format: attrs.format, group: attrs.group ?? '' } }),
    formatEdge: (_key, attrs) => ({
      weight: attrs.similarity,
      attributes: {
        kind: attrs.kind,
        similarity: attrs.similarity,
        from: attrs.kind === 'R-P' ? attrs.from : '',
        sourceField: attrs.sourceField,
        targetField: attrs.targetField,
      },
    }),
  });
}

export async function saveGexf(graph: ToolGraph, file: string): Promise<void> {
  await fs.writeFile(file, graphToGexf(graph));
}
