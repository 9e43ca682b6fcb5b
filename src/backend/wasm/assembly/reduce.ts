// float32 reductions (sum, prod, max, min, argmax, argmin) and inclusive scans. The JS side splits
// the dims into a reduced group and a kept group, each walked as rows of (start offsets, n, stride),
// as the reference backend does. Sums and products accumulate in float64 like the reference; the
// SIMD paths widen four float32 lanes into two float64x2 accumulators.
import { iterNext, iterStart, o0, o1, rowN, s0, s1 } from "./iter";

const SUM = 0;
const PROD = 1;
const MAX = 2;
const MIN = 3;
const ARGMAX = 4;
const ARGMIN = 5;

@inline function identity(op: i32): f64 {
  if (op == SUM) return 0;
  if (op == PROD) return 1;
  if (op == MAX || op == ARGMAX) return -Infinity;
  return Infinity;
}

/** Σ of n contiguous float32 at p, in float64. */
function sumContig(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8, p += 32) {
    const u = v128.load(p);
    const v = v128.load(p, 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(u));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(u, u, 2, 3, 0, 1)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let acc = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++, p += 4) acc += <f64>load<f32>(p);
  return acc;
}

/**
 * max (or min) of n contiguous float32 at p combined with acc; NaN anywhere gives NaN. The loop
 * compares with pmax/pmin (one instruction each, where NaN-propagating max/min take several)
 * and remembers a NaN by or-ing x ≠ x aside.
 */
export function extremeContig(isMax: bool, p: usize, n: i32, acc: f32): f32 {
  let i = 0;
  if (n >= 8) {
    let m0 = f32x4.splat(acc);
    let m1 = m0;
    let nan = i32x4.splat(0);
    for (; i + 8 <= n; i += 8, p += 32) {
      const u = v128.load(p);
      const v = v128.load(p, 16);
      nan = v128.or(nan, v128.or(f32x4.ne(u, u), f32x4.ne(v, v)));
      if (isMax) {
        m0 = f32x4.pmax(m0, u);
        m1 = f32x4.pmax(m1, v);
      } else {
        m0 = f32x4.pmin(m0, u);
        m1 = f32x4.pmin(m1, v);
      }
    }
    if (v128.any_true(nan)) return NaN;
  const m = isMax ? f32x4.max(m0, m1) : f32x4.min(m0, m1);
    acc = lanesExtreme(isMax, m, acc);
  }
  if (acc != acc) return acc;
  for (; i < n; i++, p += 4) {
    const v = load<f32>(p);
    if (v != v) return v;
    if (isMax ? v > acc : v < acc) acc = v;
  }
  return acc;
}

@inline function lanesExtreme(isMax: bool, m: v128, acc: f32): f32 {
  const a = f32x4.extract_lane(m, 0);
  const b = f32x4.extract_lane(m, 1);
  const c = f32x4.extract_lane(m, 2);
  const d = f32x4.extract_lane(m, 3);
  return isMax ? max(max(a, b), max(max(c, d), acc)) : min(min(a, b), min(min(c, d), acc));
}

/**
 * One output per kept position, each reduced over the rows (rStarts[nr], rn, rs) of the reduced
 * group; kept positions are the rows (kStarts[nk], kn, ks). out is contiguous, float32 or int32.
 */
export function reduceInner(
  op: i32,
  x: usize,
  rStarts: usize,
  nr: i32,
  rn: i32,
  rs: i32,
  kStarts: usize,
  nk: i32,
  kn: i32,
  ks: i32,
  out: usize,
): void {
  let q = out;
  for (let kr = 0; kr < nk; kr++) {
    let base = load<i32>(kStarts + (<usize>kr << 2));
    for (let ki = 0; ki < kn; ki++, base += ks, q += 4) {
      let acc = identity(op);
      let at = 0;
      for (let r = 0; r < nr; r++) {
        const start = base + load<i32>(rStarts + (<usize>r << 2));
        let p = x + (<usize>start << 2);
        const step = <usize>rs << 2;
        if (op == SUM) {
          if (rs == 1) acc += sumContig(p, rn);
          else for (let j = 0; j < rn; j++, p += step) acc += <f64>load<f32>(p);
        } else if (op == PROD) {
          for (let j = 0; j < rn; j++, p += step) acc *= <f64>load<f32>(p);
        } else if (op == MAX || op == MIN) {
          const isMax = op == MAX;
          if (rs == 1) acc = <f64>extremeContig(isMax, p, rn, <f32>acc);
          else
            for (let j = 0; j < rn; j++, p += step) {
              const v = <f64>load<f32>(p);
              if (v != v || (isMax ? v > acc : v < acc)) acc = v;
            }
        } else {
          // argmax/argmin: the first extreme value, or the first NaN (which ends the search)
          const isMax = op == ARGMAX;
          for (let j = 0; j < rn && acc == acc; j++, p += step) {
            const v = <f64>load<f32>(p);
            if (v != v || (isMax ? v > acc : v < acc)) {
              acc = v;
              at = r * rn + j;
            }
          }
        }
      }
      if (op == ARGMAX || op == ARGMIN) store<i32>(q, at);
      else store<f32>(q, <f32>acc);
    }
  }
}

/**
 * Row-by-row accumulation for reductions over outer dims: every reduced offset rOffs[nro] adds a
 * whole kept row set into `acc` (float64, one per output; `at` int32 for arg ops), then out gets it.
 */
export function reduceOuter(
  op: i32,
  x: usize,
  rOffs: usize,
  nro: i32,
  kStarts: usize,
  nk: i32,
  kn: i32,
  ks: i32,
  acc: usize,
  at: usize,
  out: usize,
  size: i32,
): void {
  const id = identity(op);
  for (let i = 0; i < size; i++) store<f64>(acc + (<usize>i << 3), id);
  if (op == ARGMAX || op == ARGMIN) memory.fill(at, 0, <usize>size << 2);
  const step = <usize>ks << 2;
  for (let r = 0; r < nro; r++) {
    const rOff = load<i32>(rOffs + (<usize>r << 2));
    let pa = acc;
    let pi = at;
    for (let kr = 0; kr < nk; kr++) {
      let p = x + (<usize>(rOff + load<i32>(kStarts + (<usize>kr << 2))) << 2);
      let i = 0;
      if (ks == 1 && (op == SUM || op == MAX || op == MIN)) {
        for (; i + 4 <= kn; i += 4, p += 16, pa += 32) {
          const u = v128.load(p);
          const lo = f64x2.promote_low_f32x4(u);
          const hi = f64x2.promote_low_f32x4(i32x4.shuffle(u, u, 2, 3, 0, 1));
          const c0 = v128.load(pa);
          const c1 = v128.load(pa, 16);
          if (op == SUM) {
            v128.store(pa, f64x2.add(c0, lo));
            v128.store(pa, f64x2.add(c1, hi), 16);
          } else if (op == MAX) {
            v128.store(pa, f64x2.max(c0, lo));
            v128.store(pa, f64x2.max(c1, hi), 16);
          } else {
            v128.store(pa, f64x2.min(c0, lo));
            v128.store(pa, f64x2.min(c1, hi), 16);
          }
        }
        pi += <usize>i << 2;
      }
      for (; i < kn; i++, p += step, pa += 8, pi += 4) {
        const v = <f64>load<f32>(p);
        const b = load<f64>(pa);
        if (op == SUM) store<f64>(pa, b + v);
        else if (op == PROD) store<f64>(pa, b * v);
        else if (op == MAX) {
          if (v > b || v != v) store<f64>(pa, v);
        } else if (op == MIN) {
          if (v < b || v != v) store<f64>(pa, v);
        } else if (b == b && (v != v || (op == ARGMAX ? v > b : v < b))) {
          store<f64>(pa, v);
          store<i32>(pi, r);
        }
      }
    }
  }
  if (op == ARGMAX || op == ARGMIN) memory.copy(out, at, <usize>size << 2);
  else for (let i = 0; i < size; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}

/**
 * Inclusive prefix sums (op 0) or products (op 1) of n elements along an axis with strides sx/so,
 * one line per element of the odometer over the other dims (views: 0 x, 1 out).
 */
export function scanF32(op: i32, x: usize, out: usize, n: i32, sx: i32, so: i32, args: usize): void {
  const stepx = <usize>sx << 2;
  const stepo = <usize>so << 2;
  iterStart(args);
  do {
    const cnt = rowN;
    for (let r = 0; r < cnt; r++) {
      let p = x + (<usize>(o0 + r * s0) << 2);
      let q = out + (<usize>(o1 + r * s1) << 2);
      let acc: f64 = op == 0 ? 0 : 1;
      for (let i = 0; i < n; i++, p += stepx, q += stepo) {
        if (op == 0) acc += <f64>load<f32>(p);
        else acc *= <f64>load<f32>(p);
        store<f32>(q, <f32>acc);
      }
    }
  } while (iterNext());
}
