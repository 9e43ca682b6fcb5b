// Sums over one or several dims with keepdim: sum, mean, prod, and the boolean reductions all,
// any, countNonzero. var/std, max/min/arg*, scans, logsumexp and norm are in reductions.ts;
// softmax and logSoftmax in softmax.ts.
import { prod as prodOp, sum as sumOp } from "../ops/primitives/reduce.js";
import { sumDtype } from "../ops/array.js";
import { isFloat } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import { normDims } from "../util/shape.js";
import { eq, ne } from "./elementwise.js";
import { apply, Tensor } from "./tensor.js";
import { to } from "./views.js";

export interface ReduceOptions {
  keepdim?: boolean;
}

/** One dim or several; omitted means every dim. An empty list reduces nothing (PyTorch: every dim). */
export type Dims = number | readonly number[];

/** The reduced axes, sorted; a 0-d tensor accepts dim 0 or -1 and has nothing to reduce. */
const axesOf = (op: string, x: Tensor, dim?: Dims): number[] =>
  normDims(op, dim, x.ndim).filter((a) => a < x.ndim);

const countOf = (x: Tensor, axes: readonly number[]): number => axes.reduce((p, a) => p * x.shape[a]!, 1);

function needFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype))
    fail(op, `needs a floating-point input, got ${x.dtype}; convert with .float() or .double()`);
}

/** Sum over dims (all when omitted); bool and int32 sum to int32. */
export function sum(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("sum", x, dim);
  const t = x.dtype === sumDtype(x.dtype) ? x : to(x, sumDtype(x.dtype));
  return apply(sumOp, [t], { axes, keepdim: opts.keepdim ?? false });
}

/** Mean over dims (all when omitted); only floating-point inputs, as in PyTorch. Empty → NaN. */
export function mean(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  needFloat("mean", x);
  const axes = axesOf("mean", x, dim);
  return sum(x, axes, opts).div(countOf(x, axes));
}

/** Product over dims (all when omitted); bool and int32 multiply to int32. Empty → 1. */
export function prod(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("prod", x, dim);
  const t = x.dtype === sumDtype(x.dtype) ? x : to(x, sumDtype(x.dtype));
  return apply(prodOp, [t], { axes, keepdim: opts.keepdim ?? false });
}

/** Whether every element over dims is nonzero (bool; true over an empty dim). */
export function all(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("all", x, dim);
  return eq(sum(eq(x, 0), axes, opts), 0);
}

/** Whether any element over dims is nonzero (bool; false over an empty dim). */
export function any(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("any", x, dim);
  return ne(sum(ne(x, 0), axes, opts), 0);
}

/** The number of nonzero elements over dims, as int32 (PyTorch: int64). */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return sum(ne(x, 0), axesOf("countNonzero", x, dim));
}

declare module "./tensor.js" {
  interface Tensor {
    sum(dim?: Dims, opts?: ReduceOptions): Tensor;
    mean(dim?: Dims, opts?: ReduceOptions): Tensor;
    prod(dim?: Dims, opts?: ReduceOptions): Tensor;
    all(dim?: Dims, opts?: ReduceOptions): Tensor;
    any(dim?: Dims, opts?: ReduceOptions): Tensor;
    countNonzero(dim?: Dims): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  sum(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return sum(this, dim, opts); },
  mean(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return mean(this, dim, opts); },
  prod(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return prod(this, dim, opts); },
  all(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return all(this, dim, opts); },
  any(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return any(this, dim, opts); },
  countNonzero(this: Tensor, dim?: Dims) { return countNonzero(this, dim); },
}); // prettier-ignore
