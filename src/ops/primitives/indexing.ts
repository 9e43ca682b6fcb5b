// Indexing primitives: gather and scatterAdd along a dim (each the other's adjoint), constant
// padding and concatenation.
import { defineOp } from "../define.js";
import { copyInto } from "../array.js";
import { empty, full, kernel, type NdArray } from "../ndarray.js";
import { sliceView } from "./views.js";

export const gather = defineOp<{ axis: number }>({
  name: "gather",
  forward: (ctx, [x, index], { axis }) => {
    ctx.save(index!);
    ctx.memo.shape = x!.shape;
    const out = empty(index!.shape, x!.dtype, x!.backend);
    kernel(x!.backend, "gather", x!.dtype, "gather").gather(x!, axis, index!, out);
    return out;
  },
  backward: (ctx, g, { axis }) => {
    const [index] = ctx.saved as [NdArray];
    const dx = empty(ctx.memo.shape as number[], g.dtype, g.backend);
    g.backend.scatterAdd(dx, axis, index, g);
    return [dx, null];
  },
});

/** out = dst with src added at index along axis (dst itself is not modified). */
export const scatterAdd = defineOp<{ axis: number }>({
  name: "scatterAdd",
  forward: (ctx, [dst, index, src], { axis }) => {
    ctx.save(index!);
    const out = empty(dst!.shape, dst!.dtype, dst!.backend);
    copyInto(dst!, out);
    kernel(dst!.backend, "scatterAdd", dst!.dtype, "scatterAdd").scatterAdd(out, axis, index!, src!);
    return out;
  },
  backward: (ctx, g, { axis }) => {
    const [index] = ctx.saved as [NdArray];
    const dsrc = empty(index.shape, g.dtype, g.backend);
    g.backend.gather(g, axis, index, dsrc);
    return [g, null, dsrc];
  },
});

/** Constant padding: pads[i] = [before, after] for dim i (negative values crop). */
export const pad = defineOp<{ pads: readonly (readonly [number, number])[]; value: number }>({
  name: "pad",
  forward: (ctx, [x], { pads, value }) => {
    ctx.memo.shape = x!.shape;
    const shape = x!.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const out = full(shape, value, x!.dtype, x!.backend);
    // the overlap of x and out, in each one's coordinates
    const lo = pads.map(([b]) => Math.max(b, 0));
    const srcLo = pads.map(([b]) => Math.max(-b, 0));
    const sizes = x!.shape.map((d, i) => Math.max(0, Math.min(d - srcLo[i]!, shape[i]! - lo[i]!)));
    const steps = sizes.map(() => 1);
    copyInto(sliceView(x!, { starts: srcLo, sizes, steps }), sliceView(out, { starts: lo, sizes, steps }));
    ctx.memo.overlap = { lo, srcLo, sizes, steps };
    return out;
  },
  backward: (ctx, g) => {
    const { lo, srcLo, sizes, steps } = ctx.memo.overlap as {
      lo: number[];
      srcLo: number[];
      sizes: number[];
      steps: number[];
    };
    const dx = empty(ctx.memo.shape as number[], g.dtype, g.backend);
    copyInto(sliceView(g, { starts: lo, sizes, steps }), sliceView(dx, { starts: srcLo, sizes, steps }));
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
  backward: (ctx, g, { axis }) => {
    let at = 0;
    return (ctx.memo.sizes as number[]).map((n) => {
      const part = sliceView(g, spanAlong(g.shape, axis, at, n));
      at += n;
      return part;
    });
  },
});

function spanAlong(shape: readonly number[], axis: number, start: number, size: number) {
  return {
    starts: shape.map((_, i) => (i === axis ? start : 0)),
    sizes: shape.map((d, i) => (i === axis ? size : d)),
    steps: shape.map(() => 1),
  };
}
