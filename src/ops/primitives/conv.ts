// Unfold (im2col) and fold (col2im) primitives, each the other's adjoint. Convolution is unfold
// followed by a matmul, and pooling unfold followed by a reduction, so both get gradients for free.
import type { ConvGeometry } from "../../backend/interface.js";
import { defineOp } from "../define.js";
import { empty, kernel, type NdArray } from "../ndarray.js";

/** Output spatial size of a convolution along each spatial dim (floor rule, symmetric padding). */
export function convOutSize(input: readonly number[], g: ConvGeometry): number[] {
  return input.map(
    (n, i) =>
      Math.floor((n + 2 * g.padding[i]! - g.dilation[i]! * (g.kernel[i]! - 1) - 1) / g.stride[i]!) + 1,
  );
}

/**
 * Unfold geometry. `outSize` overrides the floor rule: a larger output reads padValue past the
 * right edge, which is how asymmetric ("same") padding and ceil-mode pooling are expressed.
 */
export interface UnfoldAttrs extends ConvGeometry {
  readonly outSize?: readonly number[];
}

function unfoldArr(x: NdArray, g: UnfoldAttrs): NdArray {
  const [N, C, ...spatial] = x.shape;
  const outSize = g.outSize ?? convOutSize(spatial, g);
  const out = empty([N!, C!, ...g.kernel, ...outSize], x.dtype, x.backend);
  kernel(x.backend, "im2col", x.dtype, "unfold").im2col(x, g, out);
  return out;
}

function foldArr(cols: NdArray, g: ConvGeometry, spatial: readonly number[]): NdArray {
  const out = empty([cols.shape[0]!, cols.shape[1]!, ...spatial], cols.dtype, cols.backend);
  kernel(cols.backend, "col2im", cols.dtype, "fold").col2im(cols, g, out);
  return out;
}

/** [N, C, ...spatial] → [N, C, ...kernel, ...outSpatial] */
export const unfold = defineOp<UnfoldAttrs>({
  name: "unfold",
  forward: (ctx, [x], g) => {
    ctx.memo.spatial = x!.shape.slice(2);
    return unfoldArr(x!, g);
  },
  backward: (ctx, grad, g) => [foldArr(grad, { ...g, padValue: 0 }, ctx.memo.spatial as number[])],
});

/** [N, C, ...kernel, ...outSpatial] → [N, C, ...spatial], summing overlaps. */
export const fold = defineOp<ConvGeometry & { spatial: readonly number[] }>({
  name: "fold",
  forward: (ctx, [cols], g) => {
    ctx.memo.outSize = cols!.shape.slice(2 + g.kernel.length);
    return foldArr(cols!, g, g.spatial);
  },
  backward: (ctx, grad, g) => [unfoldArr(grad, { ...g, padValue: 0, outSize: ctx.memo.outSize as number[] })],
});
