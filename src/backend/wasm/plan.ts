// JS-side planning for the wasm kernels: the argument block of strided views (coalesced dims,
// strides, offsets), the reduced/kept row groups of a reduction, and 2-D convolution geometry.
// Pure functions over numbers; the backend writes what they return into the heap.
import type { ConvGeometry, View } from "../interface.js";
import { coalesce, offsetsOf } from "../reference/strided.js";
import { ARGS } from "./abi.js";

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

/** A group of dims (reduced or kept) with contiguous neighbours merged and size-1 dims dropped. */
export interface Group {
  shape: number[];
  strides: number[];
}

export function merge(shape: readonly number[], strides: readonly number[]): Group {
  const g: Group = { shape: [], strides: [] };
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 1) continue;
    const last = g.shape.length - 1;
    if (last >= 0 && g.strides[last] === strides[i]! * n) {
      g.shape[last]! *= n;
      g.strides[last] = strides[i]!;
    } else {
      g.shape.push(n);
      g.strides.push(strides[i]!);
    }
  }
  return g;
}

/** A group walked as rows: each row's start offset (relative), the row length and its stride. */
export interface Rows {
  starts: Int32Array;
  n: number;
  stride: number;
}

export function rowsOf(g: Group): Rows {
  const nd = g.shape.length;
  if (nd === 0) return { starts: new Int32Array(1), n: 1, stride: 0 };
  return {
    starts: offsetsOf(g.shape.slice(0, -1), { strides: g.strides.slice(0, -1), offset: 0 }),
    n: g.shape[nd - 1]!,
    stride: g.strides[nd - 1]!,
  };
}

/** Every element's offset (relative) within a group, in row-major order. */
export function offsetsOfGroup(g: Group): Int32Array {
  return offsetsOf(g.shape, { strides: g.strides, offset: 0 });
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
