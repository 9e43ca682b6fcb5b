// Fused float32 kernels over contiguous rows: softmax / logSoftmax (optionally causal) and layer
// norm with their backwards, and one Adam step. Layer norm's row sums accumulate in float64 (two
// float64x2 accumulators per four lanes), softmax's sum of exps in float32 lanes; every loop has a
// SIMD body and a scalar tail.
import { extremeContig } from "./reduce";
import { expNonPositive } from "./vmath";

@inline function lo(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}
@inline function hi(x: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1));
}
@inline function lanes(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** e^x of one lane, x ≤ 0 (the scalar tail of the SIMD exp, so both agree). */
@inline function exp1(x: f32): f32 {
  return f32x4.extract_lane(expNonPositive(f32x4.splat(x)), 0);
}

/**
 * Rows of x to out; with causalRows > 0 (softmax only) row r, the (r0 + r) mod causalRows-th query
 * of its stack, keeps only its first i + diagonal + 1 entries (the rest get 0; none kept gives NaN).
 */
export function softmaxF32(
  x: usize,
  out: usize,
  rows: i32,
  rowLength: i32,
  log: bool,
  causalRows: i32,
  diagonal: i32,
  r0: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const px = x + ((<usize>r * <usize>rowLength) << 2);
    const po = out + ((<usize>r * <usize>rowLength) << 2);
    let n = rowLength;
    if (causalRows > 0) {
      n = min(rowLength, max(0, ((r0 + r) % causalRows) + diagonal + 1));
      const rest = (<usize>(rowLength - n)) << 2;
      if (n == 0) {
        for (let j = 0; j < rowLength; j++) store<f32>(po + (<usize>j << 2), NaN);
        continue;
      }
      memory.fill(po + (<usize>n << 2), 0, rest);
    }
    const top = extremeContig(true, px, n, -Infinity);
    const vmax = f32x4.splat(top);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const e = expNonPositive(f32x4.sub(v128.load(px + (<usize>i << 2)), vmax));
      if (!log) v128.store(po + (<usize>i << 2), e);
      s0 = f32x4.add(s0, e);
    }
    let sum = <f64>f32x4.extract_lane(s0, 0) + <f64>f32x4.extract_lane(s0, 1) + <f64>f32x4.extract_lane(s0, 2) + <f64>f32x4.extract_lane(s0, 3);
    for (; i < n; i++) {
      const e = exp1(load<f32>(px + (<usize>i << 2)) - top);
      if (!log) store<f32>(po + (<usize>i << 2), e);
      sum += <f64>e;
    }
    i = 0;
    if (log) {
      // (x − max) − log Σ: the shift is rounded once, as float32 math on x would be
      const ls = f32x4.splat(<f32>Math.log(sum));
      for (; i + 4 <= n; i += 4)
        v128.store(po + (<usize>i << 2), f32x4.sub(f32x4.sub(v128.load(px + (<usize>i << 2)), vmax), ls));
      const l = <f32>Math.log(sum);
      for (; i < n; i++) store<f32>(po + (<usize>i << 2), load<f32>(px + (<usize>i << 2)) - top - l);
    } else {
      const inv = <f32>(1 / sum);
      const vi = f32x4.splat(inv);
      for (; i + 4 <= n; i += 4) v128.store(po + (<usize>i << 2), f32x4.mul(v128.load(po + (<usize>i << 2)), vi));
      for (; i < n; i++) store<f32>(po + (<usize>i << 2), load<f32>(po + (<usize>i << 2)) * inv);
    }
  }
}

export function softmaxBackwardF32(y: usize, dy: usize, out: usize, rows: i32, n: i32, log: bool): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>n) << 2;
    const py = y + off;
    const pg = dy + off;
    const po = out + off;
    // Σ dy·y (softmax) or Σ dy (logSoftmax)
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const g = v128.load(pg + (<usize>i << 2));
      const t = log ? g : f32x4.mul(g, v128.load(py + (<usize>i << 2)));
      s0 = f64x2.add(s0, lo(t));
      s1 = f64x2.add(s1, hi(t));
    }
    let dot = lanes(f64x2.add(s0, s1));
    for (; i < n; i++) {
      const g = load<f32>(pg + (<usize>i << 2));
      dot += <f64>(log ? g : g * load<f32>(py + (<usize>i << 2)));
    }
    const d = <f32>dot;
    const vd = f32x4.splat(d);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const g = v128.load(pg + (<usize>i << 2));
      const yv = v128.load(py + (<usize>i << 2));
      const v = log ? f32x4.sub(g, f32x4.mul(expNonPositive(yv), vd)) : f32x4.mul(yv, f32x4.sub(g, vd));
      v128.store(po + (<usize>i << 2), v);
    }
    for (; i < n; i++) {
      const g = load<f32>(pg + (<usize>i << 2));
      const yv = load<f32>(py + (<usize>i << 2));
      store<f32>(po + (<usize>i << 2), log ? g - exp1(yv) * d : yv * (g - d));
    }
  }
}

/** Σ over n float32 at p of (x − mu)², in float64. */
function centeredSquares(p: usize, n: i32, mu: f32): f64 {
  const vm = f32x4.splat(mu);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c = f32x4.sub(v128.load(p + (<usize>i << 2)), vm);
    const c0 = lo(c);
    const c1 = hi(c);
    s0 = f64x2.add(s0, f64x2.mul(c0, c0));
    s1 = f64x2.add(s1, f64x2.mul(c1, c1));
  }
  let s = lanes(f64x2.add(s0, s1));
  for (; i < n; i++) {
    const c = <f64>(load<f32>(p + (<usize>i << 2)) - mu);
    s += c * c;
  }
  return s;
}

function rowSum(p: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    s0 = f64x2.add(s0, lo(v));
    s1 = f64x2.add(s1, hi(v));
  }
  let s = lanes(f64x2.add(s0, s1));
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** Rows of x normalized to out; w and b are 0 when absent; mean and rstd get one float32 per row. */
export function layerNormF32(
  x: usize,
  w: usize,
  b: usize,
  eps: f64,
  out: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  n: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>n) << 2;
    const px = x + off;
    const po = out + off;
    const mu = <f32>(rowSum(px, n) / <f64>n);
    const rs = <f32>(1 / Math.sqrt(centeredSquares(px, n, mu) / <f64>n + eps));
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
    const vm = f32x4.splat(mu);
    const vr = f32x4.splat(rs);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let v = f32x4.mul(f32x4.sub(v128.load(px + at), vm), vr);
      if (w) v = f32x4.mul(v, v128.load(w + at));
      if (b) v = f32x4.add(v, v128.load(b + at));
      v128.store(po + at, v);
    }
    for (; i < n; i++) {
      const at = <usize>i << 2;
      let v = (load<f32>(px + at) - mu) * rs;
      if (w) v *= load<f32>(w + at);
      if (b) v += load<f32>(b + at);
      store<f32>(po + at, v);
    }
  }
}

/**
 * dx from x, mean, rstd, w (0 when absent) and dy; dw and db (0 when not wanted) get the column
 * sums of dy·x̂ and dy, accumulated row by row in float32.
 */
export function layerNormBackwardF32(
  x: usize,
  mean: usize,
  rstd: usize,
  w: usize,
  dy: usize,
  dx: usize,
  dw: usize,
  db: usize,
  rows: i32,
  n: i32,
): void {
  const bytes = <usize>n << 2;
  if (dw) memory.fill(dw, 0, bytes);
  if (db) memory.fill(db, 0, bytes);
  const inv = <f64>1 / <f64>n;
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>n) << 2;
    const px = x + off;
    const pg = dy + off;
    const po = dx + off;
    const mu = load<f32>(mean + (<usize>r << 2));
    const rs = load<f32>(rstd + (<usize>r << 2));
    const vm = f32x4.splat(mu);
    const vr = f32x4.splat(rs);
    // with ĝ = dy·w and x̂ = (x − mean)·rstd: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(px + at), vm), vr);
      const g = v128.load(pg + at);
      const gh = w ? f32x4.mul(g, v128.load(w + at)) : g;
      const gx = f32x4.mul(gh, xh);
      a0 = f64x2.add(a0, lo(gh));
      a1 = f64x2.add(a1, hi(gh));
      c0 = f64x2.add(c0, lo(gx));
      c1 = f64x2.add(c1, hi(gx));
      if (dw) v128.store(dw + at, f32x4.add(v128.load(dw + at), f32x4.mul(g, xh)));
      if (db) v128.store(db + at, f32x4.add(v128.load(db + at), g));
    }
    let sg = lanes(f64x2.add(a0, a1));
    let sgx = lanes(f64x2.add(c0, c1));
    for (; i < n; i++) {
      const at = <usize>i << 2;
      const xh = (load<f32>(px + at) - mu) * rs;
      const g = load<f32>(pg + at);
      const gh = w ? g * load<f32>(w + at) : g;
      sg += <f64>gh;
      sgx += <f64>(gh * xh);
      if (dw) store<f32>(dw + at, load<f32>(dw + at) + g * xh);
      if (db) store<f32>(db + at, load<f32>(db + at) + g);
    }
    const mg = <f32>(sg * inv);
    const mgx = <f32>(sgx * inv);
    const vmg = f32x4.splat(mg);
    const vmgx = f32x4.splat(mgx);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(px + at), vm), vr);
      const g = v128.load(pg + at);
      const gh = w ? f32x4.mul(g, v128.load(w + at)) : g;
      v128.store(po + at, f32x4.mul(vr, f32x4.sub(f32x4.sub(gh, vmg), f32x4.mul(xh, vmgx))));
    }
    for (; i < n; i++) {
      const at = <usize>i << 2;
      const xh = (load<f32>(px + at) - mu) * rs;
      const g = load<f32>(pg + at);
      const gh = w ? g * load<f32>(w + at) : g;
      store<f32>(po + at, rs * (gh - mg - xh * mgx));
    }
  }
}

const MAXIMIZE = 1;
const DECOUPLED = 2;
const DECAY = 4;

/**
 * One Adam step over n float32, the operations in the order (and float32 roundings) of the
 * separate kernels optim/adam.ts would run; vmax is 0 without AMSGrad. The scalars arrive
 * rounded to float32: decay = 1 − lr·wd, c1 = 1 − β1, c2 = 1 − β2, step = lr / (1 − β1^t).
 */
export function adamF32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vmax: usize,
  n: i32,
  flags: i32,
  decay: f32,
  wd: f32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  bias2: f32,
  eps: f32,
  step: f32,
): void {
  const vdecay = f32x4.splat(decay);
  const vwd = f32x4.splat(wd);
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2);
  const vbias2 = f32x4.splat(bias2);
  const veps = f32x4.splat(eps);
  const vstep = f32x4.splat(step);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let pv = v128.load(p + at);
    let d = v128.load(g + at);
    if (flags & MAXIMIZE) d = f32x4.neg(d);
    if (flags & DECAY) {
      if (flags & DECOUPLED) pv = f32x4.mul(pv, vdecay);
      else d = f32x4.add(d, f32x4.mul(pv, vwd));
    }
    const mv = f32x4.add(f32x4.mul(v128.load(m + at), vb1), f32x4.mul(d, vc1));
    let vv = f32x4.add(f32x4.mul(v128.load(v + at), vb2), f32x4.mul(f32x4.mul(d, d), vc2));
    v128.store(m + at, mv);
    v128.store(v + at, vv);
    if (vmax) {
      vv = f32x4.max(v128.load(vmax + at), vv);
      v128.store(vmax + at, vv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbias2), veps);
    v128.store(p + at, f32x4.sub(pv, f32x4.mul(f32x4.div(mv, denom), vstep)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let pv = load<f32>(p + at);
    let d = load<f32>(g + at);
    if (flags & MAXIMIZE) d = -d;
    if (flags & DECAY) {
      if (flags & DECOUPLED) pv = pv * decay;
      else d = d + pv * wd;
    }
    const mv = load<f32>(m + at) * b1 + d * c1;
    let vv = load<f32>(v + at) * b2 + d * d * c2;
    store<f32>(m + at, mv);
    store<f32>(v + at, vv);
    if (vmax) {
      vv = Mathf.max(load<f32>(vmax + at), vv);
      store<f32>(vmax + at, vv);
    }
    const denom = Mathf.sqrt(vv) / bias2 + eps;
    store<f32>(p + at, pv - (mv / denom) * step);
  }
}
