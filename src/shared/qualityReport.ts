/**
 * The quality report's data (types only): what `toolflow report` embeds in its HTML file and prints
 * with `--json`, and what the "ToolFlow: Show Quality Report" webview renders. The engine
 * (src/engine/quality/report) computes it; `webview-ui/report` only draws it (as text and charts).
 * Also the webview's message protocol.
 */

/** Table 1 and the counts around it (see docs/quality.md for each definition). */
export interface QualityStats {
  /** Dialogues counted (accepted, after review verdicts). */
  dialogues: number;
  rejected: number;
  /** o200k_base tokens of the counted dialogues' messages. */
  tokens: number;
  calls: number;
  callTurns: number;
  parallelCallTurns: number;
  rounds: number;
  noToolRounds: number;
  messages: number;
  meanRounds: number;
  meanMessages: number;
  meanTools: number;
  meanTokens: number;
  noToolRoundShare: number;
  chitchatStepShare: number | null;
  rejectionReasons: Record<string, number>;
  repairs: number | null;
}

export interface QualityDiversity {
  /** Shannon entropy of word frequencies over the run, bits. */
  entropy: number;
  /** Distinct word trigrams / all word trigrams over the run (null with no trigram). */
  distinct3: number | null;
  words: number;
  trigrams: number;
}

export interface QualityCoherence {
  /** Mean cosine over all consecutive-round pairs (null when not computed). */
  ss: number | null;
  /** Share of pairs labelled entailment; absent when the NLI model was not available. */
  enr?: number | null;
  pairs: number;
  embeddingModel?: string;
  nliModel?: string;
}

export interface QualityJudge {
  model?: string;
  judged: number;
  sample: number;
  naturalness: number;
  coherence: number;
  helpfulness: number;
  accuracy: number;
  failed: number;
}

export interface QualityDuplicates {
  clusters: number;
  /** Dialogues in some cluster, and how many an exporter's --dedupe would leave out. */
  dialogues: number;
  removable: number;
  threshold: number;
  /** The largest clusters: ids, similarity to the first, and what they share. */
  top: Array<{ id: number; members: string[]; similarity: number[]; snippets: string[] }>;
}

export interface QualityLeakage {
  evalSource: string;
  evalTools: number;
  tools: number;
  ngram: { leaking: number; share: number; threshold: number };
  embedding?: { leaking: number; share: number; threshold: number; model: string };
  leaking: Array<{ name: string; ngram?: { share: number; closest?: string }; embedding?: { cosine: number; closest: string } }>;
}

/** One run's figures. */
export interface RunQuality {
  name: string;
  dir: string;
  /** Ablation settings from the run manifest (null when unknown). */
  settings: { graph: boolean | null; plan: boolean | null; count: number | null; seed: number | null; model: string | null };
  stats: QualityStats;
  diversity: QualityDiversity;
  coherence: QualityCoherence;
  judge?: QualityJudge;
  duplicates: QualityDuplicates;
  leakage?: QualityLeakage;
  /** Problems met while computing (e.g. the NLI model could not be loaded): one line each. */
  notes: string[];
}

/** A per-dialogue distribution binned the same way for every run, so bars compare. */
export interface Distribution {
  metric: string;
  label: string;
  /** Bin edges (bins + 1 values). */
  edges: number[];
  /** counts[run][bin]. */
  counts: number[][];
}

export interface QualityReport {
  format: 'toolflow.quality-report';
  version: 1;
  createdAt: string;
  tokenizer: string;
  runs: RunQuality[];
  distributions: Distribution[];
}

// ---------------------------------------------------------------------------------------------
// Webview protocol ("ToolFlow: Show Quality Report")

export type ReportToWebview =
  | { type: 'report/progress'; message: string }
  | { type: 'report/data'; report: QualityReport }
  | { type: 'report/error'; message: string };

export type ReportFromWebview = { type: 'report/ready' };
