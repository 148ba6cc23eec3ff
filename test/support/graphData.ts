/** Builders and helpers shared by the embedding, graph and sampling tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonSchema } from '../../src/engine/model/jsonSchema';
import type { Tool } from '../../src/engine/model/tool';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const sharedTools = path.resolve(repoRoot, '..', 'shared', 'data', 'tools');
export const OFFLINE_MODEL_DIR = path.join(repoRoot, 'models', 'toolflow-glove-100d');

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'toolflow-graph-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Test data builder for canonical tools: `aTool('get_weather').param('city', 'the city').returning({...}).build()`. */
export class ToolBuilder {
  private readonly props: Record<string, JsonSchema> = {};
  private returnsSchema: JsonSchema | undefined;
  private desc = '';
  private file = 'test.tools.json';

  constructor(private readonly name: string) {}

  describedAs(description: string): this {
    this.desc = description;
    return this;
  }

  param(name: string, description: string, type: JsonSchema['type'] = 'string'): this {
    this.props[name] = { type, description };
    return this;
  }

  /** Return fields as `{name: description}`; nested objects as `{name: {field: description}}`. */
  returning(fields: Record<string, string | Record<string, string>>): this {
    const toSchema = (f: Record<string, string | Record<string, string>>): JsonSchema => ({
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(f).map(([k, v]) => [k, typeof v === 'string' ? { type: 'string', description: v } : { ...toSchema(v), description: k }]),
      ),
    });
    this.returnsSchema = toSchema(fields);
    return this;
  }

  returningSchema(schema: JsonSchema): this {
    this.returnsSchema = schema;
    return this;
  }

  fromFile(file: string): this {
    this.file = file;
    return this;
  }

  build(): Tool {
    const tool: Tool = {
      name: this.name,
      description: this.desc || `${this.name} (test tool)`,
      parameters: { type: 'object', properties: { ...this.props } },
      provenance: { file: this.file, format: 'toolflow', pointer: `/tools/${this.name}`, originalName: this.name },
    };
    if (this.returnsSchema) tool.returns = this.returnsSchema;
    return tool;
  }
}

export function aTool(name: string): ToolBuilder {
  return new ToolBuilder(name);
}

/** Unit vectors with a seeded generator (Box-Muller on mulberry32), some exactly zero. */
export function randomUnitVectors(rows: number, dims: number, seed: number, zeroEvery = 0): Float32Array {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(rows * dims);
  for (let i = 0; i < rows; i++) {
    if (zeroEvery > 0 && i % zeroEvery === zeroEvery - 1) continue;
    let norm = 0;
    // A shared component makes many pairs similar, like real embeddings.
    for (let d = 0; d < dims; d++) {
      const g = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
      const v = g + (d % 7 === 0 ? 2 : 0);
      out[i * dims + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dims; d++) out[i * dims + d]! /= norm;
  }
  return out;
}
