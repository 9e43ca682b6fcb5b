// Reduction primitives (sum, prod, amax, amin over any dims) and scans (cumsum, cumprod), with
// backward rules; argmax/argmin have no gradient.
import { defineOp } from "../define.js";
import { binary, expandTo, reduce, reshape, scalar, where } from "../array.js";
import { empty, type NdArray } from "../ndarray.js";
import { flipView } from "./views.js";

export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepdim: boolean;
}

/** The gradient of a reduced output, reshaped with the reduced dims as 1 and broadcast back to x. */
function spread(g: NdArray, x: NdArray, axes: readonly number[]): NdArray {
  return expandTo(
    reshape(
      g,
      x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
    ),
    x.shape,
  );
}

export const sum = defineOp<ReduceAttrs>({
  name: "sum",
  forward: (ctx, [x], { axes, keepdim }) => {
    ctx.memo.x = { shape: x!.shape };
    ctx.save(x!);
    return reduce("sum", x!, axes, keepdim);
  },
  backward: (ctx, g, { axes }) => {
    const [x] = ctx.saved as [NdArray];
    const out = empty(x.shape, g.dtype, g.backend);
    out.backend.copy(spread(g, x, axes), out);
    return [out];
  },
});

/**
 * prod: d/dx_i = Π_{j≠i} x_j. Computed without dividing by zero: with no zero in the group it is
 * y/x_i; with exactly one zero it is the product of the others at that zero and 0 elsewhere.
 */
export const prod = defineOp<ReduceAttrs>({
  name: "prod",
  forward: (ctx, [x], { axes, keepdim }) => {
    ctx.save(x!);
    return reduce("prod", x!, axes, keepdim);
  },
  backward: (ctx, g, { axes }) => {
    const [x] = ctx.saved as [NdArray];
    const zero = scalar(0, x.dtype, x);
    const one = scalar(1, x.dtype, x);
    const isZero = binary("eq", x, zero);
    const zeros = spread(reduce("sum", isZero, axes, true), x, axes);
    const y = spread(reduce("prod", x, axes, true), x, axes);
    const others = spread(reduce("prod", where(isZero, one, x), axes, true), x, axes);
    const noZero = binary("div", y, x);
    const oneZero = where(isZero, others, zero);
    const local = where(
      binary("eq", zeros, scalar(0, "int32", x)),
      noZero,
      where(binary("eq", zeros, scalar(1, "int32", x)), oneZero, zero),
    );
    return [binary("mul", spread(g, x, axes), local)];
  },
});

/** amax/amin: ties share the gradient evenly (PyTorch's rule for amax and full-tensor max). */
function extreme(op: "max" | "min") {
  return defineOp<ReduceAttrs>({
    name: op === "max" ? "amax" : "amin",
    forward: (ctx, [x], { axes, keepdim }) => {
      const y = reduce(op, x!, axes, true);
      ctx.save(x!, y);
      return keepdim
        ? y
        : reshape(
            y,
            x!.shape.filter((_, i) => !axes.includes(i)),
          );
    },
    backward: (ctx, g, { axes }) => {
      const [x, y] = ctx.saved as [NdArray, NdArray];
      const hit = binary("eq", x, y);
      const count = spread(reduce("sum", hit, axes, true), x, axes);
      const share = binary("div", spread(g, x, axes), count);
      return [where(hit, share, scalar(0, g.dtype, g))];
    },
  });
}
export const amax = extreme("max");
export const amin = extreme("min");

export const argmax = defineOp<{ axis: number; keepdim: boolean }>({
  name: "argmax",
  forward: (_ctx, [x], { axis, keepdim }) => reduce("argmax", x!, [axis], keepdim),
});
export const argmin = defineOp<{ axis: number; keepdim: boolean }>({
  name: "argmin",
  forward: (_ctx, [x], { axis, keepdim }) => reduce("argmin", x!, [axis], keepdim),
});

function scanArr(op: "sum" | "prod", x: NdArray, axis: number): NdArray {
  const out = empty(x.shape, x.dtype === "bool" ? "int32" : x.dtype, x.backend);
  x.backend.scan(op, x, axis, out);
  return out;
}

/** cumsum; its adjoint is the reversed cumulative sum of the gradient. */
export const cumsum = defineOp<{ axis: number }>({
  name: "cumsum",
  forward: (_ctx, [x], { axis }) => scanArr("sum", x!, axis),
  backward: (_ctx, g, { axis }) => [flipView(scanArr("sum", flipView(g, [axis]), axis), [axis])],
});

/** cumprod; gradient Σ_{j≥i} g_j·y_j / x_i (exact for inputs without zeros; a zero input gives a non-finite gradient). */
export const cumprod = defineOp<{ axis: number }>({
  name: "cumprod",
  forward: (ctx, [x], { axis }) => {
    const y = scanArr("prod", x!, axis);
    ctx.save(x!, y);
    return y;
  },
  backward: (ctx, g, { axis }) => {
    const [x, y] = ctx.saved as [NdArray, NdArray];
    const gy = binary("mul", g, y);
    const rev = flipView(scanArr("sum", flipView(gy, [axis]), axis), [axis]);
    return [binary("div", rev, x)];
  },
});
