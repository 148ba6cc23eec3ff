// Writes a transformers.js model folder: config.json, tokenizer.json, tokenizer_config.json and
// onnx/model.onnx (the layout `resolveModel` / `missingModelFiles` expect). Shared by
// scripts/build-offline-model.mjs and scripts/build-tiny-nli-model.mjs.
import fs from 'node:fs';
import path from 'node:path';

/** @param {string} outDir @param {{ config: object, tokenizer: object, tokenizerConfig: object, onnx: Uint8Array }} parts */
export function writeModelFolder(outDir, { config, tokenizer, tokenizerConfig, onnx }) {
  fs.mkdirSync(path.join(outDir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(outDir, 'config.json'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(outDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  fs.writeFileSync(path.join(outDir, 'onnx', 'model.onnx'), onnx);
}
