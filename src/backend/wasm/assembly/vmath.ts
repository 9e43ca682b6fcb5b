// SIMD math for float32 lanes. exp, sigmoid and tanh widen each pair of lanes to float64, where a
// short polynomial is far more accurate than float32 needs, then rounded once: the results match
// a correctly rounded float32 to within an ulp, and float64's range makes float32's overflow,
// underflow and subnormals come out right from the final rounding alone. The fused kernels (GELU,
// softmax) use a float32 exp instead, for speed, within a few ulps.

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

// GELU's tanh approximation runs in float32 lanes: it is a fused kernel whose callers want speed,
// and the identity ½(1 + tanh u) = σ(2u) leaves no cancellation, so float32 arithmetic with a
// float32 exp stays within a few ulps (the tests bound it).

/** ln 2 in two parts: n·LN2_HI is exact for |n| ≤ 128, so r = x − n·ln2 loses nothing. */
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
/** 1.5·2^23: adding it rounds a float32 below 2^22 to an integer held in the low mantissa bits. */
const ROUND32: f32 = 12582912.0;
/** e^x overflows float32 above this, and is below its smallest normal under EXP_FLUSH. */
const EXP_OVER: f32 = 88.72283935546875;
const EXP_FLUSH: f32 = -87.33;

/** e^c for four float32 lanes already within [EXP_FLUSH, 88] (callers clamp): no range checks. */
@inline function expCore(c: v128): v128 {
  const t = f32x4.add(f32x4.mul(c, f32x4.splat(<f32>LOG2E)), f32x4.splat(ROUND32));
  const n = f32x4.sub(t, f32x4.splat(ROUND32));
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  // e^r by its Taylor series to r^7/7!: the remainder is below 6e-9 relative for |r| ≤ 0.35
  let p = f32x4.splat(<f32>(1.0 / 5040));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 720)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // 2^n from its exponent bits: t's low bits hold n, and the shift drops everything above them
  return f32x4.mul(p, i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23));
}

/**
 * e^x for four float32 lanes, within 2 ulps for normal results; results below float32's smallest
 * normal flush to 0, overflow gives +∞ and NaN passes through.
 */
@inline export function expF32(x: v128): v128 {
  const e = expCore(f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(EXP_FLUSH)));
  const over = f32x4.gt(x, f32x4.splat(EXP_OVER));
  return v128.bitselect(f32x4.splat(Infinity), v128.andnot(e, f32x4.lt(x, f32x4.splat(EXP_FLUSH))), over);
}

/** e^x for x ≤ 0 (or NaN), as softmax's shifted inputs are: expF32 without the overflow check. */
@inline export function expNonPositive(x: v128): v128 {
  const e = expCore(f32x4.pmax(x, f32x4.splat(EXP_FLUSH)));
  return v128.andnot(e, f32x4.lt(x, f32x4.splat(EXP_FLUSH)));
}

const GELU_K: f32 = 0.7978845608028654; // √(2/π)
const GELU_C: f32 = 0.044715;

/** −2u for u = k(x + cx³): GELU's one transcendental is e^(−2u). */
@inline function minus2u(x: v128, x2: v128): v128 {
  const u = f32x4.mul(f32x4.splat(GELU_K), f32x4.add(x, f32x4.mul(f32x4.mul(f32x4.splat(GELU_C), x2), x)));
  return f32x4.mul(u, f32x4.splat(-2));
}

/** ½x(1 + tanh u) = x·σ(2u) = x / (1 + e^(−2u)). */
@inline export function geluTanhV(x: v128): v128 {
  const e = expF32(minus2u(x, f32x4.mul(x, x)));
  return f32x4.div(x, f32x4.add(f32x4.splat(1), e));
}

/**
 * Its derivative ½(1 + t) + ½x(1 − t²)·k(1 + 3cx²) with t = tanh u, written with s = σ(2u):
 * s + x·s(1 − s)·2k(1 + 3cx²), where 1 − s = e^(−2u)·s (capped so that e·s stays finite).
 * Adding x·0 makes ±∞ give NaN, as the formula does in exact arithmetic (∞·0).
 */
@inline export function geluTanhGradV(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const e = expCore(f32x4.pmax(f32x4.pmin(minus2u(x, x2), f32x4.splat(88.0)), f32x4.splat(EXP_FLUSH)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  const slope = f32x4.mul(
    f32x4.splat(2 * GELU_K),
    f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * GELU_C), x2)),
  );
  const d = f32x4.add(s, f32x4.mul(f32x4.mul(x, f32x4.mul(e, s)), f32x4.mul(s, slope)));
  return f32x4.add(d, f32x4.mul(x, f32x4.splat(0)));
}
