/**
 * Runs the WebAssembly SIMD kernel (scripts/build-wasm-kernel.mjs) over a block of rows: copies a
 * kernel side pair into the module's memory in the layout the kernel expects, then scans tiles of
 * B row by row. Returned pairs are decided exactly here: the kernel's float32 dot product only
 * preselects (dot > tau - 1e-5); each candidate's similarity is recomputed in float64 from the
 * original vectors and kept when > tau, exactly like the JavaScript kernel.
 *
 * IMPORTANT: `makeWasmScanner` also runs inside worker threads from its source text, so it must
 * not reference anything outside its own body (inner functions are fine).
 */
import type { ScanParams, ScanSide } from './scanKernel';
import { WASM_KERNEL_BASE64 } from './wasmKernelBinary';

/** The few WebAssembly JS API members used here (the engine's lib has no DOM/WebAssembly types). */
export type WasmModule = object & { readonly __wasmModule?: never };
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  validate(bytes: Uint8Array): boolean;
}

export type BlockScanner = (iStart: number, iEnd: number) => { pairs: Int32Array; sims: Float32Array; bounded: number };

let compiled: WasmModule | undefined | null;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
export function wasmKernelModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
      const bytes = Buffer.from(WASM_KERNEL_BASE64, 'base64');
      compiled = api && api.validate(bytes) ? new api.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function makeWasmScanner(module: WasmModule, a: ScanSide, b: ScanSide, p: ScanParams): BlockScanner {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const dims = p.dims;
  const dimsP = Math.ceil(dims / 4) * 4;
  const symmetric = p.symmetric;
  const rowsA = a.rows;
  const rowsB = b.rows;
  const rowsBP = Math.ceil(rowsB / 4) * 4;
  const tile = Math.max(4, Math.floor(p.tile / 4) * 4);
  const align = (n: number) => Math.ceil(n / 16) * 16;
  let at = 0;
  const alloc = (bytes: number) => {
    const start = at;
    at += align(bytes);
    return start;
  };
  const bZT = alloc((rowsBP / 4) * 256);
  const bZ = alloc(rowsBP * 128);
  const bT8 = alloc(rowsBP * 4);
  const bT16 = alloc(rowsBP * 4);
  const bT32 = alloc(rowsBP * 4);
  const bC = alloc(rowsBP * 4);
  const bX = alloc(rowsBP * dimsP * 4);
  const aZ = symmetric ? bZ : alloc(rowsA * 128);
  const aT8 = symmetric ? bT8 : alloc(rowsA * 4);
  const aT16 = symmetric ? bT16 : alloc(rowsA * 4);
  const aT32 = symmetric ? bT32 : alloc(rowsA * 4);
  const aC = symmetric ? bC : alloc(rowsA * 4);
  const aX = symmetric ? bX : alloc(rowsA * dimsP * 4);
  const out = alloc(2 * tile * 12 + 64); // scanRow2 writes up to two rows of a tile
  const memory = new api.Memory({ initial: Math.ceil(at / 65536) + 1 });
  const instance = new api.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as {
    setup: (...args: number[]) => void;
    scanRow: (i: number, j0: number, j1: number, jMin: number, out: number) => number;
    scanRow2: (i: number, j0: number, j1: number, jMin: number, jMinK: number, out: number) => number;
  };
  const twoRows = p.rowsPerCall !== 1;
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const fill = (side: ScanSide, rows: number, z: number, t8: number, t16: number, t32: number, c: number, x: number, zT: number) => {
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < 32; d++) f32[z / 4 + r * 32 + d] = side.z[r * 32 + d]!;
      f32[t8 / 4 + r] = side.tail8[r]!;
      f32[t16 / 4 + r] = side.tail16[r]!;
      f32[t32 / 4 + r] = side.tail32[r]!;
      f32[c / 4 + r] = side.c[r]!;
      for (let d = 0; d < dims; d++) f32[x / 4 + r * dimsP + d] = side.x[r * dims + d]!;
      if (zT >= 0) for (let d = 0; d < 16; d++) f32[zT / 4 + (r >> 2) * 64 + d * 4 + (r & 3)] = side.z[r * 32 + d]!;
    }
  };
  fill(b, rowsB, bZ, bT8, bT16, bT32, bC, bX, bZT);
  for (let r = rowsB; r < rowsBP; r++) f32[bC / 4 + r] = -1e30; // padding rows never pass
  if (!symmetric) fill(a, rowsA, aZ, aT8, aT16, aT32, aC, aX, -1);
  exports.setup(aZ, aT8, aT16, aT32, aC, aX, bZT, bZ, bT8, bT16, bT32, bC, bX, dimsP, p.tau - p.margin, p.tau - 1e-5);

  const ax = a.x;
  const bx = b.x;
  const tau = p.tau;
  return (iStart, iEnd) => {
    let pairs = new Int32Array(1024);
    let sims = new Float32Array(512);
    let count = 0;
    let candidates = 0;
    for (let jt = symmetric ? (iStart + 1) & ~3 : 0; jt < rowsBP; jt += tile) {
      const jEnd = Math.min(rowsBP, jt + tile);
      for (let i = iStart; i < iEnd; i += twoRows ? 2 : 1) {
        const jMin = symmetric ? i + 1 : 0;
        const j0 = Math.max(jt, jMin & ~3);
        if (j0 >= jEnd) continue;
        const n =
          twoRows && i + 1 < iEnd
            ? exports.scanRow2(i, j0, jEnd, jMin, symmetric ? i + 2 : 0, out)
            : exports.scanRow(i, j0, jEnd, jMin, out);
        candidates += n;
        for (let k = 0; k < n; k++) {
          const row = i32[out / 4 + 3 * k]!;
          const j = i32[out / 4 + 3 * k + 1]!;
          let exact = 0;
          for (let d = 0; d < dims; d++) exact += ax[row * dims + d]! * bx[j * dims + d]!;
          if (!(exact > tau)) continue;
          if (count === sims.length) {
            const grownPairs = new Int32Array(pairs.length * 2);
            grownPairs.set(pairs);
            pairs = grownPairs;
            const grownSims = new Float32Array(sims.length * 2);
            grownSims.set(sims);
            sims = grownSims;
          }
          pairs[2 * count] = row;
          pairs[2 * count + 1] = j;
          sims[count] = exact;
          count++;
        }
      }
    }
    return { pairs: pairs.slice(0, 2 * count), sims: sims.slice(0, count), bounded: candidates };
  };
}
