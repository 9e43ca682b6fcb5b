// JS-side planning for the wasm kernels: the argument block of strided views (coalesced dims,
// strides, offsets) and 2-D convolution geometry (a reduction's plan is ../reduce-plan.ts).
// Pure functions over numbers; the backend writes what they return into the heap.
import type { ConvGeometry, View } from "../interface.js";
import { coalesce } from "../reference/strided.js";
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
