// fill, copy (strided to strided with a dtype cast) and where, for every dtype: these only move
// bits or apply JS's conversion rules, so one generic loop per element type serves them all.
import { iterNext, iterStart, o0, o1, o2, o3, rowN, s0, s1, s2, s3 } from "./iter";

// dtype codes shared with the JS side: float32, float64, int32, bool
export const F32 = 0;
export const F64 = 1;
export const I32 = 2;
export const U8 = 3;

/** Writes `value` (already in the destination's representation) into every element of view 0. */
function fillRows<T>(dst: usize, value: T, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    const s = s0;
    let q = dst + (<usize>o0 << alignof<T>());
    if (s == 1 && n >= 16) {
      let v: v128;
      if (sizeof<T>() == 8) v = f64x2.splat(<f64>value);
      else if (sizeof<T>() == 4) v = i32x4.splat(<i32>value);
      else v = i8x16.splat(<i8>value);
      const per = <i32>(16 / sizeof<T>());
      let i = 0;
      for (; i + per <= n; i += per, q += 16) v128.store(q, v);
      for (; i < n; i++, q += sizeof<T>()) store<T>(q, value);
    } else {
      const step = <usize>s << alignof<T>();
      for (let i = 0; i < n; i++, q += step) store<T>(q, value);
    }
  } while (iterNext());
}

export function fill32(dst: usize, bits: i32, args: usize): void {
  fillRows<i32>(dst, bits, args);
}
export function fill64(dst: usize, value: f64, args: usize): void {
  fillRows<f64>(dst, value, args);
}
export function fill8(dst: usize, value: i32, args: usize): void {
  fillRows<u8>(dst, <u8>value, args);
}

/** JS's ToInt32 (what storing into an Int32Array does): truncate, wrap modulo 2^32, NaN and ±∞ to 0. */
@inline function toInt32(x: f64): i32 {
  if (Math.abs(x) < 2147483648.0) return <i32>x;
  if (!isFinite(x)) return 0;
  const m = Math.trunc(x) % 4294967296.0; // exact: fmod
  return <i32>(<i64>m);
}

@inline function same<S, D>(): bool {
  return sizeof<S>() == sizeof<D>() && isFloat<S>() == isFloat<D>() && isSigned<S>() == isSigned<D>();
}

/** Converts one value from S to D with the reference backend's rules (bool is 0/1, int32 wraps). */
@inline function convert<S, D>(v: S): D {
  if (isBoolean<D>() || (isInteger<D>() && sizeof<D>() == 1)) return <D>(v != 0 ? 1 : 0);
  if (isFloat<S>() && isInteger<D>()) return <D>toInt32(<f64>v);
  return <D>v;
}

function copyRows<S, D>(src: usize, dst: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let p = src + (<usize>o0 << alignof<S>());
    let q = dst + (<usize>o1 << alignof<D>());
    if (same<S, D>() && s0 == 1 && s1 == 1) {
      memory.copy(q, p, <usize>n << alignof<S>());
      continue;
    }
    const sp = <usize>s0 << alignof<S>();
    const sq = <usize>s1 << alignof<D>();
    for (let i = 0; i < n; i++, p += sp, q += sq) store<D>(q, convert<S, D>(load<S>(p)));
  } while (iterNext());
}

@inline function copyFrom<S>(dt: i32, src: usize, dst: usize, args: usize): void {
  switch (dt) {
    case F32:
      copyRows<S, f32>(src, dst, args);
      break;
    case F64:
      copyRows<S, f64>(src, dst, args);
      break;
    case I32:
      copyRows<S, i32>(src, dst, args);
      break;
    default:
      copyRows<S, u8>(src, dst, args);
  }
}

/** dst[i] = cast(src[i]) over the common shape; view 0 is src, view 1 is dst. */
export function copy(st: i32, src: usize, dt: i32, dst: usize, args: usize): void {
  switch (st) {
    case F32:
      copyFrom<f32>(dt, src, dst, args);
      break;
    case F64:
      copyFrom<f64>(dt, src, dst, args);
      break;
    case I32:
      copyFrom<i32>(dt, src, dst, args);
      break;
    default:
      copyFrom<u8>(dt, src, dst, args);
  }
}

/** out = cond ? a : b, moving T's bits; views: 0 cond (bool), 1 a, 2 b, 3 out. */
function whereRows<T>(cond: usize, a: usize, b: usize, out: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let pc = cond + <usize>o0;
    let pa = a + (<usize>o1 << alignof<T>());
    let pb = b + (<usize>o2 << alignof<T>());
    let q = out + (<usize>o3 << alignof<T>());
    const sc = <usize>s0;
    const sa = <usize>s1 << alignof<T>();
    const sb = <usize>s2 << alignof<T>();
    const sq = <usize>s3 << alignof<T>();
    for (let i = 0; i < n; i++, pc += sc, pa += sa, pb += sb, q += sq)
      store<T>(q, load<u8>(pc) != 0 ? load<T>(pa) : load<T>(pb));
  } while (iterNext());
}

export function where(width: i32, cond: usize, a: usize, b: usize, out: usize, args: usize): void {
  if (width == 4) whereRows<u32>(cond, a, b, out, args);
  else if (width == 8) whereRows<u64>(cond, a, b, out, args);
  else whereRows<u8>(cond, a, b, out, args);
}
