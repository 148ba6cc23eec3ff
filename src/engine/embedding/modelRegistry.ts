/**
 * Which embedding models ToolFlow knows, where their files live and their per-model defaults.
 * Averaged word vectors and Sentence-BERT sit at different cosine scales, so the edge threshold τ
 * of Eq. 2 is a property of the model (see docs/graph.md for how the GloVe value was chosen).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The default for users (Sentence-BERT family, as in the paper); downloaded once into the cache. */
export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** The embedded offline model built by `scripts/build-offline-model.mjs` into `models/`. */
export const OFFLINE_MODEL = 'toolflow-glove-100d';

export interface ModelDefaults {
  /** Edge threshold τ (Eq. 2) for this model's cosine scale. */
  threshold: number;
  /** transformers.js `dtype` (selects `onnx/model.onnx` or `onnx/model_quantized.onnx`). */
  dtype: 'fp32' | 'q8';
}

const KNOWN_DEFAULTS: Record<string, ModelDefaults> = {
  [DEFAULT_MODEL]: { threshold: 0.82, dtype: 'q8' },
  'Xenova/all-MiniLM-L12-v2': { threshold: 0.82, dtype: 'q8' },
  'Xenova/paraphrase-MiniLM-L6-v2': { threshold: 0.82, dtype: 'q8' },
  [OFFLINE_MODEL]: { threshold: 0.9, dtype: 'fp32' },
};

/** Defaults for an unknown model: the paper's Sentence-BERT τ; calibrate with `toolflow calibrate`. */
const FALLBACK_DEFAULTS: ModelDefaults = { threshold: 0.82, dtype: 'fp32' };

export function modelDefaults(model: string): ModelDefaults {
  return KNOWN_DEFAULTS[model] ?? FALLBACK_DEFAULTS;
}

export type ModelKind = 'bundled' | 'hub' | 'local';

export interface ResolvedModel {
  /** What the user asked for (hub id, `toolflow-glove-100d`, or a folder path). */
  spec: string;
  kind: ModelKind;
  /** What is handed to transformers.js: an absolute folder, or a hub id. */
  location: string;
  /** Folder that must hold the files (the bundled/local folder, or `<cacheDir>/<hub id>`). */
  folder: string;
  dtype: 'fp32' | 'q8';
}

/** Files transformers.js needs for a feature-extraction model. */
export function requiredModelFiles(dtype: 'fp32' | 'q8'): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx'];
}

/**
 * Finds `models/<name>` by walking up from this module: `dist/cli.js` -> `<root>/models`,
 * `src/engine/embedding/*.ts` (tests) -> `<root>/models`, an installed extension -> `<ext>/models`.
 */
export function findBundledModelDir(name = OFFLINE_MODEL, from = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'models', name);
    if (fs.existsSync(path.join(candidate, 'config.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Absolute, `./relative`, or an existing folder; anything else is a hub id such as `Xenova/all-MiniLM-L6-v2`. */
function looksLikePath(spec: string, cwd: string): boolean {
  return path.isAbsolute(spec) || spec.startsWith('.') || fs.existsSync(path.resolve(cwd, spec, 'config.json'));
}

/**
 * Turns a model spec into a location. `cwd` resolves relative folders; `cacheDir` is where hub
 * models are downloaded to. Throws an Error with a clear message when a bundled model is missing.
 */
export function resolveModel(spec: string, opts: { cwd?: string; cacheDir: string; dtype?: 'fp32' | 'q8' }): ResolvedModel {
  const dtype = opts.dtype ?? modelDefaults(spec).dtype;
  if (spec === OFFLINE_MODEL) {
    const folder = findBundledModelDir(OFFLINE_MODEL);
    if (!folder) {
      throw new ModelFilesMissingError(
        `the embedded offline model ${OFFLINE_MODEL} is not built`,
        `run \`node scripts/build-offline-model.mjs\` in the ToolFlow Studio checkout (it writes models/${OFFLINE_MODEL}/)`,
        requiredModelFiles('fp32'),
      );
    }
    return { spec, kind: 'bundled', location: folder, folder, dtype: 'fp32' };
  }
  if (looksLikePath(spec, opts.cwd ?? process.cwd())) {
    const folder = path.resolve(opts.cwd ?? process.cwd(), spec);
    return { spec, kind: 'local', location: folder, folder, dtype };
  }
  return { spec, kind: 'hub', location: spec, folder: path.join(opts.cacheDir, spec), dtype };
}

export class ModelFilesMissingError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly missing: string[],
  ) {
    super(message);
    this.name = 'ModelFilesMissingError';
  }
}

/** A model could not be downloaded or loaded; `hint` says what to do. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** Lists required files missing from the model's folder (relative names). */
export function missingModelFiles(model: ResolvedModel): string[] {
  return requiredModelFiles(model.dtype).filter((f) => !fs.existsSync(path.join(model.folder, f)));
}

/** A string that changes when the model's weights change: part of every embedding cache key. */
export function modelFingerprint(model: ResolvedModel): string {
  if (model.kind === 'hub') return `${model.spec}@${model.dtype}`;
  const manifest = path.join(model.folder, 'manifest.json');
  if (fs.existsSync(manifest)) {
    try {
      const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { inputsHash?: string };
      if (m.inputsHash) return `${path.basename(model.folder)}#${m.inputsHash.slice(0, 16)}`;
    } catch {
      // fall through to the file stamp
    }
  }
  const weights = path.join(model.folder, requiredModelFiles(model.dtype)[3]!);
  const st = fs.existsSync(weights) ? fs.statSync(weights) : undefined;
  return `${model.folder}#${st ? `${st.size}-${Math.round(st.mtimeMs)}` : 'missing'}`;
}
