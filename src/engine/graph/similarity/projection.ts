/**
 * Prepares the inputs of the pruning kernel (`scanKernel.ts`): a mean vector, an orthonormal basis
 * of the main principal axes (subspace iteration on a sample), and per row the principal
 * coordinates z, the offset c and the tail norms after each stage.
 *
 * Exactness does not depend on how good the basis is: any orthonormal basis gives valid bounds;
 * a good one only prunes more pairs. The basis is computed from a deterministic sample.
 */
import { PRINCIPAL_COORDS, type ScanSide } from './scanKernel';

export interface Projection {
  dims: number;
  k: number;
  stages: number[];
  mean: Float64Array;
  meanSq: number;
  /** Row-major k x dims, orthonormal rows. */
  basis: Float64Array;
}

function orthonormalizeRows(q: Float64Array, k: number, dims: number, seed: number): void {
  let state = seed >>> 0 || 1;
  for (let r = 0; r < k; r++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < r; s++) {
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += q[r * dims + d]! * q[s * dims + d]!;
        for (let d = 0; d < dims; d++) q[r * dims + d]! -= dot * q[s * dims + d]!;
      }
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += q[r * dims + d]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // Degenerate direction: replace by a pseudo-random one and redo this row.
      for (let d = 0; d < dims; d++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        q[r * dims + d] = state / 2 ** 32 - 0.5;
      }
      r--;
      continue;
    }
    for (let d = 0; d < dims; d++) q[r * dims + d]! /= norm;
  }
}

/** Mean and top principal axes of the rows of `x` (rows x dims). */
export function computeProjection(x: Float32Array, dims: number, opts: { sample?: number; iterations?: number } = {}): Projection {
  const rows = dims > 0 ? x.length / dims : 0;
  const k = Math.min(PRINCIPAL_COORDS, dims);
  const stages = [8, 16, 32];
  const mean = new Float64Array(dims);
  for (let i = 0; i < rows; i++) for (let d = 0; d < dims; d++) mean[d]! += x[i * dims + d]!;
  if (rows > 0) for (let d = 0; d < dims; d++) mean[d]! /= rows;
  let meanSq = 0;
  for (let d = 0; d < dims; d++) meanSq += mean[d]! ** 2;

  // Covariance of an evenly spaced sample (deterministic), then subspace iteration for the top k.
  const m = Math.min(rows, opts.sample ?? 2048);
  const cov = new Float64Array(dims * dims);
  const centered = new Float64Array(dims);
  for (let s = 0; s < m; s++) {
    const i = Math.floor((s * rows) / m);
    for (let d = 0; d < dims; d++) centered[d] = x[i * dims + d]! - mean[d]!;
    for (let a = 0; a < dims; a++) {
      const va = centered[a]!;
      if (va === 0) continue;
      const row = a * dims;
      for (let b = a; b < dims; b++) cov[row + b]! += va * centered[b]!;
    }
  }
  for (let a = 0; a < dims; a++) for (let b = 0; b < a; b++) cov[a * dims + b] = cov[b * dims + a]!;

  const basis = new Float64Array(k * dims);
  for (let r = 0; r < k; r++) basis[r * dims + (r % dims)] = 1;
  for (let r = 0; r < k; r++) for (let d = 0; d < dims; d++) basis[r * dims + d]! += ((r * 31 + d * 17) % 13) / 1000;
  orthonormalizeRows(basis, k, dims, 7);
  const next = new Float64Array(k * dims);
  for (let it = 0; it < (opts.iterations ?? 12); it++) {
    next.fill(0);
    for (let r = 0; r < k; r++) {
      for (let a = 0; a < dims; a++) {
        let acc = 0;
        const row = a * dims;
        for (let b = 0; b < dims; b++) acc += cov[row + b]! * basis[r * dims + b]!;
        next[r * dims + a] = acc;
      }
    }
    basis.set(next);
    orthonormalizeRows(basis, k, dims, 11 + it);
  }
  return { dims, k, stages, mean, meanSq, basis };
}

/** Projects rows of `x` into a kernel side (z zero-padded to 32 coordinates, c, tails). */
export function projectRows(x: Float32Array, proj: Projection): ScanSide {
  const side = allocateSide(x, proj.dims, false);
  projectRowRange(x, proj, side, 0, side.rows);
  return side;
}

/** An empty kernel side for the rows of `x` (in shared memory when `shared`, for worker threads). */
export function allocateSide(x: Float32Array, dims: number, shared: boolean): ScanSide {
  const K = PRINCIPAL_COORDS;
  const rows = dims > 0 ? x.length / dims : 0;
  const f64 = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n));
  const z = shared ? new Float32Array(new SharedArrayBuffer(rows * K * 4)) : new Float32Array(rows * K);
  return { x, z, c: f64(rows), tail8: f64(rows), tail16: f64(rows), tail32: f64(rows), rows };
}

/**
 * Fills rows [start, end) of `out` (see `allocateSide`): principal coordinates, offset, tails.
 *
 * IMPORTANT: also run inside worker threads from its source text: no outside references.
 */
export function projectRowRange(x: Float32Array, proj: Projection, out: ScanSide, start: number, end: number): void {
  const { dims, k, mean, meanSq, basis } = proj;
  const K = 32; // PRINCIPAL_COORDS
  const { z, c, tail8, tail16, tail32 } = out;
  const y = new Float64Array(dims);
  // Inflate tails slightly so float rounding can only loosen a bound, never tighten it.
  const tail = (sq: number) => Math.sqrt(Math.max(0, sq)) * (1 + 1e-6) + 1e-6;
  for (let i = start; i < end; i++) {
    let mx = 0;
    let ySq = 0;
    for (let d = 0; d < dims; d++) {
      const v = x[i * dims + d]!;
      mx += mean[d]! * v;
      const yd = v - mean[d]!;
      y[d] = yd;
      ySq += yd * yd;
    }
    c[i] = mx - meanSq / 2;
    let prefixSq = 0;
    let r = 0;
    // Four axes at a time (four independent sums share each y[d]; each sum in the same order as
    // one at a time, so the same values). r stays a multiple of 4 here, so 7, 15 and 31 end a group.
    for (; r + 4 <= k; r += 4) {
      const o0 = r * dims;
      const o1 = o0 + dims;
      const o2 = o1 + dims;
      const o3 = o2 + dims;
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      let acc3 = 0;
      for (let d = 0; d < dims; d++) {
        const yd = y[d]!;
        acc0 += basis[o0 + d]! * yd;
        acc1 += basis[o1 + d]! * yd;
        acc2 += basis[o2 + d]! * yd;
        acc3 += basis[o3 + d]! * yd;
      }
      z[i * K + r] = acc0;
      z[i * K + r + 1] = acc1;
      z[i * K + r + 2] = acc2;
      z[i * K + r + 3] = acc3;
      prefixSq += acc0 * acc0;
      prefixSq += acc1 * acc1;
      prefixSq += acc2 * acc2;
      prefixSq += acc3 * acc3;
      if (r === 4) tail8[i] = tail(ySq - prefixSq);
      if (r === 12) tail16[i] = tail(ySq - prefixSq);
      if (r === 28) tail32[i] = tail(ySq - prefixSq);
    }
    for (; r < K; r++) {
      if (r < k) {
        let acc = 0;
        for (let d = 0; d < dims; d++) acc += basis[r * dims + d]! * y[d]!;
        z[i * K + r] = acc;
        prefixSq += acc * acc;
      }
      if (r === 7) tail8[i] = tail(ySq - prefixSq);
      if (r === 15) tail16[i] = tail(ySq - prefixSq);
      if (r === 31) tail32[i] = tail(ySq - prefixSq);
    }
  }
}
