// Reductions over one or several dims with keepdim: sum and mean here; the other reductions
// (prod, max/min, var/std, logsumexp, softmax…) live in reductions.ts beside this file.
import { sum as sumOp } from "../ops/primitives/reduce.js";
import { sumDtype } from "../ops/array.js";
import { isFloat } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import { normDims } from "../util/shape.js";
import { apply, Tensor } from "./tensor.js";
import { to } from "./views.js";

export interface ReduceOptions {
  keepdim?: boolean;
}

export type Dims = number | readonly number[];

/** Sum over dims (all when omitted); bool and int32 sum to int32. */
export function sum(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = normDims("sum", dim, x.ndim);
  const t = x.dtype === sumDtype(x.dtype) ? x : to(x, sumDtype(x.dtype));
  return apply(sumOp, [t], { axes, keepdim: opts.keepdim ?? false });
}

/** Mean over dims (all when omitted); only floating-point inputs, as in PyTorch. */
export function mean(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  if (!isFloat(x.dtype)) fail("mean", `needs a floating-point input, got ${x.dtype}; convert with .float()`);
  const axes = normDims("mean", dim, x.ndim);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return sum(x, axes, opts).div(n);
}

declare module "./tensor.js" {
  interface Tensor {
    sum(dim?: Dims, opts?: ReduceOptions): Tensor;
    mean(dim?: Dims, opts?: ReduceOptions): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  sum(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return sum(this, dim, opts); },
  mean(this: Tensor, dim?: Dims, opts?: ReduceOptions) { return mean(this, dim, opts); },
}); // prettier-ignore
