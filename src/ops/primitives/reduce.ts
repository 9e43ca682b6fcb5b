// Reduction primitives (sum, prod, amax, amin over any dims) and scans (cumsum, cumprod), with
// backward rules; argmax/argmin have no gradient.
import { defineOp } from "../define.js";
import { binary, expandTo, reduce, reshape, scalar, where } from "../array.js";
import { empty, kernel, type NdArray } from "../ndarray.js";
import { flipView } from "./views.js";

export interface ReduceAttrs {
  /** the reduced dims of x: sorted, distinct, non-negative */
  readonly axes: readonly number[];
  readonly keepdim: boolean;
}

/** Anything with a shape: an array, or just its saved shape. */
type Shaped = { readonly shape: readonly number[] };

/** x's shape with the reduced dims set to 1 (the keepdim shape). */
const keptShape = (x: Shaped, axes: readonly number[]) => x.shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** x's shape without the reduced dims. */
const dropAxes = (x: Shaped, axes: readonly number[]) => x.shape.filter((_, i) => !axes.includes(i));

/** The gradient of a reduced output, reshaped with the reduced dims as 1 and broadcast back to x. */
function spread(g: NdArray, x: Shaped, axes: readonly number[]): NdArray {
  return expandTo(reshape(g, keptShape(x, axes)), x.shape);
}

export const sum = defineOp<ReduceAttrs>({
  name: "sum",
  forward: (ctx, [x], { axes, keepdim }) => {
    ctx.memo.x = { shape: x!.shape }; // only the shape: the input's buffer need not outlive forward
    return reduce("sum", x!, axes, keepdim);
  },
  backward: (ctx, g, { axes }) => {
    const x = ctx.memo.x as Shaped;
    // a fresh buffer rather than a stride-0 view, so later in-place work never aliases g
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
    const y = reduce("prod", x!, axes, true);
    ctx.save(x!, y);
    return keepdim ? y : reshape(y, dropAxes(x!, axes));
  },
  backward: (ctx, g, { axes }) => {
    const [x, yk] = ctx.saved as [NdArray, NdArray];
    const zero = scalar(0, x.dtype, x);
    const one = scalar(1, x.dtype, x);
    const isZero = binary("eq", x, zero);
    const zeros = spread(reduce("sum", isZero, axes, true), x, axes);
    const y = expandTo(yk, x.shape);
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

export interface ExtremeAttrs extends ReduceAttrs {
  /**
   * Where the result is NaN: true sends the gradient to the NaN inputs (PyTorch's rule for the
   * full max()/min()); false gives NaN to the whole group (its rule for amax/amin).
   */
  readonly nanToNaNs?: boolean;
}

const nanMask = (a: NdArray) => binary("ne", a, a);

/** amax/amin: ties share the gradient evenly, grad/count at each input equal to the result. */
function extreme(op: "max" | "min") {
  return defineOp<ExtremeAttrs>({
    name: op === "max" ? "amax" : "amin",
    forward: (ctx, [x], { axes, keepdim }) => {
      const y = reduce(op, x!, axes, true);
      ctx.save(x!, y);
      return keepdim ? y : reshape(y, dropAxes(x!, axes));
    },
    backward: (ctx, g, { axes, nanToNaNs }) => {
      const [x, y] = ctx.saved as [NdArray, NdArray];
      let hit = binary("eq", x, y);
      if (nanToNaNs) hit = binary("logicalOr", hit, binary("logicalAnd", nanMask(x), nanMask(y)));
      const count = spread(reduce("sum", hit, axes, true), x, axes);
      // (g / count) · hit: a group whose result matches nothing (a NaN) gets g/0 · 0 = NaN, as in PyTorch
      const share = binary("div", spread(g, x, axes), count);
      return [binary("mul", share, hit)];
    },
  });
}
export const amax = extreme("max");
export const amin = extreme("min");

/** Index of the first extreme value along one axis (int32); not differentiable. */
export const argmax = defineOp<{ axis: number; keepdim: boolean }>({
  name: "argmax",
  forward: (_ctx, [x], { axis, keepdim }) => reduce("argmax", x!, [axis], keepdim),
});
export const argmin = defineOp<{ axis: number; keepdim: boolean }>({
  name: "argmin",
  forward: (_ctx, [x], { axis, keepdim }) => reduce("argmin", x!, [axis], keepdim),
});

/** Inclusive scan along axis; bool scans to int32 (as sums do). */
function scanArr(op: "sum" | "prod", x: NdArray, axis: number): NdArray {
  const out = empty(x.shape, x.dtype === "bool" ? "int32" : x.dtype, x.backend);
  kernel(x.backend, "scan", x.dtype, op === "sum" ? "cumsum" : "cumprod", op).scan(op, x, axis, out);
  return out;
}

/** Σ_{j≥i} v_j along axis: the reversed cumulative sum. */
const revCumsum = (v: NdArray, axis: number) => flipView(scanArr("sum", flipView(v, [axis]), axis), [axis]);

/** cumsum; its adjoint is the reversed cumulative sum of the gradient. */
export const cumsum = defineOp<{ axis: number }>({
  name: "cumsum",
  forward: (_ctx, [x], { axis }) => scanArr("sum", x!, axis),
  backward: (_ctx, g, { axis }) => [revCumsum(g, axis)],
});

/**
 * cumprod: dx_i = Σ_{j≥i} g_j · Π_{k≤j, k≠i} x_k. With z the first zero along the axis, that is
 * Σ_{j≥i} g_j·y_j / x_i before z, the same sum over the cumprod with x_z replaced by 1 at z, and 0
 * after z (every term holds x_z). No division by zero, so zeros get PyTorch's exact gradient.
 */
export const cumprod = defineOp<{ axis: number }>({
  name: "cumprod",
  forward: (ctx, [x], { axis }) => {
    const y = scanArr("prod", x!, axis);
    ctx.save(x!, y);
    return y;
  },
  backward: (ctx, g, { axis }) => {
    const [x, y] = ctx.saved as [NdArray, NdArray];
    const zero = scalar(0, x.dtype, x);
    const isZero = binary("eq", x, zero);
    const zerosSoFar = scanArr("sum", isZero, axis);
    const before = binary("eq", zerosSoFar, scalar(0, "int32", x));
    const atFirst = binary("logicalAnd", isZero, binary("eq", zerosSoFar, scalar(1, "int32", x)));
    const plain = binary("div", revCumsum(binary("mul", g, y), axis), x);
    const yWithout = scanArr("prod", where(atFirst, scalar(1, x.dtype, x), x), axis);
    const atZero = revCumsum(binary("mul", g, yWithout), axis);
    return [where(before, plain, where(atFirst, atZero, zero))];
  },
});
