// View primitives: reshape, permute, expand, slice, flip — metadata changes whose backward rules
// route the gradient back to the input's layout.
import { defineOp } from "../define.js";
import { copyInto, expandTo, inversePerm, permute, reshape as reshapeA, sumToShape } from "../array.js";
import { empty, NdArray } from "../ndarray.js";

export const reshape = defineOp<{ shape: readonly number[] }>({
  name: "reshape",
  forward: (ctx, [x], { shape }) => {
    ctx.memo.inShape = x!.shape;
    return reshapeA(x!, shape);
  },
  backward: (ctx, g) => [reshapeA(g, ctx.memo.inShape as number[])],
});

export const permuteOp = defineOp<{ perm: readonly number[] }>({
  name: "permute",
  forward: (_ctx, [x], { perm }) => permute(x!, perm),
  backward: (_ctx, g, { perm }) => [permute(g, inversePerm(perm))],
});

export const expand = defineOp<{ shape: readonly number[] }>({
  name: "expand",
  forward: (ctx, [x], { shape }) => {
    ctx.memo.inShape = x!.shape;
    return expandTo(x!, shape);
  },
  backward: (ctx, g) => [sumToShape(g, ctx.memo.inShape as number[])],
});

/** One slice per dim: start (inclusive), length in steps, and a positive step. */
export interface SliceSpec {
  readonly starts: readonly number[];
  readonly sizes: readonly number[];
  readonly steps: readonly number[];
}

export function sliceView(x: NdArray, { starts, sizes, steps }: SliceSpec): NdArray {
  let offset = x.offset;
  const strides = x.strides.map((s, i) => {
    offset += s * starts[i]!;
    return s * steps[i]!;
  });
  return x.withLayout([...sizes], strides, sizes.some((d) => d === 0) ? x.offset : offset);
}

export const slice = defineOp<SliceSpec>({
  name: "slice",
  forward: (ctx, [x], spec) => {
    ctx.memo.inShape = x!.shape;
    ctx.memo.dtype = x!.dtype;
    return sliceView(x!, spec);
  },
  backward: (ctx, g, spec) => {
    const full = empty(ctx.memo.inShape as number[], g.dtype, g.backend);
    copyInto(g, sliceView(full, spec));
    return [full];
  },
});

/** Reverses the given dims (a view with negative strides). */
export function flipView(x: NdArray, dims: readonly number[]): NdArray {
  let offset = x.offset;
  const strides = x.strides.map((s, i) => {
    if (!dims.includes(i) || x.shape[i] === 0) return s;
    offset += s * (x.shape[i]! - 1);
    return -s;
  });
  return x.withLayout(x.shape, strides, offset);
}

export const flip = defineOp<{ dims: readonly number[] }>({
  name: "flip",
  forward: (_ctx, [x], { dims }) => flipView(x!, dims),
  backward: (_ctx, g, { dims }) => [flipView(g, dims)],
});

/** Copy to a fresh contiguous buffer of another dtype; the gradient is cast back. */
export const cast = defineOp<{ dtype: import("../../util/dtype.js").DType }>({
  name: "to",
  forward: (ctx, [x], { dtype }) => {
    ctx.memo.dtype = x!.dtype;
    const out = empty(x!.shape, dtype, x!.backend);
    copyInto(x!, out);
    return out;
  },
  backward: (ctx, g) => {
    const out = empty(g.shape, ctx.memo.dtype as import("../../util/dtype.js").DType, g.backend);
    copyInto(g, out);
    return [out];
  },
});
