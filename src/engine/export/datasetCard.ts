/**
 * The dataset card (`README.md` with YAML front matter) of a Hugging Face export: task categories,
 * size category, the data files per split, the generation settings of the run manifest, the export
 * settings and, when the run folder has a quality report (`quality.jsonl`), its averages. The
 * license is left to the user (a commented line in the front matter says so).
 */
import type { RunManifest } from '../pipeline/types';
import type { DialogueQuality } from '../quality/qualityFiles';
import type { ExportFormat, IncludeMode, SplitBy } from './types';

export const CARD_MARKER = '<!-- written by toolflow export: edit freely; remove this line to keep toolflow from overwriting it -->';

export interface CardInput {
  runName: string;
  manifest?: RunManifest;
  format: ExportFormat;
  dataFiles: Array<{ split: string; path: string; rows: number }>;
  total: number;
  include: IncludeMode;
  dedupe: { applied: boolean; removed: number };
  split?: { ratio: number; by: SplitBy; seed: number; dropped: number };
  quality?: Map<string, DialogueQuality>;
  exportedIds: string[];
  tokens?: { mean: number; max: number };
}

export function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  return '1M<n<10M';
}

const yamlString = (s: string) => JSON.stringify(s);

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

export function datasetCard(c: CardInput): string {
  const y: string[] = ['---', '# license: choose one before publishing (e.g. apache-2.0, cc-by-4.0); the tools and models you used may constrain it'];
  y.push(`pretty_name: ${yamlString(`ToolFlow synthetic tool-calling dialogues (${c.runName})`)}`);
  y.push('task_categories:', '- text-generation');
  y.push('tags:', '- tool-calling', '- function-calling', '- synthetic', '- toolflow');
  y.push('size_categories:', `- ${sizeCategory(c.total)}`);
  y.push('configs:', '- config_name: default', '  data_files:');
  for (const f of c.dataFiles) y.push(`  - split: ${f.split}`, `    path: ${yamlString(f.path)}`);
  y.push('---', CARD_MARKER, '');

  const b: string[] = [`# ToolFlow synthetic tool-calling dialogues: ${c.runName}`, ''];
  b.push(
    `${c.total} multi-turn tool-calling dialogues synthesized with ToolFlow Studio (ToolFlow, Wang et al., NAACL 2025, arXiv 2410.18447): tools sampled from a tool graph, a dialogue plan, and three LLM agents (user, assistant, tool simulator). The tool results are simulated by a model, not real API responses.`,
    '',
    '## Format',
    '',
    'Each row has `messages` (OpenAI-style chat messages; assistant `tool_calls` with `arguments` as an object; `tool` messages with `tool_call_id` and `name`) and `tools` (the tools offered in that dialogue), as `tokenizer.apply_chat_template(row["messages"], tools=row["tools"])` and TRL\'s `SFTTrainer` read them. In the Parquet files both columns are JSON text (Arrow would otherwise merge the differing `arguments` and tool `parameters` of all rows into one struct and fill the missing keys with null): `json.loads` them per example, where Arrow does not see the result.',
    '',
    '| split | file | rows |',
    '|---|---|---|',
    ...c.dataFiles.map((f) => `| ${f.split} | \`${f.path}\` | ${f.rows} |`),
    '',
    '## How it was generated',
    '',
  );
  const m = c.manifest;
  if (m) {
    const o = m.options;
    b.push(
      `- dialogues requested: ${o.count}, run seed ${o.seed}`,
      `- tools per dialogue: ${o.toolsPerDialogue.min}–${o.toolsPerDialogue.max}, sampled by ${o.sampling === 'walk' ? 'random walks on the tool graph' : 'uniform sampling (no graph)'}`,
      `- plan: ${o.plan ? `${o.planSteps.min}–${o.planSteps.max} steps` : 'none (--no-plan)'}; turn limit ${o.maxTurns}; simulated tool error rate ${o.toolErrorRate}`,
      `- tools in the run: ${m.toolCount} (${m.toolSetHash})`,
      `- ToolFlow Studio ${m.toolflowVersion}, created ${m.createdAt}`,
      '- models per role:',
      ...Object.entries(m.models).map(([role, info]) => `  - ${role}: \`${info?.model ?? '?'}\` at ${info?.baseURL ?? '?'}${info?.temperature !== undefined ? `, temperature ${info.temperature}` : ''}`),
    );
  } else b.push('- the run manifest could not be read');
  b.push(
    '',
    '## Export',
    '',
    `- included: ${c.include === 'all' ? 'every dialogue, rejected ones too' : c.include === 'reviewed' ? 'accepted dialogues a person reviewed' : 'accepted dialogues (reviewer verdicts applied)'}`,
    `- near-duplicates: ${c.dedupe.applied ? `${c.dedupe.removed} removed (one kept per cluster)` : 'not removed'}`,
    c.split ? `- split: ${Math.round(c.split.ratio * 100)} % train, by ${c.split.by === 'tools' ? 'tools (no tool appears in both splits)' : 'dialogue'}, seed ${c.split.seed}${c.split.by === 'tools' ? `; ${c.split.dropped} dialogues dropped because their tools fell on both sides` : ''}` : '- split: none (one train file)',
  );
  if (c.tokens) b.push(`- tokens per dialogue (o200k_base estimate): mean ${c.tokens.mean}, max ${c.tokens.max}`);
  const q = c.quality && c.quality.size ? c.exportedIds.map((id) => c.quality!.get(id)).filter((x): x is DialogueQuality => !!x) : [];
  if (q.length) {
    const fig = (name: string, values: Array<number | undefined>, digits = 3) => {
      const v = mean(values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)));
      return v === undefined ? [] : [`| ${name} | ${v.toFixed(digits)} |`];
    };
    b.push(
      '',
      '## Quality (from the run\'s quality report, over the exported dialogues)',
      '',
      `${q.length} of ${c.exportedIds.length} exported dialogues have quality figures.`,
      '',
      '| metric | mean |',
      '|---|---|',
      ...fig('semantic similarity of consecutive rounds (SS)', q.map((x) => x.ss)),
      ...fig('entailment rate (EnR)', q.map((x) => x.enr)),
      ...fig('word entropy (bits)', q.map((x) => x.entropy)),
      ...fig('distinct-3', q.map((x) => x.distinct3)),
      ...fig('tokens', q.map((x) => x.tokens), 0),
      ...fig('judge: naturalness', q.map((x) => x.judge?.naturalness), 2),
      ...fig('judge: coherence', q.map((x) => x.judge?.coherence), 2),
      ...fig('judge: helpfulness', q.map((x) => x.judge?.helpfulness), 2),
      ...fig('judge: accuracy', q.map((x) => x.judge?.accuracy), 2),
    );
  }
  b.push('', '## Provenance', '', 'The `*.provenance.jsonl` file next to each data file maps every row to its run, dialogue id and per-dialogue seed.', '');
  return [...y, ...b].join('\n');
}
