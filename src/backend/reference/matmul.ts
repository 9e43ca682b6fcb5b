// Reference batched matmul: packs each operand into a contiguous row-major block (so transposed
// inputs cost one copy, not strided inner loops), then runs a cache-blocked i-k-j loop that
// accumulates in float64.
import type { View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";

type Data = (v: View) => TypedArray;

const BLOCK_K = 128;
const BLOCK_N = 256;

function pack(
  src: TypedArray,
  offset: number,
  rows: number,
  cols: number,
  rs: number,
  cs: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0, q = 0; i < rows; i++) {
    let p = offset + i * rs;
    for (let j = 0; j < cols; j++, p += cs) out[q++] = src[p]!;
  }
  return out;
}

export function matmul(data: Data, av: View, bv: View, out: View): void {
  const [B, M, K] = av.shape as [number, number, number];
  const N = bv.shape[2]!;
  const a = data(av);
  const b = data(bv);
  const d = data(out);
  const acc = new Float64Array(M * N);
  for (let bi = 0; bi < B; bi++) {
    const A = pack(a, av.offset + bi * av.strides[0]!, M, K, av.strides[1]!, av.strides[2]!);
    const Bm = pack(b, bv.offset + bi * bv.strides[0]!, K, N, bv.strides[1]!, bv.strides[2]!);
    acc.fill(0);
    for (let k0 = 0; k0 < K; k0 += BLOCK_K) {
      const k1 = Math.min(K, k0 + BLOCK_K);
      for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
        const j1 = Math.min(N, j0 + BLOCK_N);
        for (let i = 0; i < M; i++) {
          const crow = i * N;
          const arow = i * K;
          for (let k = k0; k < k1; k++) {
            const aik = A[arow + k]!;
            const brow = k * N;
            for (let j = j0; j < j1; j++) acc[crow + j]! += aik * Bm[brow + j]!;
          }
        }
      }
    }
    const base = out.offset + bi * M * N;
    for (let i = 0; i < M * N; i++) d[base + i] = acc[i]!;
  }
}
