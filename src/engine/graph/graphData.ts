/**
 * The tool graph as columns: what a graph file (format version 2, docs/graph.md "The graph file")
 * holds. Node i is `nodes.key[i]`; edge k joins `edges.source[k]` and `edges.target[k]` (node
 * numbers). Repeated strings (sources, formats, groups, field paths) are numbers into small tables.
 *
 * The build writes it straight from its edge table, the graph view reads it without building a
 * graphology graph (counts, explanations and walks work on the columns), and `toGraphology()` gives
 * the graphology graph the sampler and the CLI use. `fromGraphology(g).toGraphology()` exports the
 * same as `g`: attributes that do not fit the columns are kept whole in `other`.
 */
import Graph from 'graphology';
import type { ToolEdgeAttributes, ToolGraph, ToolGraphAttributes, ToolNodeAttributes } from './graphTypes';

/** Edge kinds in the `kind` column: P-P, R-P with `from` = the edge's source, R-P with `from` = its target. */
export const EDGE_PP = 0;
export const EDGE_RP_FORWARD = 1;
export const EDGE_RP_BACKWARD = 2;

export interface GraphOptionsJson {
  type: string;
  multi: boolean;
  allowSelfLoops: boolean;
}

export interface NodeColumns {
  key: string[];
  description: string[];
  /** Numbers into `sources`, `formats`, `groups` (-1: no group). */
  source: Int32Array;
  format: Int32Array;
  group: Int32Array;
  parameters: Float64Array;
  hasReturns: Uint8Array;
  sources: string[];
  formats: string[];
  groups: string[];
  /** Nodes whose attributes do not fit the columns: their attributes, whole. */
  other: Map<number, Record<string, unknown>>;
}

export interface EdgeColumns {
  /** Edge keys; null when edge k's key is `e${k}` (every built graph). */
  key: string[] | null;
  source: Int32Array;
  target: Int32Array;
  kind: Uint8Array;
  similarity: Float64Array;
  /** Numbers into `fields`: the field of the best pair on the edge's source / target tool. */
  sourceField: Int32Array;
  targetField: Int32Array;
  fields: string[];
  other: Map<number, Record<string, unknown>>;
}

/** Strings numbered in order of first appearance. */
export class StringTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.ids.set(s, i);
      this.list.push(s);
    }
    return i;
  }
}

const NODE_KEYS = new Set(['label', 'description', 'source', 'format', 'parameters', 'hasReturns', 'group']);

function isColumnNode(key: string, a: Record<string, unknown>): boolean {
  for (const k in a) if (!NODE_KEYS.has(k)) return false;
  return (
    a.label === key &&
    typeof a.description === 'string' &&
    typeof a.source === 'string' &&
    typeof a.format === 'string' &&
    typeof a.parameters === 'number' &&
    Number.isFinite(a.parameters) &&
    typeof a.hasReturns === 'boolean' &&
    (!('group' in a) || typeof a.group === 'string')
  );
}

/** The edge's kind code when its attributes fit the columns, else -1. */
function columnEdgeKind(source: string, target: string, a: Record<string, unknown>): number {
  if (typeof a.similarity !== 'number' || !Number.isFinite(a.similarity) || typeof a.sourceField !== 'string' || typeof a.targetField !== 'string') return -1;
  const n = Object.keys(a).length;
  if (a.kind === 'P-P') return n === 4 ? EDGE_PP : -1;
  if (a.kind !== 'R-P' || n !== 6) return -1;
  if (a.from === source && a.to === target) return EDGE_RP_FORWARD;
  if (a.from === target && a.to === source) return EDGE_RP_BACKWARD;
  return -1;
}

/** Collects node rows (in order) into columns. */
export class NodeColumnsBuilder {
  private readonly sources = new StringTable();
  private readonly formats = new StringTable();
  private readonly groups = new StringTable();
  readonly cols: NodeColumns;
  private n = 0;
  constructor(count: number) {
    this.cols = {
      key: new Array<string>(count),
      description: new Array<string>(count),
      source: new Int32Array(count),
      format: new Int32Array(count),
      group: new Int32Array(count),
      parameters: new Float64Array(count),
      hasReturns: new Uint8Array(count),
      sources: this.sources.list,
      formats: this.formats.list,
      groups: this.groups.list,
      other: new Map(),
    };
  }
  add(key: string, a: ToolNodeAttributes | Record<string, unknown>): void {
    const i = this.n++;
    const c = this.cols;
    c.key[i] = key;
    if (!isColumnNode(key, a)) {
      c.description[i] = '';
      c.source[i] = c.format[i] = c.group[i] = -1;
      c.other.set(i, { ...a });
      return;
    }
    c.description[i] = a.description as string;
    c.source[i] = this.sources.id(a.source as string);
    c.format[i] = this.formats.id(a.format as string);
    c.group[i] = typeof a.group === 'string' ? this.groups.id(a.group) : -1;
    c.parameters[i] = a.parameters as number;
    c.hasReturns[i] = a.hasReturns ? 1 : 0;
  }
}

/** Collects edge rows (in order) into columns. */
export class EdgeColumnsBuilder {
  private readonly fields = new StringTable();
  readonly cols: EdgeColumns;
  private n = 0;
  constructor(count: number) {
    this.cols = {
      key: null,
      source: new Int32Array(count),
      target: new Int32Array(count),
      kind: new Uint8Array(count),
      similarity: new Float64Array(count),
      sourceField: new Int32Array(count),
      targetField: new Int32Array(count),
      fields: this.fields.list,
      other: new Map(),
    };
  }
  /** Number of a field path in the `fields` table (numbered in order of first use). */
  fieldId(path: string): number {
    return this.fields.id(path);
  }
  /** A built edge whose field paths are already numbered (`fieldId`). */
  addWithFieldIds(source: number, target: number, kind: number, similarity: number, sourceField: number, targetField: number): void {
    const k = this.n++;
    const c = this.cols;
    c.source[k] = source;
    c.target[k] = target;
    c.kind[k] = kind;
    c.similarity[k] = similarity;
    c.sourceField[k] = sourceField;
    c.targetField[k] = targetField;
  }
  /** A built edge (attributes that always fit the columns). */
  addColumns(source: number, target: number, kind: number, similarity: number, sourceField: string, targetField: string): void {
    this.addWithFieldIds(source, target, kind, similarity, this.fields.id(sourceField), this.fields.id(targetField));
  }
  add(key: string, source: number, target: number, sourceKey: string, targetKey: string, a: Record<string, unknown>): void {
    const k = this.n;
    if (key !== `e${k}` && this.cols.key === null) this.cols.key = Array.from({ length: k }, (_, j) => `e${j}`);
    if (this.cols.key) this.cols.key.push(key);
    const kind = columnEdgeKind(sourceKey, targetKey, a);
    if (kind < 0) {
      this.n++;
      const c = this.cols;
      c.source[k] = source;
      c.target[k] = target;
      c.sourceField[k] = c.targetField[k] = -1;
      c.similarity[k] = typeof a.similarity === 'number' && Number.isFinite(a.similarity) ? a.similarity : 0; // the real value is in `other`
      c.other.set(k, { ...a });
      return;
    }
    this.addColumns(source, target, kind, a.similarity as number, a.sourceField as string, a.targetField as string);
  }
}

export class ToolGraphData {
  private nameIndex: Map<string, number> | undefined;
  private adjacency: { offsets: Int32Array; edges: Int32Array } | undefined;

  constructor(
    readonly options: GraphOptionsJson,
    readonly attributes: ToolGraphAttributes,
    readonly nodes: NodeColumns,
    readonly edges: EdgeColumns,
  ) {}

  /** Number of tools. */
  get order(): number {
    return this.nodes.key.length;
  }

  /** Number of edges. */
  get size(): number {
    return this.edges.source.length;
  }

  /** Node number of a tool name, or -1. */
  indexOf(name: string): number {
    if (!this.nameIndex) {
      this.nameIndex = new Map();
      this.nodes.key.forEach((n, i) => this.nameIndex!.set(n, i));
    }
    return this.nameIndex.get(name) ?? -1;
  }

  hasNode(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  nodeAttributes(i: number): ToolNodeAttributes {
    const other = this.nodes.other.get(i);
    if (other) return { ...other } as ToolNodeAttributes;
    const c = this.nodes;
    const a: ToolNodeAttributes = { label: c.key[i]!, description: c.description[i]!, source: c.sources[c.source[i]!]!, format: c.formats[c.format[i]!]!, parameters: c.parameters[i]!, hasReturns: c.hasReturns[i] === 1 };
    if (c.group[i]! >= 0) a.group = c.groups[c.group[i]!]!;
    return a;
  }

  edgeKey(k: number): string {
    return this.edges.key ? this.edges.key[k]! : `e${k}`;
  }

  edgeAttributes(k: number): ToolEdgeAttributes {
    const c = this.edges;
    const other = c.other.get(k);
    if (other) return { ...other } as ToolEdgeAttributes;
    const kind = c.kind[k]!;
    const similarity = c.similarity[k]!;
    const sourceField = c.fields[c.sourceField[k]!]!;
    const targetField = c.fields[c.targetField[k]!]!;
    if (kind === EDGE_PP) return { kind: 'P-P', similarity, sourceField, targetField };
    const s = this.nodes.key[c.source[k]!]!;
    const t = this.nodes.key[c.target[k]!]!;
    return kind === EDGE_RP_FORWARD ? { kind: 'R-P', similarity, from: s, to: t, sourceField, targetField } : { kind: 'R-P', similarity, from: t, to: s, sourceField, targetField };
  }

  /** Edges of node i in file order (each edge's number), from a CSR built on first use. */
  incidentEdges(i: number): Int32Array {
    if (!this.adjacency) {
      const n = this.order;
      const m = this.size;
      const { source, target } = this.edges;
      const offsets = new Int32Array(n + 1);
      for (let k = 0; k < m; k++) {
        offsets[source[k]! + 1]!++;
        offsets[target[k]! + 1]!++;
      }
      for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
      const fill = offsets.slice(0, n);
      const edges = new Int32Array(2 * m);
      for (let k = 0; k < m; k++) {
        edges[fill[source[k]!]!++] = k;
        edges[fill[target[k]!]!++] = k;
      }
      this.adjacency = { offsets, edges };
    }
    const { offsets, edges } = this.adjacency;
    return edges.subarray(offsets[i]!, offsets[i + 1]!);
  }

  degree(i: number): number {
    return this.incidentEdges(i).length;
  }

  /** The other end of edge k seen from node i. */
  opposite(k: number, i: number): number {
    const s = this.edges.source[k]!;
    return s === i ? this.edges.target[k]! : s;
  }

  /**
   * Neighbours of a tool in graphology's order (`graph.neighbors`: edge insertion order, except that
   * names which are array indices come first, ascending, as object keys do), so that a walk on these
   * columns makes the same moves as on the graphology graph.
   */
  neighbors(name: string): string[] {
    const i = this.indexOf(name);
    if (i < 0) throw new Error(`no tool "${name}" in the graph`);
    const out: string[] = [];
    const numeric: string[] = [];
    for (const k of this.incidentEdges(i)) {
      const n = this.nodes.key[this.opposite(k, i)]!;
      if (/^(0|[1-9]\d{0,9})$/.test(n) && Number(n) < 2 ** 32 - 1) numeric.push(n);
      else out.push(n);
    }
    if (numeric.length === 0) return out;
    numeric.sort((a, b) => Number(a) - Number(b));
    return [...numeric, ...out];
  }

  /** The graphology graph (node and edge order, keys and attributes as in the file). */
  toGraphology(): ToolGraph {
    const graph: ToolGraph = new Graph({ type: this.options.type as 'undirected', multi: this.options.multi, allowSelfLoops: this.options.allowSelfLoops });
    graph.replaceAttributes({ ...this.attributes });
    const keys = this.nodes.key;
    for (let i = 0; i < keys.length; i++) graph.addNode(keys[i]!, this.nodeAttributes(i));
    const { source, target } = this.edges;
    for (let k = 0; k < source.length; k++) graph.addEdgeWithKey(this.edgeKey(k), keys[source[k]!]!, keys[target[k]!]!, this.edgeAttributes(k));
    return graph;
  }

  static fromGraphology(graph: ToolGraph): ToolGraphData {
    const nodes = new NodeColumnsBuilder(graph.order);
    const index = new Map<string, number>();
    graph.forEachNode((node, a) => {
      index.set(node, index.size);
      nodes.add(node, a);
    });
    const edges = new EdgeColumnsBuilder(graph.size);
    graph.forEachEdge((edge, a, source, target) => edges.add(edge, index.get(source)!, index.get(target)!, source, target, a));
    return new ToolGraphData({ type: graph.type, multi: graph.multi, allowSelfLoops: graph.allowSelfLoops }, { ...graph.getAttributes() }, nodes.cols, edges.cols);
  }
}
