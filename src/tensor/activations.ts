// Activation functions and the other elementwise composites (clamp, trunc, inverse trig and
// hyperbolic functions, lerp…), written from elementwise primitives so autograd differentiates
// them. The where() choices reproduce PyTorch's gradient at kinks (clamp passes it at the bounds,
// hardtanh does not) and, where cheap, its NaN handling.
import { noGrad } from "../autograd/grad-mode.js";
import { isFloat } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import {
  abs, add, align, atan2, ceil, cos, div, eq, erf, exp, expm1, floor, ge, gt, isinf, isnan, le, log,
  log1p, logicalAnd, logicalNot, logicalOr, lt, maximum, minimum, mul, neg, pow, sigmoid, sin, sqrt,
  sub, tanh, type TensorLike, where,
} from "./elementwise.js"; // prettier-ignore
import { apply, Tensor } from "./tensor.js";
import { unaryOps } from "../ops/primitives/unary.js";
import { to } from "./views.js";

function tensorArg(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(op, `expected a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}

/** Float-only functions promote integer and bool inputs to float32, as PyTorch's unary math does. */
const flt = (op: string, x: unknown): Tensor => {
  const t = tensorArg(op, x);
  return isFloat(t.dtype) ? t : to(t, "float32");
};

/** x where x ≤ 0, else 0: the input of a left branch, so e^x never overflows into an inf·0 = NaN gradient. */
const leftPart = (x: Tensor): Tensor => where(le(x, 0), x, 0);

// ---- clamping ----

export type Bound = TensorLike | null | undefined;

/**
 * Clamps into [min, max] (either may be omitted; tensor bounds broadcast); where min > max the
 * result is max, and NaN propagates. The gradient follows PyTorch: it reaches x where
 * min ≤ x ≤ max (both bounds included), min where x < min < max, max where x > max or max < min.
 */
export function clamp(x: Tensor, min?: Bound, max?: Bound): Tensor {
  tensorArg("clamp", x);
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) fail("clamp", "at least one of min and max must be given");
  const [t, ...bounds] = align("clamp", [x, ...(hasMin ? [min] : []), ...(hasMax ? [max] : [])]);
  const lo = hasMin ? bounds[0] : undefined;
  const hi = hasMax ? bounds[bounds.length - 1] : undefined;
  // the clamped value, without gradient; it covers the out-of-range and NaN elements
  let rest = noGrad(() => {
    const v = lo ? maximum(t!, lo) : t!;
    return hi ? minimum(v, hi) : v;
  });
  // a bound that requires grad gets it where it is the value
  if (hi?.requiresGrad) rest = where(lo ? logicalOr(gt(t!, hi), lt(hi, lo)) : gt(t!, hi), hi, rest);
  if (lo?.requiresGrad) rest = where(hi ? logicalAnd(lt(t!, lo), lt(lo, hi)) : lt(t!, lo), lo, rest);
  const inside = lo && hi ? logicalAnd(ge(t!, lo), le(t!, hi)) : lo ? ge(t!, lo) : le(t!, hi!);
  return where(inside, t!, rest);
}
export const clampMin = (x: Tensor, min: TensorLike): Tensor => clamp(x, min, null);
export const clampMax = (x: Tensor, max: TensorLike): Tensor => clamp(x, null, max);
/** Alias of clamp (torch.clip). */
export const clip = clamp;

/** Clamps into [minVal, maxVal] like clamp, but with zero gradient at the two edges (PyTorch's hardtanh). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  const low = where(le(tensorArg("hardtanh", x), minVal), minVal, x);
  return where(ge(low, maxVal), maxVal, low);
}
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

// ---- ReLU relatives ----

/** x for x > 0, negativeSlope·x otherwise (the slope is also the gradient at 0). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const t = flt("leakyRelu", x);
  return where(gt(t, 0), t, mul(t, negativeSlope));
}

/** scale·x for x > 0, scale·alpha·(e^(x·inputScale) − 1) for x ≤ 0: PyTorch's one kernel for elu, selu, celu. */
function eluFamily(op: string, x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const t = flt(op, x);
  const left = le(t, 0);
  const curve = mul(expm1(mul(leftPart(t), inputScale)), alpha * scale);
  return where(left, curve, scale === 1 ? t : mul(t, scale));
}
export const elu = (x: Tensor, alpha = 1): Tensor => eluFamily("elu", x, alpha, 1, 1);
/** Scaled elu with the self-normalising constants of Klambauer et al. (2017). */
export const selu = (x: Tensor): Tensor => eluFamily("selu", x, 1.6732632423543772, 1.0507009873554805, 1);
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) fail("celu", "alpha must be nonzero (the curve is alpha·(e^(x/alpha) − 1))");
  return eluFamily("celu", x, alpha, 1, 1 / alpha);
}

/** x ≤ threshold → value, otherwise x (NaN stays NaN). */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  return where(le(tensorArg("threshold", x), threshold), value, x);
}

// ---- smooth activations ----

export interface GeluOptions {
  /** "none": x·Φ(x) with the exact normal CDF; "tanh": the tanh approximation of Hendrycks & Gimpel */
  approximate?: "none" | "tanh";
}

/** x·Φ(x) = ½x(1 + erf(x/√2)), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) with approximate "tanh". */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  const t = flt("gelu", x);
  const approximate = opts.approximate ?? "none";
  if (approximate === "none") return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
  if (approximate !== "tanh")
    fail("gelu", `approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
  // one fused kernel each way (see ops/primitives/unary.ts) where the backend has both
  const be = t.array.backend;
  if (be.supports("unary", t.dtype, "geluTanh") && be.supports("binary", t.dtype, "geluTanhBackward"))
    return apply(unaryOps.geluTanh, [t], undefined);
  const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(t, 0.5), add(tanh(inner), 1));
}

/** x·σ(x), also called swish. */
export const silu = (x: Tensor): Tensor => {
  const t = flt("silu", x);
  return mul(t, sigmoid(t));
};

export interface SoftplusOptions {
  beta?: number;
  /** above beta·x > threshold the function is taken as linear (x), as PyTorch does */
  threshold?: number;
}

/** log(1 + e^(βx))/β, and x itself where βx > threshold. */
export function softplus(x: Tensor, opts: SoftplusOptions = {}): Tensor {
  const { beta = 1, threshold = 20 } = opts;
  const t = flt("softplus", x);
  const bx = beta === 1 ? t : mul(t, beta);
  const linear = gt(bx, threshold);
  // the soft branch sees 0 where the linear one is taken, so e^(βx) cannot overflow into NaN gradients
  const soft = log1p(exp(where(linear, 0, bx)));
  return where(linear, t, beta === 1 ? soft : div(soft, beta));
}

/** log σ(x) = min(x, 0) − log(1 + e^−|x|), exact for large |x| of either sign. */
export function logSigmoid(x: Tensor): Tensor {
  const t = flt("logSigmoid", x);
  return sub(minimum(t, 0), log1p(exp(neg(abs(t)))));
}

/** x·tanh(softplus(x)) (Misra, 2019). */
export const mish = (x: Tensor): Tensor => {
  const t = flt("mish", x);
  return mul(t, tanh(softplus(t)));
};

/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => {
  const t = flt("softsign", x);
  return div(t, add(abs(t), 1));
};

/** x − tanh(x). */
export const tanhshrink = (x: Tensor): Tensor => {
  const t = flt("tanhshrink", x);
  return sub(t, tanh(t));
};

/** 0 for x ≤ −3, 1 for x ≥ 3, x/6 + ½ between (zero gradient at ±3, as PyTorch). */
export function hardsigmoid(x: Tensor): Tensor {
  const t = flt("hardsigmoid", x);
  return where(le(t, -3), 0, where(ge(t, 3), 1, add(div(t, 6), 0.5)));
}

/** x·hardsigmoid(x); the gradient at −3 and 3 is PyTorch's (x/3 + ½). */
export function hardswish(x: Tensor): Tensor {
  const t = flt("hardswish", x);
  return where(lt(t, -3), 0, where(le(t, 3), div(mul(t, add(t, 3)), 6), t));
}

function checkLambd(op: string, lambd: number): void {
  if (!(lambd >= 0)) fail(op, `lambd must be >= 0, got ${lambd}`);
}

/** x − λ above λ, x + λ below −λ, 0 between. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  checkLambd("softshrink", lambd);
  const t = flt("softshrink", x);
  return where(gt(t, lambd), sub(t, lambd), where(lt(t, -lambd), add(t, lambd), 0));
}

/** 0 for −λ ≤ x ≤ λ, x elsewhere. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  checkLambd("hardshrink", lambd);
  const t = flt("hardshrink", x);
  return where(logicalAnd(ge(t, -lambd), le(t, lambd)), 0, t);
}

/** log(p / (1 − p)); with eps, p is first clamped into [eps, 1 − eps]. */
export function logit(x: Tensor, eps?: number | null): Tensor {
  const t = flt("logit", x);
  const p = eps === undefined || eps === null ? t : clamp(t, eps, 1 - eps);
  return log(div(p, sub(1, p)));
}

// ---- rounding and special values ----

/** Rounds toward zero. */
export function trunc(x: Tensor): Tensor {
  const t = tensorArg("trunc", x);
  return isFloat(t.dtype) ? where(lt(t, 0), ceil(t), floor(t)) : floor(t);
}
/** x − trunc(x), with x's sign. */
export const frac = (x: Tensor): Tensor => sub(tensorArg("frac", x), trunc(x));
/** Python's a // b (torch.floor_divide): div with roundingMode "floor". */
export const floorDivide = (a: TensorLike, b: TensorLike): Tensor => div(a, b, { roundingMode: "floor" });

/** Neither NaN nor ±inf. */
export const isfinite = (x: Tensor): Tensor =>
  logicalNot(logicalOr(isnan(tensorArg("isfinite", x)), isinf(x)));

export interface NanToNumOptions {
  nan?: number;
  /** default: the dtype's largest finite value */
  posinf?: number;
  /** default: the dtype's most negative finite value */
  neginf?: number;
}

/** Replaces NaN, +inf and −inf; the gradient passes only where x was finite. */
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  const t = tensorArg("nanToNum", x);
  if (!isFloat(t.dtype)) return t.clone();
  const big = t.dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const { nan = 0, posinf = big, neginf = -big } = opts;
  return where(isnan(t), nan, where(eq(t, Infinity), posinf, where(eq(t, -Infinity), neginf, t)));
}

// ---- trigonometric and hyperbolic ----

export const tan = (x: Tensor): Tensor => {
  const t = flt("tan", x);
  return div(sin(t), cos(t));
};
export const atan = (x: Tensor): Tensor => atan2(flt("atan", x), 1);
/** √(1 − x²) as √((1 − x)(1 + x)), accurate near ±1; NaN outside [−1, 1]. */
const cosOfAsin = (t: Tensor) => sqrt(mul(sub(1, t), add(t, 1)));
export const asin = (x: Tensor): Tensor => {
  const t = flt("asin", x);
  return atan2(t, cosOfAsin(t));
};
export const acos = (x: Tensor): Tensor => {
  const t = flt("acos", x);
  return atan2(cosOfAsin(t), t);
};
/** (eˣ − e⁻ˣ)/2 from expm1, so tiny x keeps its precision. */
export const sinh = (x: Tensor): Tensor => {
  const t = flt("sinh", x);
  return div(sub(expm1(t), expm1(neg(t))), 2);
};
export const cosh = (x: Tensor): Tensor => {
  const t = flt("cosh", x);
  return div(add(exp(t), exp(neg(t))), 2);
};

/** Beyond this, acosh(x) and asinh(x) equal ln(2x) to double precision (and x² could overflow). */
const HUGE = 2 ** 28;

/** log(x + √(x² + 1)) written with log1p for accuracy near 0, and odd-symmetric. */
export function asinh(x: Tensor): Tensor {
  const t = flt("asinh", x);
  const negative = lt(t, 0);
  const a = where(negative, neg(t), t); // |x| with gradient +1 at 0
  const huge = gt(a, HUGE);
  // each branch sees harmless inputs where the other is taken, so no inf·0 = NaN reaches the gradient
  const s = where(huge, 0, a);
  const small = log1p(add(s, div(mul(s, s), add(sqrt(add(mul(s, s), 1)), 1))));
  const y = where(huge, add(log(where(huge, a, 1)), Math.LN2), small);
  return where(negative, neg(y), y);
}

/** log(x + √(x² − 1)) = log1p((x − 1) + √((x − 1)(x + 1))); NaN below 1. */
export function acosh(x: Tensor): Tensor {
  const t = flt("acosh", x);
  const huge = gt(t, HUGE);
  const s = where(huge, 1, t);
  const m = sub(s, 1);
  const small = log1p(add(m, sqrt(mul(m, add(s, 1)))));
  return where(huge, add(log(where(huge, t, 1)), Math.LN2), small);
}

/** ½(log1p(x) − log1p(−x)); NaN outside [−1, 1]. */
export const atanh = (x: Tensor): Tensor => {
  const t = flt("atanh", x);
  return mul(sub(log1p(t), log1p(neg(t))), 0.5);
};

// ---- logarithms, exponentials and other binary/ternary math ----

export const log2 = (x: Tensor): Tensor => div(log(flt("log2", x)), Math.LN2);
export const log10 = (x: Tensor): Tensor => div(log(flt("log10", x)), Math.LN10);
export const exp2 = (x: Tensor): Tensor => pow(2, flt("exp2", x));

/** √(a² + b²). */
export function hypot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = align("hypot", [a, b], "float32");
  return sqrt(add(mul(x!, x!), mul(y!, y!)));
}

/** start + weight·(end − start). */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  const [s, e] = align("lerp", [tensorArg("lerp", start), end], "float32");
  return add(s!, mul(weight, sub(e!, s!)));
}

/** x·log(y), and 0 where x = 0 (unless y is NaN), so 0·log(0) = 0; d/dx is log(y) even at x = 0. */
export function xlogy(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = align("xlogy", [a, b], "float32");
  const xZero = eq(x!, 0);
  // log sees 1 where x = 0 and y ≤ 0, which gives the value 0 and PyTorch's zero gradient there
  const prod = mul(x!, log(where(logicalAnd(xZero, le(y!, 0)), 1, y!)));
  return where(logicalAnd(xZero, eq(y!, Infinity)), 0, prod); // 0·log(inf) is 0, not NaN
}

/** log(eᵃ + eᵇ) = max(a, b) + log1p(e^−|a−b|), without overflow. */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = align("logaddexp", [a, b], "float32");
  const m = maximum(x!, y!);
  const out = add(m, log1p(exp(neg(abs(sub(x!, y!))))));
  // equal infinities: −|inf − inf| is NaN, but the answer is the infinity itself
  return where(logicalAnd(isinf(m), eq(x!, y!)), m, out);
}

export interface AddcOptions {
  value?: number;
}
/** input + value·t1·t2. */
export const addcmul = (input: Tensor, t1: TensorLike, t2: TensorLike, opts: AddcOptions = {}): Tensor =>
  add(tensorArg("addcmul", input), mul(mul(t1, t2), opts.value ?? 1));
/** input + value·t1/t2. */
export const addcdiv = (input: Tensor, t1: TensorLike, t2: TensorLike, opts: AddcOptions = {}): Tensor =>
  add(tensorArg("addcdiv", input), mul(div(t1, t2), opts.value ?? 1));

declare module "./tensor.js" {
  interface Tensor {
    clamp(min?: Bound, max?: Bound): Tensor;
    clampMin(min: TensorLike): Tensor;
    clampMax(max: TensorLike): Tensor;
    clip(min?: Bound, max?: Bound): Tensor;
    hardtanh(minVal?: number, maxVal?: number): Tensor;
    relu6(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    selu(): Tensor;
    celu(alpha?: number): Tensor;
    threshold(threshold: number, value: number): Tensor;
    gelu(opts?: GeluOptions): Tensor;
    silu(): Tensor;
    softplus(opts?: SoftplusOptions): Tensor;
    logSigmoid(): Tensor;
    mish(): Tensor;
    softsign(): Tensor;
    tanhshrink(): Tensor;
    hardsigmoid(): Tensor;
    hardswish(): Tensor;
    softshrink(lambd?: number): Tensor;
    hardshrink(lambd?: number): Tensor;
    logit(eps?: number | null): Tensor;
    trunc(): Tensor;
    frac(): Tensor;
    floorDivide(other: TensorLike): Tensor;
    isfinite(): Tensor;
    nanToNum(opts?: NanToNumOptions): Tensor;
    tan(): Tensor;
    atan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    exp2(): Tensor;
    hypot(other: TensorLike): Tensor;
    lerp(end: TensorLike, weight: TensorLike): Tensor;
    xlogy(other: TensorLike): Tensor;
    logaddexp(other: TensorLike): Tensor;
    addcmul(t1: TensorLike, t2: TensorLike, opts?: AddcOptions): Tensor;
    addcdiv(t1: TensorLike, t2: TensorLike, opts?: AddcOptions): Tensor;
  }
}

const unaries: Record<string, (x: Tensor) => Tensor> = {
  relu6, selu, silu, logSigmoid, mish, softsign, tanhshrink, hardsigmoid, hardswish, trunc, frac,
  isfinite, tan, atan, asin, acos, sinh, cosh, asinh, acosh, atanh, log2, log10, exp2,
}; // prettier-ignore
const binaries: Record<string, (a: Tensor, b: TensorLike) => Tensor> = {
  clampMin, clampMax, floorDivide, hypot, xlogy, logaddexp,
}; // prettier-ignore
for (const [name, f] of Object.entries(unaries))
  (Tensor.prototype as unknown as Record<string, (this: Tensor) => Tensor>)[name] = function () {
    return f(this);
  };
for (const [name, f] of Object.entries(binaries))
  (Tensor.prototype as unknown as Record<string, (this: Tensor, o: TensorLike) => Tensor>)[name] = function (
    o,
  ) {
    return f(this, o);
  };
Object.assign(Tensor.prototype, {
  clamp(this: Tensor, min?: Bound, max?: Bound) { return clamp(this, min, max); },
  clip(this: Tensor, min?: Bound, max?: Bound) { return clamp(this, min, max); },
  hardtanh(this: Tensor, lo?: number, hi?: number) { return hardtanh(this, lo, hi); },
  leakyRelu(this: Tensor, s?: number) { return leakyRelu(this, s); },
  elu(this: Tensor, alpha?: number) { return elu(this, alpha); },
  celu(this: Tensor, alpha?: number) { return celu(this, alpha); },
  threshold(this: Tensor, th: number, v: number) { return threshold(this, th, v); },
  gelu(this: Tensor, opts?: GeluOptions) { return gelu(this, opts); },
  softplus(this: Tensor, opts?: SoftplusOptions) { return softplus(this, opts); },
  softshrink(this: Tensor, l?: number) { return softshrink(this, l); },
  hardshrink(this: Tensor, l?: number) { return hardshrink(this, l); },
  logit(this: Tensor, eps?: number | null) { return logit(this, eps); },
  nanToNum(this: Tensor, opts?: NanToNumOptions) { return nanToNum(this, opts); },
  lerp(this: Tensor, end: TensorLike, w: TensorLike) { return lerp(this, end, w); },
  addcmul(this: Tensor, a: TensorLike, b: TensorLike, o?: AddcOptions) { return addcmul(this, a, b, o); },
  addcdiv(this: Tensor, a: TensorLike, b: TensorLike, o?: AddcOptions) { return addcdiv(this, a, b, o); },
}); // prettier-ignore
