/**
 * Sentence embeddings through transformers.js (`feature-extraction`, mean pooling, L2
 * normalisation). One code path for every model: the hub default (`Xenova/all-MiniLM-L6-v2`,
 * downloaded once into `cacheDir`), any local model folder, and the embedded offline GloVe model.
 */
import { loadModelPipeline, throwIfAborted, type ModelLoadOptions } from './modelLoader';
import { DEFAULT_MODEL, modelFingerprint, type ResolvedModel } from './modelRegistry';

export type EmbedderEvent =
  | { type: 'model-download'; model: string; file: string; loaded: number; total: number }
  | { type: 'model-ready'; model: string; dimensions: number }
  | { type: 'embed'; done: number; total: number };

/** Loading options (offline, cacheDir, cwd, dtype, remoteHost, signal) are those of every model: see ModelLoadOptions. */
export interface EmbedderOptions extends ModelLoadOptions {
  /** Hub id, `toolflow-glove-100d`, or a model folder. Default: `Xenova/all-MiniLM-L6-v2`. */
  model?: string;
  /** Texts per inference batch (default 64). */
  batchSize?: number;
  onProgress?: (e: EmbedderEvent) => void;
}

export interface Embedder {
  readonly model: ResolvedModel;
  /** Changes when the weights change; used as the embedding cache key with each text. */
  readonly fingerprint: string;
  readonly dimensions: number;
  /**
   * Embeds texts into one row-major Float32Array (texts.length x dimensions) of unit vectors.
   * A text with no known token (possible with word-vector models) gets the zero vector, which
   * has cosine 0 with everything and so never makes an edge.
   */
  embed(texts: readonly string[], opts?: { signal?: AbortSignal; onProgress?: (e: EmbedderEvent) => void }): Promise<Float32Array>;
  dispose(): Promise<void>;
}

interface TensorLike {
  data: ArrayLike<number>;
  dims: number[];
}
type FeaturePipeline = ((texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<TensorLike>) & {
  dispose(): Promise<void>;
};

export async function createEmbedder(opts: EmbedderOptions): Promise<Embedder> {
  const spec = opts.model ?? DEFAULT_MODEL;
  const onProgress = opts.onProgress;
  const { model, pipe: extractor } = await loadModelPipeline<FeaturePipeline>(
    'feature-extraction',
    spec,
    opts,
    {
      what: 'model',
      hubMissingHint: `run once without --offline to download it into ${opts.cacheDir}, or copy the files of https://huggingface.co/${spec} there (same folder layout), or use --model toolflow-glove-100d (embedded, no download)`,
      folderMissingHint: (missing) => `the folder must hold ${missing.join(', ')} as exported by Optimum / transformers.js`,
      downloadHint: (folder) => `check the network or proxy, or put the files of https://huggingface.co/${spec} in ${folder} and use --offline, or use --model toolflow-glove-100d (embedded, no download)`,
      folderLoadHint: 'the folder must hold a transformers.js feature-extraction model (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)',
    },
    onProgress ? (p) => onProgress({ type: 'model-download', model: spec, ...p }) : undefined,
  );
  const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
  const dimensions = probe.dims[probe.dims.length - 1]!;
  onProgress?.({ type: 'model-ready', model: spec, dimensions });
  const batchSize = Math.max(1, opts.batchSize ?? 64);

  return {
    model,
    fingerprint: modelFingerprint(model),
    dimensions,
    async embed(texts, callOpts) {
      const out = new Float32Array(texts.length * dimensions);
      const signal = callOpts?.signal ?? opts.signal;
      const progress = callOpts?.onProgress ?? onProgress;
      for (let start = 0; start < texts.length; start += batchSize) {
        throwIfAborted(signal);
        const batch = texts.slice(start, start + batchSize) as string[];
        const t = await extractor(batch, { pooling: 'mean', normalize: true });
        const data = t.data;
        for (let i = 0; i < batch.length; i++) {
          const row = (start + i) * dimensions;
          let finite = true;
          for (let d = 0; d < dimensions; d++) {
            const v = data[i * dimensions + d]!;
            if (!Number.isFinite(v)) finite = false;
            out[row + d] = v;
          }
          if (!finite) out.fill(0, row, row + dimensions);
        }
        progress?.({ type: 'embed', done: Math.min(texts.length, start + batch.length), total: texts.length });
      }
      return out;
    },
    dispose: () => extractor.dispose(),
  };
}
