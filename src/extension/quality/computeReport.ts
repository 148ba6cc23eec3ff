/**
 * Computes the quality report of one run folder for the webview, with the engine loaded on first
 * use: SS with the configured embedding model, EnR with the default NLI model (downloaded once,
 * with progress), H, D-3, Table 1 statistics, near-duplicates, and earlier judge verdicts from
 * quality.jsonl. A model that cannot be loaded becomes a note on the report, not a failure.
 */
import type { QualityReport } from '../../shared/qualityReport';

export interface ComputeReportParams {
  runDir: string;
  embeddingModel: string;
  cacheDir: string;
  signal: AbortSignal;
  onProgress: (message: string) => void;
}

export async function computeQualityReport(p: ComputeReportParams): Promise<QualityReport> {
  const [{ createEmbedder }, { createNliClassifier }, { computeRunQuality }, { buildReport }] = await Promise.all([
    import('../../engine/embedding/embedder'),
    import('../../engine/quality/metrics/nliClassifier'),
    import('../../engine/quality/report/runQuality'),
    import('../../engine/quality/report/buildReport'),
  ]);
  const notes: string[] = [];
  const why = (e: unknown) => `${e instanceof Error ? e.message : String(e)}${(e as { hint?: unknown }).hint ? ` (${String((e as { hint: unknown }).hint)})` : ''}`;
  p.onProgress(`loading the embedding model ${p.embeddingModel}…`);
  const embedder = await createEmbedder({ model: p.embeddingModel, cacheDir: p.cacheDir, signal: p.signal }).catch((e: unknown) => {
    notes.push(`SS skipped: ${why(e)}`);
    return undefined;
  });
  p.onProgress('loading the NLI model for EnR (downloaded once)…');
  const nli = await createNliClassifier({
    cacheDir: p.cacheDir,
    signal: p.signal,
    onProgress: (e) => {
      if (e.type === 'model-download' && e.total > 0) p.onProgress(`downloading ${e.model}/${e.file}: ${(e.loaded / 1e6).toFixed(1)} of ${(e.total / 1e6).toFixed(1)} MB`);
    },
  }).catch((e: unknown) => {
    notes.push(`EnR skipped: ${why(e)}`);
    return undefined;
  });
  try {
    const result = await computeRunQuality(p.runDir, {
      ...(embedder ? { embedder } : {}),
      ...(nli ? { nli } : {}),
      notes,
      signal: p.signal,
      onEvent: (e) => {
        if (e.type === 'phase') p.onProgress(`${e.phase}${e.detail ? ` (${e.detail})` : ''}…`);
        else if (e.type === 'progress') p.onProgress(`${e.phase}: ${e.done}/${e.total}`);
      },
    });
    return buildReport([result]);
  } finally {
    await embedder?.dispose();
    await nli?.dispose();
  }
}
