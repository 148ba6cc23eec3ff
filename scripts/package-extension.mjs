#!/usr/bin/env node
// Packages the extension as a platform-specific .vsix: `npm run package [-- --target T --out F]`.
//
// Why not plain `vsce package`: the bundles keep packages with native binaries or large runtime
// assets external (see esbuild.js), so the .vsix must carry them, but only for ONE platform
// (onnxruntime-node alone ships 290 MB of binaries for six platforms). This script
//   1. builds the production bundles (`node esbuild.js --production`);
//   2. stages the extension in a temporary folder: package.json (without dev fields), README, schemas/,
//      media/, models/ (when built), dist/*.js, and, in dist/node_modules/, the packages the bundles
//      require at run time with their dependencies (node resolves them from dist/extension.js),
//      pruned to the target platform's native binaries;
//   3. checks that every external package loads from the stage (so a missing file fails here, not
//      on a user's machine);
//   4. runs `vsce package --no-dependencies --target <T>` in the stage.
// Native modules are handled per platform (onnxruntime-node's CPU binary and sharp's prebuilt
// package for the target), not through the WASM backend: the .vsix is built on (or for) the platform
// it runs on, e.g. one CI job per target.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const hostTarget = `${process.platform}-${process.arch}`;
const target = option('--target') ?? hostTarget;
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(option('--out') ?? path.join(root, `${manifest.name}-${manifest.version}-${target}.vsix`));
// Staged outside the repository, so the load check below cannot fall back to ./node_modules.
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-vsix-'));
process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));
const [targetOs, targetArch] = target.split('-');

/** Dependencies never loaded in the extension host, left out of the .vsix on purpose. */
const excludedPackages = new Map([
  ['onnxruntime-web', "browser/WASM backend; transformers.js' Node build loads onnxruntime-node"],
  ['adm-zip', "used only by onnxruntime-node's install script (GPU binary download)"],
  ['global-agent', "used only by onnxruntime-node's install script (GPU binary download)"],
]);
const platformTokens = ['linux', 'linuxmusl', 'darwin', 'win32', 'freebsd', 'wasm32', 'android', 'openbsd', 'sunos', 'netbsd'];
const archTokens = ['x64', 'arm64', 'arm', 'ia32', 'riscv64', 'ppc64', 's390x', 'loong64', 'armv6', 'armv7'];
/** Files in dependency packages that are never needed at run time. */
const prunedFile = /(\.d\.[cm]?ts|\.map|\.tsbuildinfo)$|(^|\/)(CHANGELOG|HISTORY)[^/]*$/i;

function log(msg) {
  process.stderr.write(`[package] ${msg}\n`);
}
function fail(msg) {
  process.stderr.write(`[package] error: ${msg}\n`);
  process.exit(1);
}
function run(cmd, cmdArgs, cwd = root) {
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${path.basename(cmd)} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

// 1. production bundles
if (!args.includes('--no-build')) run(process.execPath, ['esbuild.js', '--production']);
const distDir = path.join(root, 'dist');
if (!fs.existsSync(path.join(distDir, 'extension.js'))) fail('dist/extension.js is missing: run "npm run build"');

// 2. stage
const stagedManifest = { ...manifest };
for (const key of ['devDependencies', 'scripts', 'private']) delete stagedManifest[key];
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(stagedManifest, null, 2) + '\n');
for (const name of ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', '.vscodeignore']) {
  if (fs.existsSync(path.join(root, name))) fs.copyFileSync(path.join(root, name), path.join(stage, name));
}
for (const dir of ['schemas', 'media', 'models', 'l10n']) {
  if (fs.existsSync(path.join(root, dir))) fs.cpSync(path.join(root, dir), path.join(stage, dir), { recursive: true });
}
fs.cpSync(distDir, path.join(stage, 'dist'), {
  recursive: true,
  filter: (src) => !src.endsWith('.map') && !src.startsWith(path.join(distDir, 'node_modules')),
});

// Packages the bundles load at run time: bare `require("x")` / `import("x")` left by esbuild.
function bundleExternals() {
  const names = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'webview' && e.name !== 'node_modules') walk(p);
      } else if (/\.[cm]?js$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
          const spec = m[1];
          if (isBuiltin(spec) || spec === 'vscode') continue;
          names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
    }
  };
  walk(distDir);
  return [...names].sort();
}

/** Finds the folder of package `name` as node would, starting at `fromDir`. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

function isOtherPlatformPackage(name) {
  const tokens = name.toLowerCase().split(/[-/@_.]/);
  const os = tokens.find((t) => platformTokens.includes(t));
  const arch = tokens.find((t) => archTokens.includes(t));
  if (!os && !arch) return false;
  const osMatches = !os || os === targetOs || (os === 'linuxmusl' && targetOs === 'alpine');
  return !osMatches || (arch !== undefined && arch !== targetArch);
}

const externals = bundleExternals();
const included = new Map(); // package dir -> name
const queue = externals.map((name) => ({ name, from: root, optional: false, by: 'dist bundles' }));
while (queue.length > 0) {
  const { name, from, optional, by } = queue.shift();
  if (excludedPackages.has(name)) continue;
  const dir = findPackage(name, from);
  if (!dir) {
    if (optional) continue;
    fail(`${name} (needed by ${by}) is not installed in node_modules: run "npm install"`);
  }
  if (included.has(dir)) continue;
  included.set(dir, name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false, by: name });
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    if (!isOtherPlatformPackage(dep)) queue.push({ name: dep, from: dir, optional: true, by: name });
  }
}

const stagedModules = path.join(stage, 'dist', 'node_modules');
for (const [dir] of included) {
  const rel = path.relative(path.join(root, 'node_modules'), dir);
  fs.cpSync(dir, path.join(stagedModules, rel), {
    recursive: true,
    filter: (src) => {
      const inner = path.relative(dir, src).split(path.sep).join('/');
      if (inner === '') return true;
      if (inner === 'node_modules' || inner.startsWith('node_modules/')) return false; // nested deps are staged on their own
      if (prunedFile.test(inner)) return false;
      // onnxruntime-node and similar: bin/napi-v*/<os>/<arch>/ for every platform; keep the target's
      const m = /^bin\/napi-v\d+\/([^/]+)(?:\/([^/]+))?/.exec(inner);
      if (m && (m[1] !== targetOs || (m[2] !== undefined && m[2] !== targetArch))) return false;
      return true;
    },
  });
}
if (target !== hostTarget && included.size > 0) {
  log(`warning: packaging for ${target} on ${hostTarget}: optional native packages of ${target} are only included when installed here`);
}

// 3. every external must load from the stage alone
if (target === hostTarget) {
  for (const name of externals) {
    const check = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(name)}).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })`], {
      cwd: path.join(stage, 'dist'),
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '' },
    });
    if (check.status !== 0) fail(`${name} does not load from the packaged extension: ${check.stderr.trim()}`);
  }
}

// 4. vsce
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const vsceArgs = ['package', '--no-dependencies', '--target', target, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links'];
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(stage, f)))) vsceArgs.push('--skip-license');
fs.mkdirSync(path.dirname(out), { recursive: true });
run(process.execPath, [vsce, ...vsceArgs], stage);
const mb = (fs.statSync(out).size / 1e6).toFixed(1);
log(`${path.relative(process.cwd(), out) || out}: ${mb} MB, target ${target}, runtime packages: ${[...included.values()].join(', ') || 'none'}`);
