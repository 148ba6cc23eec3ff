/**
 * Sentence embeddings through transformers.js (`feature-extraction`, mean pooling, L2
 * normalisation). One code path for every model: the hub default (`Xenova/all-MiniLM-L6-v2`,
 * downloaded once into `cacheDir`), any local model folder, and the embedded offline GloVe model.
 */
import {
  DEFAULT_MODEL,
  ModelFilesMissingError,
  ModelLoadError,
  missingModelFiles,
  modelFingerprint,
  resolveModel,
  type ResolvedModel,
} from './modelRegistry';

export type EmbedderEvent =
  | { type: 'model-download'; model: string; file: string; loaded: number; total: number }
  | { type: 'model-ready'; model: string; dimensions: number }
  | { type: 'embed'; done: number; total: number };

export interface EmbedderOptions {
  /** Hub id, `toolflow-glove-100d`, or a model folder. Default: `Xenova/all-MiniLM-L6-v2`. */
  model?: string;
  /** Never touch the network: load from the folder / download cache only. */
  offline?: boolean;
  /** Where hub models are downloaded to (transformers.js file cache layout: `<cacheDir>/<id>/...`). */
  cacheDir: string;
  /** Resolves relative model folders. */
  cwd?: string;
  dtype?: 'fp32' | 'q8';
  /**
   * Model host for hub downloads (a Hugging Face mirror), e.g. `https://hf-mirror.example/`.
   * transformers.js keeps this setting process-wide.
   */
  remoteHost?: string;
  /** Texts per inference batch (default 64). */
  batchSize?: number;
  signal?: AbortSignal;
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

interface ProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export async function createEmbedder(opts: EmbedderOptions): Promise<Embedder> {
  const spec = opts.model ?? DEFAULT_MODEL;
  const model = resolveModel(spec, { cacheDir: opts.cacheDir, ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.dtype ? { dtype: opts.dtype } : {}) });
  const localOnly = opts.offline === true || model.kind !== 'hub';
  if (localOnly) {
    const missing = missingModelFiles(model);
    if (missing.length > 0) {
      const hint =
        model.kind === 'hub'
          ? `run once without --offline to download it into ${opts.cacheDir}, or copy the files of https://huggingface.co/${spec} there (same folder layout), or use --model toolflow-glove-100d (embedded, no download)`
          : `the folder must hold ${missing.join(', ')} as exported by Optimum / transformers.js`;
      throw new ModelFilesMissingError(`model ${spec}: missing ${missing.map((f) => `${model.folder}/${f}`).join(', ')}`, hint, missing);
    }
  }
  throwIfAborted(opts.signal);
  const transformers = await import('@huggingface/transformers');
  if (opts.remoteHost) transformers.env.remoteHost = opts.remoteHost.endsWith('/') ? opts.remoteHost : `${opts.remoteHost}/`;
  const onProgress = opts.onProgress;
  let extractor: FeaturePipeline;
  try {
    extractor = (await transformers.pipeline('feature-extraction', model.location, {
      dtype: model.dtype,
      cache_dir: opts.cacheDir,
      local_files_only: localOnly,
      progress_callback: (info: ProgressInfo) => {
        if (info.status === 'progress' && onProgress && info.file) {
          onProgress({ type: 'model-download', model: spec, file: info.file, loaded: info.loaded ?? 0, total: info.total ?? 0 });
        }
      },
    })) as unknown as FeaturePipeline;
  } catch (e) {
    throwIfAborted(opts.signal);
    const cause = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    if (model.kind === 'hub') {
      throw new ModelLoadError(
        `could not download model ${spec} (${cause.split('\n')[0]})`,
        `check the network or proxy, or put the files of https://huggingface.co/${spec} in ${model.folder} and use --offline, or use --model toolflow-glove-100d (embedded, no download)`,
      );
    }
    throw new ModelLoadError(`could not load model folder ${model.folder} (${cause.split('\n')[0]})`, 'the folder must hold a transformers.js feature-extraction model (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)');
  }
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
