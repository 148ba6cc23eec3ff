/**
 * EnR of the paper (Table 2, A.1): the share of consecutive-round pairs that an NLI cross-encoder
 * labels entailment, premise = previous round's request and response, hypothesis = current
 * round's request. The model is loaded as a transformers.js `text-classification` pipeline (default
 * `Xenova/nli-deberta-v3-xsmall`, downloaded once into the cache with progress; any local folder);
 * pairs go through the pipeline's own tokenizer with `text_pair` and its model, because the
 * pipeline's call takes single texts. The label is the argmax of the logits, read through the
 * model's `id2label`.
 */
import { loadModelPipeline, throwIfAborted, type ModelLoadOptions } from '../../embedding/modelLoader';
import { ModelLoadError } from '../../embedding/modelRegistry';
import type { RoundPair } from '../text/dialogueText';

export const DEFAULT_NLI_MODEL = 'Xenova/nli-deberta-v3-xsmall';

export type NliEvent =
  | { type: 'model-download'; model: string; file: string; loaded: number; total: number }
  | { type: 'model-ready'; model: string; labels: string[] }
  | { type: 'classify'; done: number; total: number };

/** Loading options (offline, cacheDir, cwd, remoteHost, signal) are the embedder's: see ModelLoadOptions. */
export interface NliOptions extends ModelLoadOptions {
  /** Hub id or model folder (default `Xenova/nli-deberta-v3-xsmall`). */
  model?: string;
  /** Default: q8 for the default hub model (`onnx/model_quantized.onnx`), fp32 otherwise. */
  dtype?: 'fp32' | 'q8';
  /** Pairs per inference batch (default 16). */
  batchSize?: number;
  onProgress?: (e: NliEvent) => void;
}

export interface NliClassifier {
  readonly model: string;
  readonly labels: string[];
  /** Label index of entailment in the model's id2label. */
  readonly entailment: number;
  /** The predicted label index of each pair. */
  classify(pairs: readonly RoundPair[], opts?: { signal?: AbortSignal; onProgress?: (e: NliEvent) => void }): Promise<number[]>;
  dispose(): Promise<void>;
}

interface TensorLike {
  data: ArrayLike<number>;
  dims: number[];
}
type PairTokenizer = (texts: string[], opts: { text_pair: string[]; padding: boolean; truncation: boolean }) => Record<string, unknown>;
interface ClassificationPipeline {
  tokenizer: PairTokenizer;
  model: ((inputs: Record<string, unknown>) => Promise<{ logits: TensorLike }>) & { config: { id2label?: Record<string, string> } };
  dispose(): Promise<void>;
}

export async function createNliClassifier(opts: NliOptions): Promise<NliClassifier> {
  const spec = opts.model ?? DEFAULT_NLI_MODEL;
  const onProgress = opts.onProgress;
  const { pipe } = await loadModelPipeline<ClassificationPipeline>(
    'text-classification',
    spec,
    { ...opts, dtype: opts.dtype ?? (spec === DEFAULT_NLI_MODEL ? 'q8' : 'fp32') },
    {
      what: 'NLI model',
      hubMissingHint: `run once with network to download it into ${opts.cacheDir}, or pass --nli-model <folder> with an exported NLI cross-encoder`,
      folderMissingHint: (missing) => `the folder must hold ${missing.join(', ')} (a transformers.js sequence-classification export)`,
      downloadHint: () => 'EnR needs it once; check the network or proxy, or pass --nli-model <folder>',
      folderLoadHint: 'the folder must hold a transformers.js sequence-classification model (config.json with id2label, tokenizer.json, tokenizer_config.json, onnx/model.onnx)',
    },
    onProgress ? (p) => onProgress({ type: 'model-download', model: spec, ...p }) : undefined,
  );
  const id2label = pipe.model.config.id2label ?? {};
  const labels = Object.keys(id2label)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => String(id2label[k]));
  const entailment = labels.findIndex((l) => /entail/i.test(l));
  if (entailment < 0) {
    await pipe.dispose();
    throw new ModelLoadError(`NLI model ${spec} has no entailment label (its labels: ${labels.join(', ') || 'none'})`, 'use an NLI cross-encoder whose config.json id2label names an "entailment" class');
  }
  opts.onProgress?.({ type: 'model-ready', model: spec, labels });
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  return {
    model: spec,
    labels,
    entailment,
    async classify(pairs, callOpts) {
      const out: number[] = [];
      const signal = callOpts?.signal ?? opts.signal;
      const progress = callOpts?.onProgress ?? opts.onProgress;
      for (let start = 0; start < pairs.length; start += batchSize) {
        throwIfAborted(signal);
        const batch = pairs.slice(start, start + batchSize);
        const inputs = pipe.tokenizer(
          batch.map((p) => p.premise),
          { text_pair: batch.map((p) => p.hypothesis), padding: true, truncation: true },
        );
        const { logits } = await pipe.model(inputs);
        const k = logits.dims[logits.dims.length - 1]!;
        for (let i = 0; i < batch.length; i++) {
          let best = 0;
          for (let j = 1; j < k; j++) if (logits.data[i * k + j]! > logits.data[i * k + best]!) best = j;
          out.push(best);
        }
        progress?.({ type: 'classify', done: Math.min(pairs.length, start + batch.length), total: pairs.length });
      }
      return out;
    },
    dispose: () => pipe.dispose(),
  };
}
