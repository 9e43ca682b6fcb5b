// JS-side planning for the wasm kernels: the argument block of strided views (coalesced dims,
// strides, offsets), 2-D convolution geometry and how a matmul is cut between threads (a
// reduction's plan is ../reduce-plan.ts). Pure functions over numbers; the backend writes what
// they return into the heap.
import type { ConvGeometry, View } from "../interface.js";
import { coalesce } from "../reference/strided.js";
import { ARGS, MATMUL } from "./abi.js";

/**
 * Fills `w` (the argument block, as int32 words) for an odometer over `shape` walking `views`;
 * false when the coalesced shape has more dims than the kernels handle.
 */
export function writeIterArgs(
  w: Int32Array,
  shape: readonly number[],
  views: readonly Pick<View, "strides" | "offset">[],
): boolean {
  const c = coalesce(shape, views);
  const nd = c.shape.length;
  if (nd > ARGS.MAXD) return false;
  w[0] = nd;
  for (let d = 0; d < nd; d++) w[ARGS.SHAPE + d] = c.shape[d]!;
  for (let v = 0; v < views.length; v++) {
    const s = c.strides[v]!;
    for (let d = 0; d < nd; d++) w[ARGS.STRIDES + 16 * v + d] = s[d]!;
    w[ARGS.OFFSETS + v] = views[v]!.offset;
  }
  return true;
}

/**
 * The argument words of im2col/col2im (assembly/conv.ts): 2-D geometry, then the image's strides
 * [n, c, y, x] and offset, then the cols' strides [n, c, ki, kj, oy, ox] and offset. 1-D inputs
 * are lifted to a unit height with zero strides on the lifted dims.
 */
export function convArgs(image: View, cols: View, g: ConvGeometry): number[] {
  const two = g.kernel.length === 2;
  const pick = (a: readonly number[], unit: number): [number, number] =>
    two ? [a[0]!, a[1]!] : [unit, a[0]!];
  const [H, W] = two ? [image.shape[2]!, image.shape[3]!] : [1, image.shape[2]!];
  const [oh, ow] = two ? [cols.shape[4]!, cols.shape[5]!] : [1, cols.shape[3]!];
  const is = image.strides;
  const cs = cols.strides;
  return [
    image.shape[0]!,
    image.shape[1]!,
    H,
    W,
    ...pick(g.kernel, 1),
    ...pick(g.stride, 1),
    ...pick(g.padding, 0),
    ...pick(g.dilation, 1),
    oh,
    ow,
    ...(two ? [is[0]!, is[1]!, is[2]!, is[3]!] : [is[0]!, is[1]!, 0, is[2]!]),
    image.offset,
    ...(two ? [cs[0]!, cs[1]!, cs[2]!, cs[3]!, cs[4]!, cs[5]!] : [cs[0]!, cs[1]!, 0, cs[2]!, 0, cs[3]!]),
    cols.offset,
  ];
}

/** Byte addresses of a matmul's operands' first elements (bias 0 when there is none). */
export interface MatmulPointers {
  a: number;
  b: number;
  out: number;
  bias: number;
}

export interface MatmulPlan {
  /** how many slices (threads) the product is cut into */
  threads: number;
  /** scratch bytes each slice needs (packed panels of A and B and an edge tile) */
  scratch: number;
  /** the kernel's arguments for slice t, whose scratch starts at `at` */
  args(t: number, at: number): number[];
}

/**
 * Cuts a float32 matmul ([B1,] B, M, K) @ ([B1,] B, K, N) for up to `maxThreads` threads when it
 * has at least `minMadds` multiply-adds: by N's columns when M < N (each thread then packs its own
 * rows of A, the smaller operand, instead of all of B), else by M's rows; slices are whole
 * micro-tiles. A first batch dim of two (B1) is walked by the kernel outside its own (B).
 */
export function planMatmul(
  a: View,
  b: View,
  p: MatmulPointers,
  maxThreads: number,
  minMadds: number,
): MatmulPlan {
  const { KC, MC, NC, MR, NR } = MATMUL;
  const two = a.shape.length === 4;
  const [B1, ab1, bb1] = two ? [a.shape[0]!, a.strides[0]!, b.strides[0]!] : [1, 0, 0];
  const [B, M, K] = a.shape.slice(-3) as [number, number, number];
  const N = b.shape.at(-1)!;
  const byCols = M < N;
  const [len, tileOf] = byCols ? [N, NR] : [M, MR];
  const threads =
    B1 * B * M * N * K >= minMadds ? Math.max(1, Math.min(maxThreads, Math.floor(len / tileOf))) : 1;
  const span = Math.ceil(len / threads / tileOf) * tileOf;
  const [rows, cols] = byCols ? [M, span] : [span, N];
  const kc = Math.min(K, KC);
  const packA = kc * Math.ceil(Math.min(rows, MC) / MR) * MR * 4;
  const packB = kc * Math.ceil(Math.min(cols, NC) / NR) * NR * 4;
  const [as0, as1, as2] = a.strides.slice(-3) as [number, number, number];
  const [bs0, bs1, bs2] = b.strides.slice(-3) as [number, number, number];
  return {
    threads,
    scratch: packA + packB + MR * NR * 4,
    args: (t, at) => {
      const [r0, c0] = byCols ? [0, t * span] : [t * span, 0];
      // prettier-ignore
      return [
        B1, ab1, bb1, B * M * N,
        p.a + r0 * as1 * 4, as0, as1, as2,
        p.b + c0 * bs2 * 4, bs0, bs1, bs2,
        p.out + (r0 * N + c0) * 4, M * N, N, p.bias && p.bias + c0 * 4,
        B, Math.min(rows, M - r0), K, Math.min(cols, N - c0),
        at, at + packA, at + packA + packB,
      ];
    },
  };
}
