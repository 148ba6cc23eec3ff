/**
 * The one way ToolFlow loads a transformers.js model: resolve the spec (hub id, bundled name or
 * folder), check a local model's files before touching the runtime, point transformers.js at the
 * configured hub mirror, build the pipeline with download progress, and turn a failure into a
 * ModelLoadError that says what to do. The embedder (`feature-extraction`) and the NLI classifier
 * of EnR (`text-classification`) both load through here, so both honour the same options.
 */
import {
  ModelFilesMissingError,
  ModelLoadError,
  missingModelFiles,
  resolveModel,
  type ResolvedModel,
} from './modelRegistry';

export interface ModelLoadOptions {
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
  signal?: AbortSignal;
}

/** The words of the errors, which differ by what the model is for. */
export interface ModelLoadTexts {
  /** What the model is, as the errors name it: `model`, `NLI model`. */
  what: string;
  /** What to do when a hub model is not in the cache and the network may not be used. */
  hubMissingHint: string;
  /** What a model folder must hold, given the files it lacks. */
  folderMissingHint: (missing: readonly string[]) => string;
  /** What to do when a hub download fails, given the cache folder the files belong in. */
  downloadHint: (folder: string) => string;
  /** What a model folder must hold when the runtime could not load it. */
  folderLoadHint: string;
}

export interface ModelDownloadProgress {
  file: string;
  loaded: number;
  total: number;
}

export interface LoadedModel<P> {
  model: ResolvedModel;
  pipe: P;
}

interface ProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export async function loadModelPipeline<P>(
  task: 'feature-extraction' | 'text-classification',
  spec: string,
  opts: ModelLoadOptions,
  texts: ModelLoadTexts,
  onDownload?: (p: ModelDownloadProgress) => void,
): Promise<LoadedModel<P>> {
  const model = resolveModel(spec, { cacheDir: opts.cacheDir, ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.dtype ? { dtype: opts.dtype } : {}) });
  const localOnly = opts.offline === true || model.kind !== 'hub';
  if (localOnly) {
    const missing = missingModelFiles(model);
    if (missing.length > 0) {
      const hint = model.kind === 'hub' ? texts.hubMissingHint : texts.folderMissingHint(missing);
      throw new ModelFilesMissingError(`${texts.what} ${spec}: missing ${missing.map((f) => `${model.folder}/${f}`).join(', ')}`, hint, missing);
    }
  }
  throwIfAborted(opts.signal);
  const transformers = await import('@huggingface/transformers');
  if (opts.remoteHost) transformers.env.remoteHost = opts.remoteHost.endsWith('/') ? opts.remoteHost : `${opts.remoteHost}/`;
  try {
    const pipe = (await transformers.pipeline(task, model.location, {
      dtype: model.dtype,
      cache_dir: opts.cacheDir,
      local_files_only: localOnly,
      progress_callback: (info: ProgressInfo) => {
        if (info.status === 'progress' && onDownload && info.file) onDownload({ file: info.file, loaded: info.loaded ?? 0, total: info.total ?? 0 });
      },
    })) as unknown as P;
    return { model, pipe };
  } catch (e) {
    throwIfAborted(opts.signal);
    const cause = (e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e)).split('\n')[0];
    if (model.kind === 'hub') throw new ModelLoadError(`could not download ${texts.what} ${spec} (${cause})`, texts.downloadHint(model.folder));
    throw new ModelLoadError(`could not load ${texts.what} folder ${model.folder} (${cause})`, texts.folderLoadHint);
  }
}
