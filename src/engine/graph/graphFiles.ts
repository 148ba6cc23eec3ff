/**
 * Saving and loading tool graphs: graphology's serialisation (`graph.export()` shape) as JSON,
 * and GEXF for Gephi. Loading validates the document and says where it is wrong.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import Graph from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { write as writeGexf } from 'graphology-gexf';
import { GRAPH_FORMAT, type ToolEdgeAttributes, type ToolGraph, type ToolGraphAttributes, type ToolNodeAttributes } from './graphTypes';

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

/**
 * Writes `graph.export()` as JSON, streaming node and edge entries so a graph of millions of
 * edges never becomes one giant string. Written to a temporary file, then renamed.
 */
export async function saveGraph(graph: ToolGraph, file: string): Promise<void> {
  await writeEntries(graphJsonEntries(graph), file);
}

function* graphJsonEntries(graph: ToolGraph): Generator<string> {
  const options = { type: graph.type, multi: graph.multi, allowSelfLoops: graph.allowSelfLoops };
  yield `{"options":${JSON.stringify(options)},"attributes":${JSON.stringify(graph.getAttributes())},"nodes":[`;
  let first = true;
  for (const { node, attributes } of graph.nodeEntries()) {
    yield (first ? '' : ',') + JSON.stringify(Object.keys(attributes).length ? { key: node, attributes } : { key: node });
    first = false;
  }
  yield '],"edges":[';
  first = true;
  for (const { edge, attributes, source, target } of graph.edgeEntries()) {
    const entry: Record<string, unknown> = { key: edge, source, target };
    if (Object.keys(attributes).length) entry.attributes = attributes;
    yield (first ? '' : ',') + JSON.stringify(entry);
    first = false;
  }
  yield ']}';
}

/**
 * Writes a freshly built graph: from its typed arrays when the graphology graph was never needed
 * (same bytes as `saveGraph(result.graph)`, tested), else from the graph.
 */
export async function saveBuiltGraph(built: { materialized: boolean; toGraphology(): ToolGraph; jsonEntries(): Iterable<string> }, file: string): Promise<void> {
  await writeEntries(built.materialized ? graphJsonEntries(built.toGraphology()) : built.jsonEntries(), file);
}

async function writeEntries(entries: Iterable<string>, file: string): Promise<void> {
  // Unique per save: the extension host may save the same graph file twice at once.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await fs.open(tmp, 'w');
  let written = false;
  try {
    let parts: string[] = [];
    let length = 0;
    for (const part of entries) {
      parts.push(part);
      length += part.length;
      if (length > 4 << 20) {
        await handle.write(parts.join(''));
        parts = [];
        length = 0;
      }
    }
    const chunk = parts.join('');
    await handle.write(chunk);
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

/** Parses a graph document (the `graph.export()` shape), checking what sampling relies on. */
export function parseGraph(text: string, file: string): ToolGraph {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GraphFileError(`not JSON (${e instanceof Error ? e.message : String(e)})`, file, '', 'pass a graph written by `toolflow graph -o graph.json`');
  }
  if (!isRecord(doc)) throw new GraphFileError('expected a JSON object with "nodes" and "edges"', file, '');
  if (!Array.isArray(doc.nodes)) throw new GraphFileError('missing "nodes" array', file, '/nodes', 'pass a graph written by `toolflow graph -o graph.json`');
  if (doc.edges !== undefined && !Array.isArray(doc.edges)) throw new GraphFileError('"edges" must be an array', file, '/edges');
  doc.nodes.forEach((n, i) => {
    if (!isRecord(n) || typeof n.key !== 'string') throw new GraphFileError('each node needs a string "key"', file, `/nodes/${i}`);
  });
  (Array.isArray(doc.edges) ? doc.edges : []).forEach((e, i) => {
    if (!isRecord(e) || typeof e.source !== 'string' || typeof e.target !== 'string') {
      throw new GraphFileError('each edge needs string "source" and "target"', file, `/edges/${i}`);
    }
  });
  const attrs = isRecord(doc.attributes) ? doc.attributes : {};
  if (attrs.format !== undefined && attrs.format !== GRAPH_FORMAT) {
    throw new GraphFileError(`unknown graph format "${String(attrs.format)}"`, file, '/attributes/format');
  }
  const graph: ToolGraph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  try {
    graph.import(doc as unknown as SerializedGraph<ToolNodeAttributes, ToolEdgeAttributes, ToolGraphAttributes>);
  } catch (e) {
    throw new GraphFileError(e instanceof Error ? e.message : String(e), file, '/edges', 'edges must join existing nodes, once each');
  }
  return graph;
}

export async function loadGraph(file: string): Promise<ToolGraph> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GraphFileError(code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(e)})`, file, '');
  }
  return parseGraph(text, file);
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
