// SIMD exp, sigmoid, tanh and GELU's tanh approximation (and its derivative) for float32 lanes. Each pair of lanes is widened to float64, where a
// short polynomial is far more accurate than float32 needs, then rounded once: the results match
// a correctly rounded float32 to within an ulp, and float64's range makes float32's overflow,
// underflow and subnormals come out right from the final rounding alone.

const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
/** |x| beyond this is ±∞ or 0 once rounded to float32, and 2^n stays a normal float64. */
const LIMIT = 110.0;

/** 1.5·2^52: adding it rounds a float64 below 2^51 to an integer, which lands in the low mantissa bits. */
const ROUND = 6755399441055744.0;

/** e^x for two float64 lanes with |x| ≤ LIMIT (NaN passes through). */
@inline function exp2Lanes(x: v128): v128 {
  // x = n·ln2 + r with |r| ≤ ln2/2, so e^x = 2^n · e^r
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(ROUND));
  const n = f64x2.sub(t, f64x2.splat(ROUND));
  const r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2)));
  // e^r by its Taylor series to r^8/8!: the remainder is below 3e-10 relative for |r| ≤ 0.35
  let p = f64x2.splat(1.0 / 40320);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n from its exponent bits: t's low bits hold n, and the shift drops everything above them
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return f64x2.mul(p, scale);
}

/** x limited to [−LIMIT, LIMIT]; pmin/pmax (single instructions) keep a NaN x as it is. */
@inline function clamp(x: v128): v128 {
  return f64x2.pmax(f64x2.pmin(x, f64x2.splat(LIMIT)), f64x2.splat(-LIMIT));
}

@inline function low(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}
@inline function high(x: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1));
}
@inline function join(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline function exp64(x: v128): v128 {
  return exp2Lanes(clamp(x));
}

/** 1 / (1 + e^-x) */
@inline function sigmoid64(x: v128): v128 {
  const one = f64x2.splat(1);
  return f64x2.div(one, f64x2.add(one, exp2Lanes(clamp(f64x2.neg(x)))));
}

/** tanh x = sign(x)·(1 − 2/(e^(2|x|) + 1)), or its odd Taylor series near 0 (no cancellation). */
@inline function tanh64(x: v128): v128 {
  const a = f64x2.abs(x);
  const one = f64x2.splat(1);
  const big = f64x2.sub(one, f64x2.div(f64x2.splat(2), f64x2.add(exp2Lanes(clamp(f64x2.add(a, a))), one)));
  const signed = v128.or(big, v128.and(x, f64x2.splat(-0.0)));
  // x − x³/3 + 2x⁵/15: below |x| = 0.004 its error is under 1e-16 relative
  const x2 = f64x2.mul(x, x);
  const poly = f64x2.add(f64x2.mul(x2, f64x2.splat(2.0 / 15)), f64x2.splat(-1.0 / 3));
  const small = f64x2.add(x, f64x2.mul(f64x2.mul(x, x2), poly));
  return v128.bitselect(small, signed, f64x2.lt(a, f64x2.splat(0.004)));
}

@inline export function expV(x: v128): v128 {
  return join(exp64(low(x)), exp64(high(x)));
}
@inline export function sigmoidV(x: v128): v128 {
  return join(sigmoid64(low(x)), sigmoid64(high(x)));
}
@inline export function tanhV(x: v128): v128 {
  return join(tanh64(low(x)), tanh64(high(x)));
}

const GELU_K = 0.7978845608028654; // √(2/π)
const GELU_C = 0.044715;

/** ½x(1 + t) and its derivative ½(1 + t) + ½x(1 − t²)·k(1 + 3cx²), t = tanh(k(x + cx³)). */
@inline function gelu64(x: v128, grad: bool): v128 {
  const half = f64x2.splat(0.5);
  const one = f64x2.splat(1);
  const x2 = f64x2.mul(x, x);
  const t = tanh64(f64x2.mul(f64x2.splat(GELU_K), f64x2.add(x, f64x2.mul(f64x2.splat(GELU_C), f64x2.mul(x2, x)))));
  if (!grad) return f64x2.mul(f64x2.mul(half, x), f64x2.add(one, t));
  const slope = f64x2.mul(f64x2.splat(GELU_K), f64x2.add(one, f64x2.mul(f64x2.splat(3 * GELU_C), x2)));
  const sech2 = f64x2.sub(one, f64x2.mul(t, t));
  return f64x2.add(f64x2.mul(half, f64x2.add(one, t)), f64x2.mul(f64x2.mul(half, x), f64x2.mul(sech2, slope)));
}

@inline export function geluTanhV(x: v128): v128 {
  return join(gelu64(low(x), false), gelu64(high(x), false));
}
@inline export function geluTanhGradV(x: v128): v128 {
  return join(gelu64(low(x), true), gelu64(high(x), true));
}
