#!/usr/bin/env node
// Assembles the WebAssembly SIMD pair-search kernel (the text below) with wabt and writes
// src/engine/graph/similarity/wasmKernelBinary.ts (base64), which the engine loads at run time
// (no wabt needed there). Run after editing the kernel text: `node scripts/build-wasm-kernel.mjs`.
// `--check` exits 1 when the committed binary differs from the text (used by the tests).
//
// What the kernel computes for one row i of A against rows [j0, j1) of B (see scanKernel.ts for
// the maths, which this mirrors):
//   stage 1, four rows of B at a time (f32x4 lanes): sum_{d<8} z_id z_jd + tail8_i tail8_j
//            >= (tau - margin) - c_i - c_j, else the pair cannot be an edge;
//   stage 2, same four lanes when any passed: coordinates 8..15 added, bound with tail16;
//   stage 3, per surviving lane: coordinates 16..31 added, bound with tail32;
//   then the float32 dot product of the original vectors (SIMD); pairs with
//            dot > tau - 1e-5 are written out as (i, j, dot) and decided exactly (float64) in JS.
// The memory is imported and shared: the worker threads of a search instantiate the kernel on one
// memory that holds both sides once (each with its own output region), instead of a copy each.
// Memory layout (byte offsets set by `setup`, all 16-byte aligned):
//   A: zRow (rows x 32 f32), tail8, tail16, tail32, c (f32 per row), x (rows x dimsPadded f32)
//   B: zT (quads x 16 dims x 4 lanes f32: the first 16 coordinates transposed per quad of rows),
//      zRow, tail8, tail16, tail32, c (padding rows have c = -1e30 so they never pass), x
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.join(root, 'src', 'engine', 'graph', 'similarity', 'wasmKernelBinary.ts');

const globals = ['aZ', 'aT8', 'aT16', 'aT32', 'aC', 'aX', 'bZT', 'bZ', 'bT8', 'bT16', 'bT32', 'bC', 'bX', 'dimsP'];
const range = (n) => Array.from({ length: n }, (_, i) => i);


/** Stage 2 for one row of A (`r` = 'a' for row i, 'b' for row k): coordinates 8..15, bound with tail16. */
const stage2 = (r, acc, mask, ti16, rhs) => `
            (local.set ${acc}
${range(8).map(() => '              (f32x4.add').join('\n')}
                (local.get ${acc})
${range(8).map((d) => `                (f32x4.mul (local.get $${r}${d + 8}) (v128.load offset=${128 + 16 * d} (local.get $p))))`).join('\n')})
            (local.set ${mask}
              (i32.and (local.get ${mask})
                (i32x4.bitmask
                  (f32x4.ge
                    (f32x4.add (local.get ${acc}) (f32x4.mul (local.get ${ti16}) (v128.load (i32.add (global.get $bT16) (i32.shl (local.get $j) (i32.const 2))))))
                    (local.get ${rhs})))))`;

/** Horizontal sum of the f32x4 in local `v`: lanes (0 + 1) + (2 + 3). */
const hsum = (v) => `(f32.add (f32.add (f32x4.extract_lane 0 (local.get ${v})) (f32x4.extract_lane 1 (local.get ${v}))) (f32.add (f32x4.extract_lane 2 (local.get ${v})) (f32x4.extract_lane 3 (local.get ${v}))))`;

/**
 * Stage 3 (coordinates 16..31, bound with tail32) for the pair (`row` of A, `j` of B) that passed
 * stage 2 with partial sum `dot16`, then the float32 dot product of the original vectors; a pair
 * above tauLow is written at `$out` + 12 * `$cnt`. `zrow`: row's z address. Uses the locals $fz,
 * $facc, $xi, $xj, $xend, $fs, $fo. Inline in scanRow2's lane loop, and the body of $finish.
 */
const finishPair = (row, zrow, j, dot16) => `
(local.set $fz (i32.add (global.get $bZ) (i32.shl (local.get ${j}) (i32.const 7))))
(local.set $facc
  (f32x4.add
    (f32x4.add
      (f32x4.mul (v128.load offset=64 (local.get ${zrow})) (v128.load offset=64 (local.get $fz)))
      (f32x4.mul (v128.load offset=80 (local.get ${zrow})) (v128.load offset=80 (local.get $fz))))
    (f32x4.add
      (f32x4.mul (v128.load offset=96 (local.get ${zrow})) (v128.load offset=96 (local.get $fz)))
      (f32x4.mul (v128.load offset=112 (local.get ${zrow})) (v128.load offset=112 (local.get $fz))))))
(if (i32.eqz
      (f32.lt
        (f32.add (f32.add ${dot16} ${hsum('$facc')})
          (f32.mul (f32.load (i32.add (global.get $aT32) (i32.shl (local.get ${row}) (i32.const 2))))
                   (f32.load (i32.add (global.get $bT32) (i32.shl (local.get ${j}) (i32.const 2))))))
        (f32.sub (f32.sub (global.get $tauB) (f32.load (i32.add (global.get $aC) (i32.shl (local.get ${row}) (i32.const 2)))))
          (f32.load (i32.add (global.get $bC) (i32.shl (local.get ${j}) (i32.const 2)))))))
  (then
    ;; exact (float32) dot product of the original vectors
    (local.set $xi (i32.add (global.get $aX) (i32.mul (local.get ${row}) (i32.shl (global.get $dimsP) (i32.const 2)))))
    (local.set $xj (i32.add (global.get $bX) (i32.mul (local.get ${j}) (i32.shl (global.get $dimsP) (i32.const 2)))))
    (local.set $xend (i32.add (local.get $xi) (i32.shl (global.get $dimsP) (i32.const 2))))
    (local.set $facc (v128.const f32x4 0 0 0 0))
    (block $xdone
      (loop $xdims
        (br_if $xdone (i32.ge_u (local.get $xi) (local.get $xend)))
        (local.set $facc (f32x4.add (local.get $facc) (f32x4.mul (v128.load (local.get $xi)) (v128.load (local.get $xj)))))
        (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
        (local.set $xj (i32.add (local.get $xj) (i32.const 16)))
        (br $xdims)))
    (local.set $fs ${hsum('$facc')})
    (if (f32.gt (local.get $fs) (global.get $tauLow))
      (then
        (local.set $fo (i32.add (local.get $out) (i32.mul (local.get $cnt) (i32.const 12))))
        (i32.store (local.get $fo) (local.get ${row}))
        (i32.store offset=4 (local.get $fo) (local.get ${j}))
        (f32.store offset=8 (local.get $fo) (local.get $fs))
        (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))))`;

/** Indents every line of a WAT fragment by `n` spaces. */
const indent = (n, text) => text.replace(/\n/g, `\n${' '.repeat(n)}`);

/**
 * The lanes of one row of A left after stage 2, lowest first: one branch per surviving lane, not
 * four per quad; each gets $finish's work inline (stage 3, then the float32 dot product), so no
 * call spills the row's registers.
 */
const lanes = (row, zrow, acc, mask, jMin) => `
            (if (local.get ${mask})
              (then
                (v128.store (local.get $scr) (local.get ${acc}))
                (loop $lanes
                  (local.set $l (i32.ctz (local.get ${mask})))
                  (local.set $jl (i32.add (local.get $j) (local.get $l)))
                  (if (i32.ge_s (local.get $jl) (local.get ${jMin}))
                    (then
                      ${indent(22, finishPair(row, zrow, '$jl', '(f32.load (i32.add (local.get $scr) (i32.shl (local.get $l) (i32.const 2))))'))}))
                  (local.set ${mask} (i32.and (local.get ${mask}) (i32.sub (local.get ${mask}) (i32.const 1))))
                  (br_if $lanes (local.get ${mask})))))`;

export const KERNEL_WAT = `(module
  (import "env" "memory" (memory 1 65536 shared))
${globals.map((g) => `  (global $${g} (mut i32) (i32.const 0))`).join('\n')}
  (global $tauB (mut f32) (f32.const 0))
  (global $tauLow (mut f32) (f32.const 0))

  (func (export "setup") ${globals.map((g) => `(param $p_${g} i32)`).join(' ')} (param $p_tauB f32) (param $p_tauLow f32)
${globals.map((g) => `    (global.set $${g} (local.get $p_${g}))`).join('\n')}
    (global.set $tauB (local.get $p_tauB))
    (global.set $tauLow (local.get $p_tauLow)))

  ;; Stage 3 (coordinates 16..31) and the dot product for one pair that passed stage 2 (scanRow;
  ;; scanRow2 has the same work inline).
  (func $finish (param $i i32) (param $j i32) (param $dot16 f32) (param $out i32) (param $cnt i32) (result i32)
    (local $zi i32) (local $fz i32) (local $facc v128) (local $xi i32) (local $xj i32) (local $xend i32) (local $fs f32) (local $fo i32)
    (local.set $zi (i32.add (global.get $aZ) (i32.shl (local.get $i) (i32.const 7))))${indent(4, finishPair('$i', '$zi', '$j', '(local.get $dot16)'))}
    (local.get $cnt))

  ;; Row i of A against rows [j0, j1) of B (j0, j1 multiples of 4); pairs with j < jMin are skipped.
  (func (export "scanRow") (param $i i32) (param $j0 i32) (param $j1 i32) (param $jMin i32) (param $out i32) (result i32)
    ${range(16).map((d) => `(local $a${d} v128)`).join(' ')}
    (local $zi i32) (local $ti v128) (local $ti16 v128) (local $gi v128) (local $rhs v128) (local $acc v128) (local $mask i32) (local $p i32) (local $j i32) (local $cnt i32)
    (local.set $zi (i32.add (global.get $aZ) (i32.shl (local.get $i) (i32.const 7))))
${range(16).map((d) => `    (local.set $a${d} (f32x4.splat (f32.load offset=${4 * d} (local.get $zi))))`).join('\n')}
    (local.set $ti16 (f32x4.splat (f32.load (i32.add (global.get $aT16) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $ti (f32x4.splat (f32.load (i32.add (global.get $aT8) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $gi (f32x4.splat (f32.sub (global.get $tauB) (f32.load (i32.add (global.get $aC) (i32.shl (local.get $i) (i32.const 2)))))))
    (local.set $p (i32.add (global.get $bZT) (i32.shl (local.get $j0) (i32.const 6))))
    (local.set $j (local.get $j0))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $acc
${range(7)
  .map(() => `          (f32x4.add`)
  .join('\n')}
            (f32x4.mul (local.get $a0) (v128.load (local.get $p)))
${range(7)
  .map((d) => `            (f32x4.mul (local.get $a${d + 1}) (v128.load offset=${16 * (d + 1)} (local.get $p))))`)
  .join('\n')})
        (local.set $rhs (f32x4.sub (local.get $gi) (v128.load (i32.add (global.get $bC) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $mask
          (i32x4.bitmask
            (f32x4.ge
              (f32x4.add (local.get $acc) (f32x4.mul (local.get $ti) (v128.load (i32.add (global.get $bT8) (i32.shl (local.get $j) (i32.const 2))))))
              (local.get $rhs))))
        (if (local.get $mask)
          (then
            ;; stage 2: coordinates 8..15 for the four rows, bound with tail16${stage2('a', '$acc', '$mask', '$ti16', '$rhs')}
${range(4)
  .map(
    (l) => `            (if (i32.and (i32.and (i32.shr_u (local.get $mask) (i32.const ${l})) (i32.const 1)) (i32.ge_s (i32.add (local.get $j) (i32.const ${l})) (local.get $jMin)))
              (then (local.set $cnt (call $finish (local.get $i) (i32.add (local.get $j) (i32.const ${l})) (f32x4.extract_lane ${l} (local.get $acc)) (local.get $out) (local.get $cnt)))))`,
  )
  .join('\n')}))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    (local.get $cnt))

  ;; Rows i and k = i + 1 of A together (each loaded quad of B serves both); row k skips j < jMinK.
  (func (export "scanRow2") (param $i i32) (param $j0 i32) (param $j1 i32) (param $jMin i32) (param $jMinK i32) (param $out i32) (result i32)
    ${range(16).map((d) => `(local $a${d} v128) (local $b${d} v128)`).join(' ')}
    (local $k i32) (local $zi i32) (local $zk i32) (local $ti v128) (local $tk v128) (local $ti16 v128) (local $tk16 v128)
    (local $gi v128) (local $gk v128) (local $rhsI v128) (local $rhsK v128) (local $accI v128) (local $accK v128) (local $v v128) (local $cj v128) (local $tj v128)
    (local $maskI i32) (local $maskK i32) (local $p i32) (local $j i32) (local $cnt i32) (local $l i32) (local $jl i32) (local $scr i32)
    (local $fz i32) (local $facc v128) (local $xi i32) (local $xj i32) (local $xend i32) (local $fs f32) (local $fo i32)
    (local.set $k (i32.add (local.get $i) (i32.const 1)))
    (local.set $zi (i32.add (global.get $aZ) (i32.shl (local.get $i) (i32.const 7))))
    (local.set $zk (i32.add (global.get $aZ) (i32.shl (local.get $k) (i32.const 7))))
${range(16).map((d) => `    (local.set $a${d} (f32x4.splat (f32.load offset=${4 * d} (local.get $zi))))\n    (local.set $b${d} (f32x4.splat (f32.load offset=${4 * d} (local.get $zk))))`).join('\n')}
    (local.set $ti (f32x4.splat (f32.load (i32.add (global.get $aT8) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $tk (f32x4.splat (f32.load (i32.add (global.get $aT8) (i32.shl (local.get $k) (i32.const 2))))))
    (local.set $ti16 (f32x4.splat (f32.load (i32.add (global.get $aT16) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $tk16 (f32x4.splat (f32.load (i32.add (global.get $aT16) (i32.shl (local.get $k) (i32.const 2))))))
    (local.set $gi (f32x4.splat (f32.sub (global.get $tauB) (f32.load (i32.add (global.get $aC) (i32.shl (local.get $i) (i32.const 2)))))))
    (local.set $gk (f32x4.splat (f32.sub (global.get $tauB) (f32.load (i32.add (global.get $aC) (i32.shl (local.get $k) (i32.const 2)))))))
    (local.set $scr (i32.add (local.get $out) (i32.mul (i32.sub (local.get $j1) (local.get $j0)) (i32.const 24))))
    (local.set $p (i32.add (global.get $bZT) (i32.shl (local.get $j0) (i32.const 6))))
    (local.set $j (local.get $j0))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $accI (f32x4.mul (local.get $a0) (local.get $v)))
        (local.set $accK (f32x4.mul (local.get $b0) (local.get $v)))
${range(7).map((d) => `        (local.set $v (v128.load offset=${16 * (d + 1)} (local.get $p)))
        (local.set $accI (f32x4.add (local.get $accI) (f32x4.mul (local.get $a${d + 1}) (local.get $v))))
        (local.set $accK (f32x4.add (local.get $accK) (f32x4.mul (local.get $b${d + 1}) (local.get $v))))`).join('\n')}
        (local.set $cj (v128.load (i32.add (global.get $bC) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $tj (v128.load (i32.add (global.get $bT8) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $rhsI (f32x4.sub (local.get $gi) (local.get $cj)))
        (local.set $rhsK (f32x4.sub (local.get $gk) (local.get $cj)))
        (local.set $maskI (i32x4.bitmask (f32x4.ge (f32x4.add (local.get $accI) (f32x4.mul (local.get $ti) (local.get $tj))) (local.get $rhsI))))
        (local.set $maskK (i32x4.bitmask (f32x4.ge (f32x4.add (local.get $accK) (f32x4.mul (local.get $tk) (local.get $tj))) (local.get $rhsK))))
        ;; stage 2 for both rows when either passed stage 1 (one branch per quad)
        (if (i32.or (local.get $maskI) (local.get $maskK))
          (then
${stage2('a', '$accI', '$maskI', '$ti16', '$rhsI')}
${stage2('b', '$accK', '$maskK', '$tk16', '$rhsK')}
${lanes('$i', '$zi', '$accI', '$maskI', '$jMin')}
${lanes('$k', '$zk', '$accK', '$maskK', '$jMinK')}))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    (local.get $cnt))
)
`;

async function assemble() {
  const wabt = await require('wabt')();
  // threads: the memory is shared (one copy of the rows for every worker thread of a search).
  const features = { simd: true, threads: true };
  const mod = wabt.parseWat('pairKernel.wat', KERNEL_WAT, features);
  mod.validate(features);
  const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
  mod.destroy();
  return Buffer.from(buffer);
}

function render(bytes) {
  return [
    '// Generated by scripts/build-wasm-kernel.mjs from the WebAssembly text in that script. Do not edit.',
    '/** The WebAssembly SIMD pair-search kernel (see scripts/build-wasm-kernel.mjs for its text). */',
    `export const WASM_KERNEL_BASE64 =\n  '${bytes.toString('base64')}';`,
    '',
  ].join('\n');
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const text = render(await assemble());
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${path.relative(root, outFile)} is out of date: run node scripts/build-wasm-kernel.mjs\n`);
      process.exit(1);
    }
    process.stderr.write('wasm kernel binary is up to date\n');
  } else {
    fs.writeFileSync(outFile, text);
    process.stderr.write(`wrote ${path.relative(root, outFile)}\n`);
  }
}
