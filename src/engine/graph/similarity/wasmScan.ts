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
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** The kernel's memory: imported and shared (several threads' instances may run on one). */
export interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** `inPlace`: the kernel ran on the rows' own shared memory (no copy of them for this scanner). */
export type BlockScanner = (iStart: number, iEnd: number) => { pairs: Int32Array; sims: Float32Array; bounded: number; inPlace?: boolean };

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

/**
 * One side's rows in the kernel's memory layout (byte offsets within `data`, 16-byte aligned):
 * [zT (only `transposed`: the B side)], z (rows x 32), tail8, tail16, tail32, c, x (rows x dimsP),
 * rows padded to a multiple of 4 (padding rows have c = -1e30, so they never pass). Built once per
 * side on the calling thread, in shared memory; each worker copies it into its module's memory, unless
 * both sides of a search live in one shared kernel memory (`allocateWasmSides`).
 */
export interface WasmSide {
  /** Unique in this process: a worker that already holds this side in its memory skips the copy. */
  id: number;
  data: Float32Array;
  rows: number;
  dims: number;
  zT: number;
  z: number;
  t8: number;
  t16: number;
  t32: number;
  c: number;
  x: number;
  /**
   * Set when the layout lives in a kernel memory shared by all threads (`allocateWasmSides`):
   * that memory, where `data` starts in it, and where its threads' output regions are. A search
   * whose two sides share one such memory runs on it directly (no copy per thread).
   */
  kernelMemory?: KernelMemory;
  base?: number;
}

/** One shared kernel memory holding several sides and an output region per thread. */
export interface KernelMemory {
  /** Unique in this process (identity does not survive the trip to a worker). */
  id: number;
  memory: WasmMemory;
  /** Byte offset of output region 0; region k starts at `out + k * outBytes`. */
  out: number;
  outBytes: number;
  outSlots: number;
}

/** Rows of B per tile the SIMD kernel scans (the search's `tile` with that kernel). */
export const WASM_TILE = 4096;

/** Bytes of a thread's output region for tiles of up to `tile` rows (scanRow2 writes two rows). */
export function outRegionBytes(tile: number): number {
  return Math.ceil((2 * tile * 12 + 64) / 16) * 16;
}

export function wasmSide(side: ScanSide, dims: number, transposed: boolean): WasmSide {
  const layout = allocateWasmSide(side.rows, dims, transposed);
  fillWasmSide(layout, side, true);
  return layout;
}

/** An empty layout for `rows` rows (padding rows' c already -1e30); `wasmRowsView` gives its x region. */
export function allocateWasmSide(rows: number, dims: number, transposed: boolean): WasmSide {
  const { bytes, offsets } = sideLayout(rows, dims, transposed);
  const f32 = new Float32Array(new SharedArrayBuffer(bytes));
  for (let r = rows; r < Math.ceil(rows / 4) * 4; r++) f32[offsets.c / 4 + r] = -1e30;
  return { id: ++sideIds, data: f32, rows, dims, ...offsets };
}

/**
 * Empty layouts for several sides in ONE shared kernel memory, followed by `outSlots` output
 * regions for tiles of up to `tile` rows: the worker threads of a search between two of them
 * instantiate the kernel on that memory and read the rows where the calling thread wrote them
 * (a copy of P, then of R, into each thread's own memory cost ~75 ms per copy per thread on
 * ToolBench: ~90 MB of first writes per thread).
 */
export function allocateWasmSides(sides: ReadonlyArray<{ rows: number; transposed: boolean }>, dims: number, outSlots: number, tile: number): WasmSide[] {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const layouts = sides.map((s) => sideLayout(s.rows, dims, s.transposed));
  let at = 0;
  const bases = layouts.map((l) => ((at += l.bytes), at - l.bytes));
  const outBytes = outRegionBytes(tile);
  const out = at;
  at += outSlots * outBytes;
  const pages = Math.ceil(at / 65536) + 1;
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const kernelMemory: KernelMemory = { id: ++sideIds, memory, out, outBytes, outSlots };
  return sides.map((s, k) => {
    const { bytes, offsets } = layouts[k]!;
    const f32 = new Float32Array(memory.buffer, bases[k]!, bytes / 4);
    for (let r = s.rows; r < Math.ceil(s.rows / 4) * 4; r++) f32[offsets.c / 4 + r] = -1e30;
    return { id: ++sideIds, data: f32, rows: s.rows, dims, ...offsets, kernelMemory, base: bases[k]! };
  });
}

/** Byte offsets (16-byte aligned) of a side's regions and its size. */
function sideLayout(rows: number, dims: number, transposed: boolean): { bytes: number; offsets: { zT: number; z: number; t8: number; t16: number; t32: number; c: number; x: number } } {
  const dimsP = Math.ceil(dims / 4) * 4;
  const rowsP = Math.ceil(rows / 4) * 4;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  let at = 0;
  const alloc = (bytes: number) => {
    const start = at;
    at += align(bytes);
    return start;
  };
  const zT = transposed ? alloc((rowsP / 4) * 256) : -1;
  const z = alloc(rowsP * 128);
  const t8 = alloc(rowsP * 4);
  const t16 = alloc(rowsP * 4);
  const t32 = alloc(rowsP * 4);
  const c = alloc(rowsP * 4);
  const x = alloc(rowsP * dimsP * 4);
  return { bytes: at, offsets: { zT, z, t8, t16, t32, c, x } };
}

/**
 * The layout's x region as `rows x dims` row-major vectors (where rows need no padding, dims a
 * multiple of 4), to gather embeddings straight into it: the search then reads them from there
 * instead of from a copy. Undefined when the rows are padded.
 */
export function wasmRowsView(layout: WasmSide): Float32Array | undefined {
  if (layout.dims % 4 !== 0) return undefined;
  return new Float32Array(layout.data.buffer, layout.data.byteOffset + layout.x, layout.rows * layout.dims);
}

/** Writes a projected side into its layout (the vectors too unless they are there already). */
export function fillWasmSide(layout: WasmSide, side: ScanSide, copyX: boolean): void {
  const { rows, dims, data: f32, zT, z, t8, t16, t32, c, x } = layout;
  const dimsP = Math.ceil(dims / 4) * 4;
  f32.set(side.z.subarray(0, rows * 32), z / 4);
  f32.set(side.tail8.subarray(0, rows), t8 / 4);
  f32.set(side.tail16.subarray(0, rows), t16 / 4);
  f32.set(side.tail32.subarray(0, rows), t32 / 4);
  f32.set(side.c.subarray(0, rows), c / 4);
  if (copyX) {
    if (dimsP === dims) f32.set(side.x.subarray(0, rows * dims), x / 4);
    else for (let r = 0; r < rows; r++) f32.set(side.x.subarray(r * dims, (r + 1) * dims), x / 4 + r * dimsP);
  }
  if (zT >= 0) {
    const zs = side.z;
    for (let r = 0; r < rows; r++) {
      const to = zT / 4 + (r >> 2) * 64 + (r & 3);
      for (let d = 0; d < 16; d++) f32[to + d * 4] = zs[r * 32 + d]!;
    }
  }
}

let sideIds = 0;

/**
 * What a thread keeps between searches: its kernel instance and memory, and which B side the
 * memory holds. The build searches P-P then R-P against the same P: the second search copies only
 * R (first writes to fresh memory cost ~6 ms per MB on the build machine, ~0.3 s for P per thread).
 */
export interface ScannerState {
  memory?: WasmMemory;
  instance?: { exports: Record<string, unknown> };
  bId?: number;
}

/**
 * A block scanner over rows of `a` against `b` (the same object when symmetric), each prepared by
 * `wasmSide` (`b` transposed). The exact float64 check reads the original vectors from the
 * module's memory. When both sides live in one shared kernel memory (`allocateWasmSides`) with an
 * output region numbered `slot`, the kernel runs on that memory (no copy); otherwise they are
 * copied into a memory of the scanner's own, and with `state` the memory holding `b` is kept for
 * the next search with the same `b` (grown for its `a`).
 */
export function makeWasmScanner(module: WasmModule, a: WasmSide, b: WasmSide, p: ScanParams, state?: ScannerState, slot = 0): BlockScanner {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const dims = p.dims;
  const dimsP = Math.ceil(dims / 4) * 4;
  const symmetric = p.symmetric;
  const rowsBP = Math.ceil(b.rows / 4) * 4;
  const tile = Math.max(4, Math.floor(p.tile / 4) * 4);
  const outBytes = Math.ceil((2 * tile * 12 + 64) / 16) * 16; // scanRow2 writes up to two rows of a tile
  const km = b.kernelMemory;
  const inPlace = km !== undefined && a.kernelMemory?.id === km.id && slot >= 0 && slot < km.outSlots && outBytes <= km.outBytes;
  const bBase = inPlace ? b.base! : 0;
  const aBase = inPlace ? a.base! : symmetric ? bBase : b.data.byteLength;
  const out = inPlace ? km.out + slot * km.outBytes : symmetric ? b.data.byteLength : aBase + a.data.byteLength;
  const end = out + outBytes;
  let memory: WasmMemory;
  let instance: { exports: Record<string, unknown> };
  const reuse = !inPlace && state?.memory !== undefined && state.instance !== undefined && state.bId === b.id;
  if (inPlace) {
    memory = km.memory;
    instance = new api.Instance(module, { env: { memory } });
  } else if (reuse) {
    memory = state.memory!;
    instance = state.instance!;
    const short = end + 65536 - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / 65536));
  } else {
    memory = new api.Memory({ initial: Math.ceil(end / 65536) + 1, maximum: 65536, shared: true }); // grows up to 4 GB (the kernel's import)
    instance = new api.Instance(module, { env: { memory } });
    if (state) {
      state.memory = memory;
      state.instance = instance;
      state.bId = b.id;
    }
  }
  const exports = instance.exports as unknown as {
    setup: (...args: number[]) => void;
    scanRow: (i: number, j0: number, j1: number, jMin: number, out: number) => number;
    scanRow2: (i: number, j0: number, j1: number, jMin: number, jMinK: number, out: number) => number;
  };
  const twoRows = p.rowsPerCall !== 1;
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  if (!inPlace && !reuse) f32.set(b.data, bBase / 4);
  if (!inPlace && !symmetric) f32.set(a.data, aBase / 4);
  exports.setup(aBase + a.z, aBase + a.t8, aBase + a.t16, aBase + a.t32, aBase + a.c, aBase + a.x, bBase + b.zT, bBase + b.z, bBase + b.t8, bBase + b.t16, bBase + b.t32, bBase + b.c, bBase + b.x, dimsP, p.tau - p.margin, p.tau - 1e-5);

  const ax = (aBase + a.x) / 4;
  const bx = (bBase + b.x) / 4;
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
          const xr = ax + row * dimsP;
          const xj = bx + j * dimsP;
          for (let d = 0; d < dims; d++) exact += f32[xr + d]! * f32[xj + d]!;
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
    return { pairs: pairs.slice(0, 2 * count), sims: sims.slice(0, count), bounded: candidates, inPlace };
  };
}
