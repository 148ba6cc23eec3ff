#!/usr/bin/env python3
"""NumPy (OpenBLAS) + SciPy reference for bench/graph-toolbench.ts.

Reads the same embeddings and field/tool incidence the TypeScript engine used, computes the Eq. 2
tool edge set the straightforward fast way (blocked float32 matrix products, threshold, float64
re-check of pairs within 1e-5 of tau so both sides decide in float64; then tool edges by sparse
products A_P M_PP A_P^T + A_R M_RP A_P^T), times it, and compares it with the engine's edge set.
Prints one JSON object.
"""
import json
import resource
import sys
import time

import numpy as np
import scipy.sparse as sp

folder = sys.argv[1]
meta = json.load(open(f"{folder}/meta.json"))
dims, tau, n_tools = meta["dims"], meta["tau"], meta["nTools"]
P = np.fromfile(f"{folder}/p.f32", dtype=np.float32).reshape(-1, dims)
R = np.fromfile(f"{folder}/r.f32", dtype=np.float32).reshape(-1, dims)
rp_same = np.fromfile(f"{folder}/rp_same.i32", dtype=np.int32)
ap = np.fromfile(f"{folder}/ap.i32", dtype=np.int32).reshape(-1, 2)
ar = np.fromfile(f"{folder}/ar.i32", dtype=np.int32).reshape(-1, 2)
ours = np.fromfile(f"{folder}/ours.f64", dtype=np.float64)
nP, nR = P.shape[0], R.shape[0]
BLOCK = 2048
MARGIN = 1e-5


def refine(rows_a, rows_b, A, B, ii, jj, s):
    """Keeps pairs above tau; pairs within MARGIN of tau are decided in float64."""
    near = np.abs(s - tau) < MARGIN
    keep = s > tau
    if near.any():
        exact = np.einsum("ij,ij->i", A[ii[near]].astype(np.float64), B[jj[near]].astype(np.float64))
        keep[near] = exact > tau
    return ii[keep], jj[keep]


t0 = time.perf_counter()
c0 = time.process_time()
# P-P: upper triangle by row blocks.
pi, pj = [], []
for r0 in range(0, nP, BLOCK):
    r1 = min(nP, r0 + BLOCK)
    S = P[r0:r1] @ P[r0:].T
    ii, jj = np.nonzero(S > tau - MARGIN)
    s = S[ii, jj]
    ii = ii + r0
    jj = jj + r0
    upper = jj > ii
    ii, jj = refine(None, None, P, P, ii[upper], jj[upper], s[upper])
    pi.append(ii)
    pj.append(jj)
pi = np.concatenate(pi) if pi else np.zeros(0, np.int64)
pj = np.concatenate(pj) if pj else np.zeros(0, np.int64)
# R-P: all pairs.
ri, rj = [], []
for r0 in range(0, nR, BLOCK):
    r1 = min(nR, r0 + BLOCK)
    S = R[r0:r1] @ P.T
    ii, jj = np.nonzero(S > tau - MARGIN)
    s = S[ii, jj]
    ii, jj = refine(None, None, R, P, ii + r0, jj, s)
    ri.append(ii)
    rj.append(jj)
ri = np.concatenate(ri) if ri else np.zeros(0, np.int64)
rj = np.concatenate(rj) if rj else np.zeros(0, np.int64)
t1 = time.perf_counter()
c1 = time.process_time()

# Tool edges: identical texts count as similarity 1 (identity / same-text R-P entries).
M_pp = sp.coo_matrix((np.ones(len(pi), np.float32), (pi, pj)), shape=(nP, nP)).tocsr()
M_pp = M_pp + M_pp.T + sp.identity(nP, dtype=np.float32, format="csr")
same = np.nonzero(rp_same >= 0)[0]
M_rp = sp.coo_matrix(
    (np.ones(len(ri) + len(same), np.float32), (np.concatenate([ri, same]), np.concatenate([rj, rp_same[same]]))),
    shape=(nR, nP),
).tocsr()
A_p = sp.coo_matrix((np.ones(len(ap), np.float32), (ap[:, 0], ap[:, 1])), shape=(n_tools, nP)).tocsr()
A_r = sp.coo_matrix((np.ones(len(ar), np.float32), (ar[:, 0], ar[:, 1])), shape=(n_tools, nR)).tocsr()
E = A_p @ M_pp @ A_p.T
F = A_r @ M_rp @ A_p.T
E = (E + F + F.T).tocoo()
upper = E.row < E.col
keys = np.unique(E.row[upper].astype(np.float64) * n_tools + E.col[upper].astype(np.float64))
t2 = time.perf_counter()
c2 = time.process_time()

ours_sorted = np.sort(ours)
identical = len(keys) == len(ours_sorted) and bool(np.array_equal(keys, ours_sorted))
only_ref = int(len(np.setdiff1d(keys, ours_sorted))) if not identical else 0
only_ours = int(len(np.setdiff1d(ours_sorted, keys))) if not identical else 0
print(json.dumps({
    "pairsPP": int(len(pi)),
    "pairsRP": int(len(ri)),
    "similarityMs": round((t1 - t0) * 1000),
    "similarityCpuMs": round((c1 - c0) * 1000),
    "edgesMs": round((t2 - t1) * 1000),
    "totalMs": round((t2 - t0) * 1000),
    "cpuMs": round((c2 - c0) * 1000),
    "edges": int(len(keys)),
    "identical": identical,
    "onlyReference": only_ref,
    "onlyEngine": only_ours,
    "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "numpy": np.__version__,
}))
