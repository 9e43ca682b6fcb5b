// gather and scatterAdd along one axis, walked by the odometer over the index's shape. Views:
// 0 the data with the axis stride zeroed, 1 the int32 index, 2 the other operand. An index outside
// [0, n) stops the kernel and is reported through badIndex() so JS can throw the reference's error.
import { iterNext, iterStart, o0, o1, o2, rowN, s0, s1, s2 } from "./iter";

let bad: i32 = 0;

/** The out-of-bounds index that made the last gather/scatterAdd return false. */
export function badIndex(): i32 {
  return bad;
}

function gatherRows<T>(x: usize, sAxis: i32, n: i32, index: usize, out: usize, args: usize): bool {
  iterStart(args);
  do {
    const cnt = rowN;
    let p = o0;
    let pi = index + (<usize>o1 << 2);
    let q = out + (<usize>o2 << alignof<T>());
    const si = <usize>s1 << 2;
    const sq = <usize>s2 << alignof<T>();
    for (let k = 0; k < cnt; k++, p += s0, pi += si, q += sq) {
      const i = load<i32>(pi);
      if (<u32>i >= <u32>n) {
        bad = i;
        return false;
      }
      store<T>(q, load<T>(x + (<usize>(p + i * sAxis) << alignof<T>())));
    }
  } while (iterNext());
  return true;
}

/** out[k] = x[base(k) + index[k]·sAxis] for elements of `width` bytes (1, 4 or 8). */
export function gather(width: i32, x: usize, sAxis: i32, n: i32, index: usize, out: usize, args: usize): bool {
  if (width == 4) return gatherRows<u32>(x, sAxis, n, index, out, args);
  if (width == 8) return gatherRows<u64>(x, sAxis, n, index, out, args);
  return gatherRows<u8>(x, sAxis, n, index, out, args);
}

function scatterRows<T>(dst: usize, sAxis: i32, n: i32, index: usize, src: usize, args: usize): bool {
  iterStart(args, false); // repeated indices must add in the reference's order
  do {
    const cnt = rowN;
    let p = o0;
    let pi = index + (<usize>o1 << 2);
    let ps = src + (<usize>o2 << alignof<T>());
    const si = <usize>s1 << 2;
    const ss = <usize>s2 << alignof<T>();
    for (let k = 0; k < cnt; k++, p += s0, pi += si, ps += ss) {
      const i = load<i32>(pi);
      if (<u32>i >= <u32>n) {
        bad = i;
        return false;
      }
      const q = dst + (<usize>(p + i * sAxis) << alignof<T>());
      store<T>(q, load<T>(q) + load<T>(ps));
    }
  } while (iterNext());
  return true;
}

/** dst[base(k) + index[k]·sAxis] += src[k]; dtype 0 float32, 1 float64, 2 int32 (wrapping). */
export function scatterAdd(dtype: i32, dst: usize, sAxis: i32, n: i32, index: usize, src: usize, args: usize): bool {
  if (dtype == 0) return scatterRows<f32>(dst, sAxis, n, index, src, args);
  if (dtype == 1) return scatterRows<f64>(dst, sAxis, n, index, src, args);
  return scatterRows<i32>(dst, sAxis, n, index, src, args);
}
