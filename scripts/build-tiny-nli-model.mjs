#!/usr/bin/env node
// Builds a TINY sequence-classification model with the shape of an NLI cross-encoder (3 labels:
// contradiction / entailment / neutral) that transformers.js loads exactly like
// `Xenova/nli-deberta-v3-xsmall`: config.json (id2label), tokenizer.json (pairs encoded as
// `[CLS] premise [SEP] hypothesis [SEP]` with token_type_ids), tokenizer_config.json and
// onnx/model.onnx. It exists so EnR's real code path (download-free loading, pair tokenization,
// ONNX inference, label lookup) runs in tests with no network. ITS PREDICTIONS MEAN NOTHING:
// the weights are a fixed function of each word's hash, not trained.
//
// Graph:  logits[B,3] = ReduceSum_over_tokens( Gather(W[V,3], input_ids) * attention_mask )
// Usage:  node scripts/build-tiny-nli-model.mjs <out-folder>      (about 30 KB, < 1 s)
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeModelFolder } from './modelFolder.mjs';

const require = createRequire(import.meta.url);

export const LABELS = ['contradiction', 'entailment', 'neutral'];

// A small English vocabulary; anything else is [UNK].
const WORDS = (
  'i you we they he she it the a an to of and or but not no yes please thanks thank hello hi bye goodbye ' +
  'what when where who how why which can could would will do does did is are was were be have has had ' +
  'weather city flight book hotel date time price order find search list get show send email message ' +
  'today tomorrow now later also another more again same other next first last new old good great sure ' +
  'ok okay result results tool call help need want like know tell me my your our their this that there ' +
  'in on at for from with by about into over after before up down out one two three'
).split(' ');

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function buildOnnx(vocabSize, weights) {
  const { onnx } = require('onnx-proto');
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT = onnx.AttributeProto.AttributeType.INT;
  const dim = (name) => ({ dimParam: name });
  const tokenInput = (name) => ({ name, type: { tensorType: { elemType: INT64, shape: { dim: [dim('batch_size'), dim('sequence_length')] } } } });
  const int64Tensor = (name, values) => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'toolflow-studio/build-tiny-nli-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'toolflow-tiny-nli',
      initializer: [
        { name: 'W', dims: [vocabSize, LABELS.length], dataType: FLOAT, rawData: new Uint8Array(weights.buffer) },
        int64Tensor('axis2', [2]),
        int64Tensor('axis1', [1]),
      ],
      node: [
        { opType: 'Gather', input: ['W', 'input_ids'], output: ['g'], name: 'lookup', attribute: [{ name: 'axis', type: INT, i: 0 }] },
        { opType: 'Cast', input: ['attention_mask'], output: ['mask_f'], name: 'mask_to_float', attribute: [{ name: 'to', type: INT, i: FLOAT }] },
        { opType: 'Unsqueeze', input: ['mask_f', 'axis2'], output: ['mask3'], name: 'mask_unsqueeze' },
        { opType: 'Mul', input: ['g', 'mask3'], output: ['gm'], name: 'masked' },
        { opType: 'ReduceSum', input: ['gm', 'axis1'], output: ['logits'], name: 'pool', attribute: [{ name: 'keepdims', type: INT, i: 0 }] },
      ],
      input: [tokenInput('input_ids'), tokenInput('attention_mask'), tokenInput('token_type_ids')],
      output: [{ name: 'logits', type: { tensorType: { elemType: FLOAT, shape: { dim: [dim('batch_size'), { dimValue: LABELS.length }] } } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export function buildTinyNliModel(outDir) {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
  const vocab = {};
  [...special, ...WORDS].forEach((w, i) => (vocab[w] = i));
  const vocabSize = special.length + WORDS.length;
  const weights = new Float32Array(vocabSize * LABELS.length);
  for (let i = special.length; i < vocabSize; i++) {
    const h = fnv1a(WORDS[i - special.length]);
    for (let l = 0; l < LABELS.length; l++) weights[i * LABELS.length + l] = (((h >>> (l * 8)) & 0xff) - 128) / 64;
  }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    do_lower_case: true,
  };
  const config = {
    model_type: 'bert',
    architectures: ['BertForSequenceClassification'],
    id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    vocab_size: vocabSize,
    toolflow: { description: 'TINY TEST MODEL built by scripts/build-tiny-nli-model.mjs: untrained, its predictions mean nothing' },
  };
  writeModelFolder(outDir, { config, tokenizer, tokenizerConfig, onnx: buildOnnx(vocabSize, weights) });
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node scripts/build-tiny-nli-model.mjs <out-folder>\n');
    process.exit(1);
  }
  buildTinyNliModel(path.resolve(out));
  process.stderr.write(`built tiny NLI test model in ${out} (untrained: its predictions mean nothing)\n`);
}
