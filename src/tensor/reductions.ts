// Reductions beyond sums: max/min (full, or values + indices along a dim), amax/amin, argmax/argmin,
// var/std (with correction), logsumexp, vector norms, and the scans cumsum/cumprod.
import { gather as gatherOp } from "../ops/primitives/indexing.js";
import {
  amax as amaxOp,
  amin as aminOp,
  argmax as argmaxOp,
  argmin as argminOp,
  cumprod as cumprodOp,
  cumsum as cumsumOp,
} from "../ops/primitives/reduce.js";
import { isFloat } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { normDim, normDims } from "../util/shape.js";
import { abs, exp, isinf, log, maximum, minimum, ne, pow, sqrt, where } from "./elementwise.js";
import { type Dims, mean, type ReduceOptions, sum } from "./reduce.js";
import { apply, rawReshape, Tensor } from "./tensor.js";
import { reshape, to } from "./views.js";

/** The reduced axes, sorted; a 0-d tensor accepts dim 0 or -1 and has nothing to reduce. */
const axesOf = (op: string, x: Tensor, dim?: Dims): number[] =>
  normDims(op, dim, x.ndim).filter((a) => a < x.ndim);

function needFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype))
    fail(op, `needs a floating-point input, got ${x.dtype}; convert with .float() or .double()`);
}

/** max/min/arg* have no identity: reducing a dim of size 0 is an error, as in PyTorch. */
function checkNonEmpty(op: string, x: Tensor, axes: readonly number[]): void {
  for (const a of axes)
    if (x.shape[a] === 0)
      shapeError(
        op,
        `cannot reduce dim ${a} of size 0 (input shape ${fmtShape(x.shape)}): an empty reduction has no ${op}`,
      );
}

function checkNotEmptyTensor(op: string, x: Tensor): void {
  if (x.numel() === 0)
    shapeError(
      op,
      `cannot reduce an empty tensor (shape ${fmtShape(x.shape)}) over all dims; give a dim of nonzero size`,
    );
}

/**
 * What max(dim)/min(dim) return, like torch.return_types.max: `{ values, indices }`, which also
 * destructures as an array: `const [values, indices] = x.max(1)`.
 */
export class ValuesIndices implements Iterable<Tensor> {
  constructor(
    readonly values: Tensor,
    /** int32 positions along the reduced dim (PyTorch: int64) */
    readonly indices: Tensor,
  ) {}
  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }
}

/** Max over dims (all when omitted); ties share the gradient evenly, as torch.amax. */
export function amax(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("amax", x, dim);
  checkNonEmpty("amax", x, axes);
  return apply(amaxOp, [x], { axes, keepdim: opts.keepdim ?? false });
}

/** Min over dims (all when omitted); ties share the gradient evenly, as torch.amin. */
export function amin(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const axes = axesOf("amin", x, dim);
  checkNonEmpty("amin", x, axes);
  return apply(aminOp, [x], { axes, keepdim: opts.keepdim ?? false });
}

/** Index of the max along dim, or into the flattened tensor when dim is omitted (int32). */
export function argmax(x: Tensor, dim?: number, opts: ReduceOptions = {}): Tensor {
  return argExtreme("argmax", x, dim, opts);
}

/** Index of the min along dim, or into the flattened tensor when dim is omitted (int32). */
export function argmin(x: Tensor, dim?: number, opts: ReduceOptions = {}): Tensor {
  return argExtreme("argmin", x, dim, opts);
}

function argExtreme(
  op: "argmax" | "argmin",
  x: Tensor,
  dim: number | undefined,
  opts: ReduceOptions,
): Tensor {
  const def = op === "argmax" ? argmaxOp : argminOp;
  const keepdim = opts.keepdim ?? false;
  if (dim === undefined) {
    checkNotEmptyTensor(op, x);
    const flat = apply(def, [rawReshape(x, [x.numel()])], { axis: 0, keepdim: false });
    const ones = x.shape.map(() => 1);
    return keepdim ? rawReshape(flat, ones) : flat;
  }
  const axis = normDim(op, dim, x.ndim);
  if (x.ndim === 0) return apply(def, [rawReshape(x, [1])], { axis: 0, keepdim: false });
  checkNonEmpty(op, x, [axis]);
  return apply(def, [x], { axis, keepdim });
}

/** values = x gathered at the arg-extreme indices, so the gradient goes to those positions only. */
function extremeAlong(op: "max" | "min", x: Tensor, dim: number, opts: ReduceOptions): ValuesIndices {
  const axis = normDim(op, dim, x.ndim);
  if (x.ndim === 0) return extremeAlong(op, reshape(x, [1]), 0, {});
  checkNonEmpty(op, x, [axis]);
  const idx = apply(op === "max" ? argmaxOp : argminOp, [x], { axis, keepdim: true });
  const values = apply(gatherOp, [x, idx], { axis });
  if (opts.keepdim) return new ValuesIndices(values, idx);
  const reduced = idx.shape.filter((_, i) => i !== axis);
  return new ValuesIndices(reshape(values, reduced), rawReshape(idx, reduced));
}

/** The max over all elements (0-d); ties, and NaNs when the max is NaN, share the gradient evenly. */
function extremeAll(op: "max" | "min", x: Tensor): Tensor {
  checkNotEmptyTensor(op, x);
  return apply(op === "max" ? amaxOp : aminOp, [x], {
    axes: axesOf(op, x),
    keepdim: false,
    nanToNaNs: true,
  });
}

/**
 * PyTorch's three max overloads: max() → the 0-d max of all elements; max(dim, { keepdim }) →
 * { values, indices } along dim (the first index among ties, or of the first NaN); max(other) →
 * the elementwise maximum.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, arg?: number | Tensor, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  if (arg === undefined) return extremeAll("max", x);
  if (arg instanceof Tensor) return maximum(x, arg);
  return extremeAlong("max", x, arg, opts);
}

/** PyTorch's three min overloads; see max. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, arg?: number | Tensor, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  if (arg === undefined) return extremeAll("min", x);
  if (arg instanceof Tensor) return minimum(x, arg);
  return extremeAlong("min", x, arg, opts);
}

export interface VarOptions extends ReduceOptions {
  /** subtracted from the element count in the divisor: 1 (default) is Bessel's correction, 0 the population variance */
  correction?: number;
  /** the older PyTorch spelling: true is correction 1, false correction 0 */
  unbiased?: boolean;
}

function correctionOf(op: string, opts: VarOptions): number {
  if (opts.correction !== undefined && opts.unbiased !== undefined)
    fail(op, "give correction or unbiased, not both");
  if (opts.unbiased !== undefined) return opts.unbiased ? 1 : 0;
  return opts.correction ?? 1;
}

/**
 * Variance Σ(x − mean)² / max(0, N − correction) over dims (all when omitted). As in PyTorch, a
 * divisor of 0 (one element with correction 1, or an empty dim) gives NaN or Inf, not an error.
 */
function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}, op = "var"): Tensor {
  needFloat(op, x);
  const axes = axesOf(op, x, dim);
  const correction = correctionOf(op, opts);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const d = x.sub(mean(x, axes, { keepdim: true }));
  return sum(d.mul(d), axes, opts).div(Math.max(0, n - correction));
}
// `var` is a reserved word, so the function is exported under that name by alias: nb.var(x)
export { variance as var };

/** √v where the gradient at v = 0 is 0 (PyTorch's rule for std and norm), not Inf·0 = NaN. */
function safeSqrt(v: Tensor): Tensor {
  const nz = ne(v, 0);
  return where(nz, sqrt(where(nz, v, 1)), v.mul(0));
}

/** Standard deviation, √var (see var). */
export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return safeSqrt(variance(x, dim, opts, "std"));
}

/** [var, mean] in one call, as torch.var_mean. */
export function varMean(x: Tensor, dim?: Dims, opts: VarOptions = {}): [Tensor, Tensor] {
  return [variance(x, dim, opts, "varMean"), mean(x, dim, { keepdim: opts.keepdim ?? false })];
}

/** [std, mean] in one call, as torch.std_mean. */
export function stdMean(x: Tensor, dim?: Dims, opts: VarOptions = {}): [Tensor, Tensor] {
  return [safeSqrt(variance(x, dim, opts, "stdMean")), mean(x, dim, { keepdim: opts.keepdim ?? false })];
}

/**
 * log Σ exp(x) over dims (all when omitted), computed as m + log Σ exp(x − m) with m the detached
 * max; an infinite max is replaced by 0 (as PyTorch does) so all −∞ gives −∞ and +∞ gives +∞.
 * Integer inputs are promoted to float32.
 */
export function logsumexp(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const t = isFloat(x.dtype) ? x : to(x, "float32");
  const axes = axesOf("logsumexp", t, dim);
  if (t.numel() === 0) return log(sum(exp(t), axes, opts)); // an empty sum: log 0 = −∞
  const m = amax(t.detach(), axes, { keepdim: true });
  const shift = where(isinf(m), 0, m);
  const lse = log(sum(exp(t.sub(shift)), axes, opts));
  return lse.add(opts.keepdim ? shift : rawReshape(shift, lse.shape));
}

/**
 * The vector p-norm over dims (all when omitted), as torch.norm / linalg.vector_norm: (Σ|x|^p)^(1/p)
 * for p ≠ 0, ±∞; p = ∞ is max|x|, −∞ min|x|, 0 the count of nonzeros; "fro" is p = 2. The gradient
 * of a zero norm is 0, as in PyTorch.
 */
export function norm(x: Tensor, p: number | "fro" = 2, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  needFloat("norm", x);
  const axes = axesOf("norm", x, dim);
  if (p === "fro" || p === 2) return safeSqrt(sum(x.mul(x), axes, opts));
  if (typeof p !== "number" || Number.isNaN(p)) fail("norm", `p must be a number or "fro", got ${String(p)}`);
  if (p === 1) return sum(abs(x), axes, opts);
  if (p === Infinity || p === -Infinity) {
    checkNonEmpty("norm", x, axes);
    return p > 0 ? amax(abs(x), axes, opts) : amin(abs(x), axes, opts);
  }
  if (p === 0) return to(sum(ne(x, 0), axes, opts), x.dtype);
  const s = sum(pow(abs(x), p), axes, opts);
  const nz = ne(s, 0);
  return where(nz, pow(where(nz, s, 1), 1 / p), s.mul(0));
}

/** An inclusive scan along dim; bool scans to int32 (PyTorch: int64). */
function scan(op: "cumsum" | "cumprod", x: Tensor, dim: number): Tensor {
  const axis = normDim(op, dim, x.ndim);
  if (x.ndim === 0) return reshape(scan(op, reshape(x, [1]), 0), []);
  return apply(op === "cumsum" ? cumsumOp : cumprodOp, [x], { axis });
}

/** Cumulative sum along dim. */
export const cumsum = (x: Tensor, dim: number): Tensor => scan("cumsum", x, dim);
/** Cumulative product along dim; its gradient is exact at zeros too. */
export const cumprod = (x: Tensor, dim: number): Tensor => scan("cumprod", x, dim);

declare module "./tensor.js" {
  interface Tensor {
    max(): Tensor;
    max(dim: number, opts?: ReduceOptions): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, opts?: ReduceOptions): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: Dims, opts?: ReduceOptions): Tensor;
    amin(dim?: Dims, opts?: ReduceOptions): Tensor;
    argmax(dim?: number, opts?: ReduceOptions): Tensor;
    argmin(dim?: number, opts?: ReduceOptions): Tensor;
    var(dim?: Dims, opts?: VarOptions): Tensor;
    std(dim?: Dims, opts?: VarOptions): Tensor;
    logsumexp(dim?: Dims, opts?: ReduceOptions): Tensor;
    norm(p?: number | "fro", dim?: Dims, opts?: ReduceOptions): Tensor;
    cumsum(dim: number): Tensor;
    cumprod(dim: number): Tensor;
  }
}

type MaxArg = number | Tensor | undefined;

Object.assign(Tensor.prototype, {
  max(this: Tensor, a?: MaxArg, o?: ReduceOptions) {
    return a === undefined ? max(this) : a instanceof Tensor ? max(this, a) : max(this, a, o);
  },
  min(this: Tensor, a?: MaxArg, o?: ReduceOptions) {
    return a === undefined ? min(this) : a instanceof Tensor ? min(this, a) : min(this, a, o);
  },
  amax(this: Tensor, dim?: Dims, o?: ReduceOptions) { return amax(this, dim, o); },
  amin(this: Tensor, dim?: Dims, o?: ReduceOptions) { return amin(this, dim, o); },
  argmax(this: Tensor, dim?: number, o?: ReduceOptions) { return argmax(this, dim, o); },
  argmin(this: Tensor, dim?: number, o?: ReduceOptions) { return argmin(this, dim, o); },
  var(this: Tensor, dim?: Dims, o?: VarOptions) { return variance(this, dim, o); },
  std(this: Tensor, dim?: Dims, o?: VarOptions) { return std(this, dim, o); },
  logsumexp(this: Tensor, dim?: Dims, o?: ReduceOptions) { return logsumexp(this, dim, o); },
  norm(this: Tensor, p?: number | "fro", dim?: Dims, o?: ReduceOptions) { return norm(this, p, dim, o); },
  cumsum(this: Tensor, dim: number) { return cumsum(this, dim); },
  cumprod(this: Tensor, dim: number) { return cumprod(this, dim); },
}); // prettier-ignore
