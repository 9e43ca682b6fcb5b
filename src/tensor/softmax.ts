// softmax and logSoftmax along one dim: along the last dim of a float tensor one fused kernel each
// way (ops/primitives/fused.ts); otherwise numerically stable composites (the detached max is
// subtracted first), whose gradients come from the primitives they are built of.
import { type DType, isFloat } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import { normDim } from "../util/shape.js";
import { exp, log, where } from "./elementwise.js";
import { full } from "./creation.js";
import { tril } from "./indexing.js";
import { sum } from "./reduce.js";
import { amax } from "./reductions.js";
import { apply, Tensor } from "./tensor.js";
import { fusable, logSoftmaxLast, softmaxLast } from "../ops/primitives/fused.js";
import { to } from "./views.js";

export interface SoftmaxOptions {
  /** cast the input to this dtype first (as PyTorch's dtype argument) */
  dtype?: DType;
}

/** The input, cast if asked, after checking it is floating point; and dim as a non-negative axis. */
function prepare(op: string, x: Tensor, dim: number, opts: SoftmaxOptions): [Tensor, number[]] {
  const t = opts.dtype === undefined ? x : to(x, opts.dtype);
  if (!isFloat(t.dtype))
    fail(
      op,
      `needs a floating-point input, got ${t.dtype}; convert with .float() or pass { dtype: "float32" }`,
    );
  const axis = normDim(op, dim, t.ndim);
  return [t, t.ndim === 0 ? [] : [axis]];
}

/** Whether the fused kernel applies: along the last dim, on a backend that has it for the dtype. */
function fused(t: Tensor, axes: number[]): boolean {
  return t.ndim > 0 && axes[0] === t.ndim - 1 && fusable(t.array.backend, "softmax", t.dtype);
}

/** x − max(x) along the axes, with the max detached (it cancels in the result and its gradient). */
function shifted(t: Tensor, axes: number[]): Tensor {
  return t.sub(amax(t.detach(), axes, { keepdim: true }));
}

/**
 * exp(x) / Σ exp(x) along dim. A row of all −∞ gives NaN, as in PyTorch.
 * x: [..., n, ...] → same shape, summing to 1 along dim.
 */
export function softmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  const [t, axes] = prepare("softmax", x, dim, opts);
  if (t.numel() === 0) return t.mul(1);
  if (fused(t, axes)) return apply(softmaxLast, [t], {});
  const e = exp(shifted(t, axes));
  return e.div(sum(e, axes, { keepdim: true }));
}

/** log(softmax(x)) along dim, computed as (x − m) − log Σ exp(x − m), without forming softmax. */
export function logSoftmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  const [t, axes] = prepare("logSoftmax", x, dim, opts);
  if (t.numel() === 0) return t.mul(1);
  if (fused(t, axes)) return apply(logSoftmaxLast, [t], {});
  const s = shifted(t, axes);
  return s.sub(log(sum(exp(s), axes, { keepdim: true })));
}

/**
 * softmax over the last dim of x [..., L, S] where query i may see only keys j ≤ i + diagonal (the
 * others get weight 0, as a −∞ mask gives; diagonal 0 is PyTorch's is_causal, S − L aligns the
 * queries with the last keys, as a KV cache does). One kernel on backends that fuse it; otherwise
 * the masked composite.
 */
export function causalSoftmax(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim < 2) fail("causalSoftmax", `needs a [..., L, S] input, got ${x.ndim} dim(s)`);
  if (!isFloat(x.dtype)) fail("causalSoftmax", `needs a floating-point input, got ${x.dtype}`);
  const [L, S] = x.shape.slice(-2) as [number, number];
  if (x.numel() > 0 && fusable(x.array.backend, "softmax", x.dtype))
    return apply(softmaxLast, [x], { causal: { rows: L, diagonal } });
  const allowed = tril(full([L, S], true, { dtype: "bool" }), diagonal);
  return softmax(where(allowed, x, -Infinity), -1);
}

declare module "./tensor.js" {
  interface Tensor {
    softmax(dim: number, opts?: SoftmaxOptions): Tensor;
    logSoftmax(dim: number, opts?: SoftmaxOptions): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  softmax(this: Tensor, dim: number, opts?: SoftmaxOptions) { return softmax(this, dim, opts); },
  logSoftmax(this: Tensor, dim: number, opts?: SoftmaxOptions) { return logSoftmax(this, dim, opts); },
}); // prettier-ignore
