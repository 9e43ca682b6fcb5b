// Indexing primitives: gather and scatterAdd along a dim (each the other's adjoint), scatter
// (overwrite), constant padding and concatenation. Callers check dtypes and shapes; index arrays
// are int32 and their values are bounds-checked by the kernels.
import { defineOp } from "../define.js";
import { binary, copyInto, expandTo, scalar, where } from "../array.js";
import { cast, empty, full, kernel, type NdArray } from "../ndarray.js";
import { type SliceSpec, sliceView } from "./views.js";

/** out[…, i, …] = x[…, index[…, i, …], …]; out has index's shape. */
function gatherArr(x: NdArray, axis: number, index: NdArray): NdArray {
  const out = empty(index.shape, x.dtype, x.backend);
  kernel(x.backend, "gather", x.dtype, "gather").gather(x, axis, index, out);
  return out;
}

/** Adds src (its leading index-shaped block) into dst at index along axis, in place. */
function scatterAddInto(dst: NdArray, axis: number, index: NdArray, src: NdArray): void {
  kernel(dst.backend, "scatterAdd", dst.dtype, "scatterAdd").scatterAdd(dst, axis, index, src);
}

/** The block [0, shape) of an array of at least that size in every dim. */
const leading = (a: NdArray, shape: readonly number[]): NdArray =>
  sliceView(a, { starts: shape.map(() => 0), sizes: shape, steps: shape.map(() => 1) });

/** x [..., n, ...] gathered by index [..., k, ...] (index.shape[d] ≤ x.shape[d] off the axis). */
export const gather = defineOp<{ axis: number }>({
  name: "gather",
  forward: (ctx, [x, index], { axis }) => {
    ctx.save(index!);
    ctx.memo.shape = x!.shape;
    return gatherArr(x!, axis, index!);
  },
  // the adjoint of a gather is a scatter-add: repeated indices accumulate their gradients
  backward: (ctx, g, { axis }) => {
    const [index] = ctx.saved as [NdArray];
    const dx = empty(ctx.memo.shape as number[], g.dtype, g.backend);
    scatterAddInto(dx, axis, index, g);
    return [dx, null];
  },
});

/** Zeros of src's shape holding the gradient gathered at index in its leading block. */
function srcGrad(g: NdArray, axis: number, index: NdArray, srcShape: readonly number[]): NdArray {
  const picked = gatherArr(g, axis, index);
  if (picked.shape.every((d, i) => d === srcShape[i])) return picked;
  // src may be larger than index in any dim; the entries index does not reach get no gradient
  const ds = empty(srcShape, g.dtype, g.backend);
  copyInto(picked, leading(ds, index.shape));
  return ds;
}

/** out = dst with src added at index along axis (dst itself is not modified). */
export const scatterAdd = defineOp<{ axis: number }>({
  name: "scatterAdd",
  forward: (ctx, [dst, index, src], { axis }) => {
    ctx.save(index!);
    ctx.memo.srcShape = src!.shape;
    const out = empty(dst!.shape, dst!.dtype, dst!.backend);
    copyInto(dst!, out);
    scatterAddInto(out, axis, index!, src!);
    return out;
  },
  backward: (ctx, g, { axis }) => {
    const [index] = ctx.saved as [NdArray];
    return [g, null, srcGrad(g, axis, index, ctx.memo.srcShape as number[])];
  },
});

/**
 * out = dst with src (or the constant `value`, when there is no src input) written at index along
 * axis. Where several entries land on one place PyTorch leaves the winner unspecified; here they
 * are averaged, so equal values (the usual case) come out as themselves. The gradient follows
 * PyTorch's rule: dst gets none where something was written, src gets the gathered gradient.
 */
export const scatter = defineOp<{ axis: number; value?: number }>({
  name: "scatter",
  forward: (ctx, [dst, index, src], { axis, value }) => {
    const x = dst!;
    const counts = empty(x.shape, "int32", x.backend);
    scatterAddInto(counts, axis, index!, expandTo(scalar(1, "int32", x), index!.shape));
    const written = binary("gt", counts, scalar(0, "int32", x));
    let vals: NdArray;
    if (src === undefined) vals = scalar(value ?? 0, x.dtype, x);
    else {
      const sums = empty(x.shape, x.dtype === "bool" ? "int32" : x.dtype, x.backend);
      scatterAddInto(sums, axis, index!, src);
      // int32 division truncates, which is exact for equal integers
      vals = binary("div", sums, binary("maximum", counts, scalar(1, "int32", x)));
    }
    const out = where(written, vals, x);
    ctx.save(index!, written);
    ctx.memo.srcShape = src?.shape;
    return out.dtype === x.dtype ? out : cast(out, x.dtype);
  },
  backward: (ctx, g, { axis }) => {
    const [index, written] = ctx.saved as [NdArray, NdArray];
    const dx = where(written, scalar(0, g.dtype, g), g);
    const srcShape = ctx.memo.srcShape as number[] | undefined;
    return srcShape ? [dx, null, srcGrad(g, axis, index, srcShape)] : [dx, null];
  },
});

interface Overlap {
  /** where x's surviving block starts in out, and in x */
  outSpec: SliceSpec;
  inSpec: SliceSpec;
}

/** Constant padding: pads[i] = [before, after] for dim i (negative values crop). */
export const pad = defineOp<{ pads: readonly (readonly [number, number])[]; value: number }>({
  name: "pad",
  forward: (ctx, [x], { pads, value }) => {
    const shape = x!.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const out = full(shape, value, x!.dtype, x!.backend);
    // the overlap of x and out, in each one's coordinates: x[j] lands at out[j + before]
    const lo = pads.map(([b]) => Math.max(b, 0));
    const srcLo = pads.map(([b]) => Math.max(-b, 0));
    const sizes = x!.shape.map((d, i) => Math.max(0, Math.min(d - srcLo[i]!, shape[i]! - lo[i]!)));
    const steps = sizes.map(() => 1);
    const o: Overlap = {
      outSpec: { starts: lo, sizes, steps },
      inSpec: { starts: srcLo, sizes, steps },
    };
    copyInto(sliceView(x!, o.inSpec), sliceView(out, o.outSpec));
    ctx.memo.shape = x!.shape;
    ctx.memo.overlap = o;
    return out;
  },
  backward: (ctx, g) => {
    const o = ctx.memo.overlap as Overlap;
    const dx = empty(ctx.memo.shape as number[], g.dtype, g.backend);
    copyInto(sliceView(g, o.outSpec), sliceView(dx, o.inSpec));
    return [dx];
  },
});

/** Concatenation along axis of same-dtype arrays whose other dims agree (checked by the caller). */
export const cat = defineOp<{ axis: number }>({
  name: "cat",
  forward: (ctx, xs, { axis }) => {
    const first = xs[0]!;
    const sizes = xs.map((x) => x.shape[axis]!);
    ctx.memo.sizes = sizes;
    const shape = first.shape.map((d, i) => (i === axis ? sizes.reduce((s, n) => s + n, 0) : d));
    const out = empty(shape, first.dtype, first.backend);
    let at = 0;
    for (const x of xs) {
      copyInto(x, sliceView(out, spanAlong(shape, axis, at, x.shape[axis]!)));
      at += x.shape[axis]!;
    }
    return out;
  },
  // each input's gradient is its span of the output's gradient (a view, no copy)
  backward: (ctx, g, { axis }) => {
    let at = 0;
    return (ctx.memo.sizes as number[]).map((n) => {
      const part = sliceView(g, spanAlong(g.shape, axis, at, n));
      at += n;
      return part;
    });
  },
});

function spanAlong(shape: readonly number[], axis: number, start: number, size: number): SliceSpec {
  return {
    starts: shape.map((_, i) => (i === axis ? start : 0)),
    sizes: shape.map((d, i) => (i === axis ? size : d)),
    steps: shape.map(() => 1),
  };
}
