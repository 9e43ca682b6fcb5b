// Strided row iteration shared by the kernels: an odometer over up to 4 same-shaped views whose
// dims were coalesced on the JS side. Each kernel walks rows of the innermost dim with tight loops.
//
// The argument block (i32 words, written by the JS side before each call):
//   [0] nd   [1..16] shape   [17 + 16·v + d] strides of view v   [81 + v] offset of view v
// Offsets and strides count elements of each view's own dtype.

export const MAXD = 16;
const SHAPE = 1;
const STRIDES = 17;
const OFFSETS = 81;
const INDEX = 96; // odometer counters live after the arguments

/** Current row: its length, the inner stride and start offset of each view. */
export let rowN = 0;
export let s0 = 0;
export let s1 = 0;
export let s2 = 0;
export let s3 = 0;
export let o0 = 0;
export let o1 = 0;
export let o2 = 0;
export let o3 = 0;

let nd = 0;
let argp: usize = 0;

@inline function word(i: i32): i32 {
  return load<i32>(argp + (<usize>i << 2));
}
@inline function stride(v: i32, d: i32): i32 {
  return word(STRIDES + (v << 4) + d);
}

/** Positions the iterator on the first row of the views described at `args`. */
export function iterStart(args: usize): void {
  argp = args;
  nd = word(0);
  o0 = word(OFFSETS);
  o1 = word(OFFSETS + 1);
  o2 = word(OFFSETS + 2);
  o3 = word(OFFSETS + 3);
  if (nd == 0) {
    // a 0-d view is one row of one element
    rowN = 1;
    s0 = s1 = s2 = s3 = 0;
    return;
  }
  const last = nd - 1;
  rowN = word(SHAPE + last);
  s0 = stride(0, last);
  s1 = stride(1, last);
  s2 = stride(2, last);
  s3 = stride(3, last);
  for (let d = 0; d < last; d++) store<i32>(argp + (<usize>(INDEX + d) << 2), 0);
}

/** Advances to the next row like an odometer over the outer dims; false after the last row. */
export function iterNext(): bool {
  for (let d = nd - 2; d >= 0; d--) {
    const ip = argp + (<usize>(INDEX + d) << 2);
    const i = load<i32>(ip) + 1;
    const a = stride(0, d);
    const b = stride(1, d);
    const c = stride(2, d);
    const e = stride(3, d);
    if (i < word(SHAPE + d)) {
      store<i32>(ip, i);
      o0 += a;
      o1 += b;
      o2 += c;
      o3 += e;
      return true;
    }
    // wrap this dim back to 0 and carry into the next outer one
    const back = i - 1;
    store<i32>(ip, 0);
    o0 -= a * back;
    o1 -= b * back;
    o2 -= c * back;
    o3 -= e * back;
  }
  return false;
}

/** Byte address of element `i` of a buffer at `base` with elements of 2^shift bytes. */
@inline export function at(base: usize, i: i32, shift: i32): usize {
  return base + (<usize>i << <usize>shift);
}
