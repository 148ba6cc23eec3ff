/**
 * The exact pair-finding kernel: every (i, j) with dot(a_i, b_j) > tau, over rows [iStart, iEnd)
 * of set A against all rows of set B (or only j > i when A and B are the same set).
 *
 * It never materialises the similarity matrix. Each pair first passes cheap, exact upper bounds
 * (see `projection.ts`):
 *   dot(x_i, x_j) = c_i + c_j + y_i . y_j       (y = x - mean, c = mean . x - |mean|^2 / 2)
 *   y_i . y_j    <= sum_{k<K_s} z_ik z_jk + tail_s(i) * tail_s(j)   (Cauchy-Schwarz on the rest)
 * with z = principal-axis coordinates of y, for K_s = 8, 16, 32 (stage 1 fully unrolled). A pair whose bound is below
 * tau - margin cannot be an edge and is dropped; survivors are checked with the exact dot product
 * of the original float32 vectors accumulated in float64.
 *
 * IMPORTANT: this function is also run inside worker threads from its source text
 * (`scanBlock.toString()`), so it must not reference anything outside its own body and must
 * not define inner functions.
 */
export interface ScanSide {
  /** Original unit vectors, rows x dims. */
  x: Float32Array;
  /** Principal coordinates, rows x 32 (zero-padded when dims < 32). */
  z: Float32Array;
  /** c_i = mean . x_i - |mean|^2 / 2. */
  c: Float64Array;
  /** Norm of what the first 8 / 16 / 32 principal coordinates leave out, per row. */
  tail8: Float64Array;
  tail16: Float64Array;
  tail32: Float64Array;
  rows: number;
}

/** Coordinates per row of `ScanSide.z`. */
export const PRINCIPAL_COORDS = 32;

export interface ScanParams {
  dims: number;
  tau: number;
  /** Safety margin for float rounding in the bounds (the final test is exact). */
  margin: number;
  symmetric: boolean;
  /** Columns of B per cache tile. */
  tile: number;
  /** Rows of A per SIMD kernel call (2 = register-blocked pair of rows; default). */
  rowsPerCall?: 1 | 2;
}

/** Returns flat [i, j, i, j, ...] (local row numbers) and the similarities. */
export function scanBlock(a: ScanSide, b: ScanSide, p: ScanParams, iStart: number, iEnd: number): { pairs: Int32Array; sims: Float32Array; bounded: number } {
  const dims = p.dims;
  const tau = p.tau;
  const margin = p.margin;
  const symmetric = p.symmetric;
  const tile = p.tile;
  const bRows = b.rows;
  const ax = a.x;
  const az = a.z;
  const ac = a.c;
  const at8 = a.tail8;
  const at16 = a.tail16;
  const at32 = a.tail32;
  const bx = b.x;
  const bz = b.z;
  const bc = b.c;
  const bt8 = b.tail8;
  const bt16 = b.tail16;
  const bt32 = b.tail32;
  let outPairs = new Int32Array(1024);
  let outSims = new Float32Array(512);
  let count = 0;
  let bounded = 0;
  // Rows of A are taken two at a time (register blocking: each loaded row of B serves both).
  for (let j0 = symmetric ? iStart + 1 : 0; j0 < bRows; j0 += tile) {
    const j1 = Math.min(bRows, j0 + tile);
    for (let i = iStart; i < iEnd; i += 2) {
      const k = i + 1 < iEnd ? i + 1 : i; // second row (== i when the block has an odd row left)
      const jFirst = symmetric ? Math.max(j0, i + 1) : j0;
      if (jFirst >= j1) continue;
      const zi = i * 32;
      const zk = k * 32;
      const a0 = az[zi], a1 = az[zi + 1], a2 = az[zi + 2], a3 = az[zi + 3];
      const a4 = az[zi + 4], a5 = az[zi + 5], a6 = az[zi + 6], a7 = az[zi + 7];
      const b0 = az[zk], b1 = az[zk + 1], b2 = az[zk + 2], b3 = az[zk + 3];
      const b4 = az[zk + 4], b5 = az[zk + 5], b6 = az[zk + 6], b7 = az[zk + 7];
      const ti = at8[i], tk = at8[k];
      const gi = tau - ac[i] - margin;
      const gk = tau - ac[k] - margin;
      // In the symmetric case row k only pairs with j > k; a lone last row (k == i) is not repeated.
      const kFrom = k === i ? bRows : symmetric ? k + 1 : 0;
      for (let j = jFirst; j < j1; j++) {
        const zj = j * 32;
        const x0 = bz[zj], x1 = bz[zj + 1], x2 = bz[zj + 2], x3 = bz[zj + 3];
        const x4 = bz[zj + 4], x5 = bz[zj + 5], x6 = bz[zj + 6], x7 = bz[zj + 7];
        const t = bt8[j];
        const cj = bc[j];
        const di = a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3 + a4 * x4 + a5 * x5 + a6 * x6 + a7 * x7;
        const dk = b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3 + b4 * x4 + b5 * x5 + b6 * x6 + b7 * x7;
        const passI = di + ti * t >= gi - cj;
        const passK = j >= kFrom && dk + tk * t >= gk - cj;
        if (!passI && !passK) continue;
        for (let r = 0; r < 2; r++) {
          if (r === 0 ? !passI : !passK) continue;
          const row = r === 0 ? i : k;
          const zr = row * 32;
          const g = (r === 0 ? gi : gk) - cj;
          let dot = r === 0 ? di : dk;
          for (let d = 8; d < 16; d++) dot += az[zr + d] * bz[zj + d];
          if (dot + at16[row] * bt16[j] < g) continue;
          for (let d = 16; d < 32; d++) dot += az[zr + d] * bz[zj + d];
          if (dot + at32[row] * bt32[j] < g) continue;
          bounded++;
          let exact = 0;
          const xr = row * dims;
          const xj = j * dims;
          for (let d = 0; d < dims; d++) exact += ax[xr + d] * bx[xj + d];
          if (exact > tau) {
            if (count === outSims.length) {
              const grownPairs = new Int32Array(outPairs.length * 2);
              grownPairs.set(outPairs);
              outPairs = grownPairs;
              const grownSims = new Float32Array(outSims.length * 2);
              grownSims.set(outSims);
              outSims = grownSims;
            }
            outPairs[2 * count] = row;
            outPairs[2 * count + 1] = j;
            outSims[count] = exact;
            count++;
          }
        }
      }
    }
  }
  return { pairs: outPairs.slice(0, 2 * count), sims: outSims.slice(0, count), bounded };
}
