// Builds every bundle of ToolFlow Studio:
//   dist/extension.js      the VS Code extension (Node extension host, CommonJS, `vscode` external)
//   dist/cli.js            the `toolflow` CLI (same engine, Node, CommonJS)
//   dist/webview/<name>.js one browser bundle per folder `webview-ui/<name>/main.ts`
// Packages with native binaries or large runtime assets (onnxruntime-node, sharp, transformers.js)
// stay external: they are loaded from node_modules at run time and never inlined into a bundle.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// gpt-tokenizer: 4 MB of BPE ranks, loaded from node_modules only when a quality report is computed.
const nodeExternals = ['vscode', '@huggingface/transformers', 'onnxruntime-node', 'onnxruntime-web', 'sharp', 'gpt-tokenizer'];

/** Reports build results in the format of VS Code's esbuild problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

function webviewEntries() {
  const root = path.join(__dirname, 'webview-ui');
  if (!fs.existsSync(root)) return {};
  const entries = {};
  for (const name of fs.readdirSync(root)) {
    const main = path.join(root, name, 'main.ts');
    if (fs.existsSync(main)) entries[name] = main;
  }
  return entries;
}

async function main() {
  const common = {
    bundle: true,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [problemMatcher],
  };
  const configs = [
    {
      ...common,
      entryPoints: { extension: 'src/extension/extension.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: nodeExternals,
    },
    {
      ...common,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: nodeExternals,
      // `toolflow --version`: the package version, fixed at build time.
      define: { TOOLFLOW_BUILD_VERSION: JSON.stringify(require('./package.json').version) },
      banner: { js: '#!/usr/bin/env node' },
    },
  ];
  const webviews = webviewEntries();
  if (Object.keys(webviews).length > 0) {
    configs.push({
      ...common,
      entryPoints: webviews,
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
    });
  }
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
  fs.chmodSync(path.join(__dirname, 'dist', 'cli.js'), 0o755);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
