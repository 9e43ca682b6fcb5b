// Reference batched matmul, out[b] = a[b] @ b[b] for [B,M,K] @ [B,K,N] (or two batch dims) with any strides. Operands
// are packed into float64 panels (so transposed or strided inputs cost one copy, not strided inner
// loops), then a 4×4 register-blocked kernel sums each output tile over all of K in local doubles.
import type { View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";

type Data = (v: View) => TypedArray;

/**
 * Rows of `a` packed at a time: a [MC, K] block of A (MC·K doubles, 512 KiB at K = 1024) stays in
 * L2 while every 4-column panel of B (4·K doubles, in L1) sweeps across it.
 */
const MC = 64;
/** Packing buffers are kept between calls up to this many doubles (32 MiB); larger ones are freed. */
const KEEP = 1 << 22;

let keptA: Float64Array = new Float64Array(0);
let keptB: Float64Array = new Float64Array(0);

function scratch(kept: Float64Array, n: number): Float64Array {
  return kept.length >= n ? kept : new Float64Array(n);
}

/**
 * Packs `rows` rows of a [·, K] operand into panels of 4 rows, k-major within a panel:
 * dst[(p·K + k)·4 + r] = src[offset + (4p + r)·rs + k·cs]. A ragged last panel leaves its missing
 * rows unwritten (the edge kernel never reads them).
 */
function packPanels(
  src: TypedArray,
  offset: number,
  rows: number,
  K: number,
  rs: number,
  cs: number,
  dst: Float64Array,
): void {
  for (let p = 0; p * 4 < rows; p++) {
    const n = Math.min(4, rows - 4 * p);
    let q = p * 4 * K;
    let s = offset + 4 * p * rs;
    for (let k = 0; k < K; k++, q += 4, s += cs) for (let r = 0; r < n; r++) dst[q + r] = src[s + r * rs]!;
  }
}

/**
 * A full 4×4 tile: out[i0+r, j0+c] = Σ_k A[r,k]·B[k,c] over packed panels (A at pa, B at pb, both
 * k-major with 4 values per k). The 16 sums live in locals, so each k costs 8 loads for 16 madds.
 */
// prettier-ignore
function tile4x4(
  A: Float64Array,
  pa: number,
  B: Float64Array,
  pb: number,
  K: number,
  out: TypedArray,
  q: number,
  ldo: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < K; k++, pa += 4, pb += 4) {
    const a0 = A[pa]!, a1 = A[pa + 1]!, a2 = A[pa + 2]!, a3 = A[pa + 3]!;
    const b0 = B[pb]!, b1 = B[pb + 1]!, b2 = B[pb + 2]!, b3 = B[pb + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  out[q] = c00; out[q + 1] = c01; out[q + 2] = c02; out[q + 3] = c03; q += ldo;
  out[q] = c10; out[q + 1] = c11; out[q + 2] = c12; out[q + 3] = c13; q += ldo;
  out[q] = c20; out[q + 1] = c21; out[q + 2] = c22; out[q + 3] = c23; q += ldo;
  out[q] = c30; out[q + 1] = c31; out[q + 2] = c32; out[q + 3] = c33;
}

/** A ragged tile (rows or cols < 4, e.g. a matrix–vector product): one dot product per entry. */
function tileEdge(
  A: Float64Array,
  pa: number,
  B: Float64Array,
  pb: number,
  K: number,
  out: TypedArray,
  q: number,
  ldo: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0, i = pa + r, j = pb + c; k < K; k++, i += 4, j += 4) s += A[i]! * B[j]!;
      out[q + r * ldo + c] = s;
    }
}

export function matmul(data: Data, av: View, bv: View, out: View, bias: View | null = null): void {
  product(data, av, bv, out);
  if (!bias) return;
  // the bias joins each output after its sum, as a separate add would
  const d = data(out);
  const bb = data(bias);
  const N = out.shape.at(-1)!;
  const rows = N === 0 ? 0 : out.shape.reduce((x, y) => x * y, 1) / N;
  for (let r = 0, q = out.offset; r < rows; r++)
    for (let j = 0; j < N; j++, q++) d[q] = d[q]! + bb[bias.offset + j]!;
}

function product(data: Data, av: View, bv: View, out: View): void {
  if (av.shape.length === 4) {
    // two batch dims: one three-dim product per index of the first
    const drop = (v: View, i: number): View => ({
      ...v,
      shape: v.shape.slice(1),
      strides: v.strides.slice(1),
      offset: v.offset + i * v.strides[0]!,
    });
    for (let i = 0; i < av.shape[0]!; i++) product(data, drop(av, i), drop(bv, i), drop(out, i));
    return;
  }
  const [Bn, M, K] = av.shape as [number, number, number];
  const N = bv.shape[2]!;
  if (Bn === 0 || M === 0 || N === 0) return;
  const a = data(av);
  const b = data(bv);
  const d = data(out);
  const [as0, as1, as2] = av.strides as [number, number, number];
  const [bs0, bs1, bs2] = bv.strides as [number, number, number];
  const panelsN = Math.ceil(N / 4);
  const Ap = scratch(keptA, Math.ceil(Math.min(M, MC) / 4) * 4 * K);
  // B transposed into panels of 4 columns: [K, N] → packPanels over its N "rows" (strides swap)
  const Bp = scratch(keptB, panelsN * 4 * K);
  for (let bi = 0; bi < Bn; bi++) {
    // a batch-broadcast B (stride 0) is packed once for all batches
    if (bi === 0 || bs0 !== 0) packPanels(b, bv.offset + bi * bs0, N, K, bs2, bs1, Bp);
    const base = out.offset + bi * M * N;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const m = Math.min(MC, M - i0);
      packPanels(a, av.offset + bi * as0 + i0 * as1, m, K, as1, as2, Ap);
      for (let pj = 0; pj < panelsN; pj++) {
        const cols = Math.min(4, N - 4 * pj);
        for (let pi = 0; pi * 4 < m; pi++) {
          const rows = Math.min(4, m - 4 * pi);
          const q = base + (i0 + 4 * pi) * N + 4 * pj;
          if (rows === 4 && cols === 4) tile4x4(Ap, pi * 4 * K, Bp, pj * 4 * K, K, d, q, N);
          else tileEdge(Ap, pi * 4 * K, Bp, pj * 4 * K, K, d, q, N, rows, cols);
        }
      }
    }
  }
  if (Ap.length <= KEEP) keptA = Ap;
  if (Bp.length <= KEEP) keptB = Bp;
}
