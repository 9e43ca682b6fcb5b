// Strided row iteration shared by the kernels: an odometer over up to 4 same-shaped views whose
// dims were coalesced on the JS side. Each kernel walks rows of the innermost dim with tight loops.
// When a view walks its last two dims "transposed" (a larger stride on the last), the last two
// dims are visited in TILE×TILE tiles instead, so that view's reads stay within a few cache lines
// and pages; rows are then at most TILE long. Kernels see only rows either way.
//
// The argument block (i32 words, written by the JS side before each call):
//   [0] nd   [1..16] shape   [17 + 16·v + d] strides of view v   [81 + v] offset of view v
// Offsets and strides count elements of each view's own dtype.

export const MAXD = 16;
const SHAPE = 1;
const STRIDES = 17;
const OFFSETS = 81;
const INDEX = 96; // odometer counters live after the arguments
const TILE = 32;

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
// tiling of the last two dims: on/off, their sizes, the tile's corner and the row within it
let tiled = false;
let rows = 0;
let cols = 0;
let ti = 0;
let tj = 0;
let ri = 0;
// offsets of each view at the current position of the outer dims (those before the last two)
let b0 = 0;
let b1 = 0;
let b2 = 0;
let b3 = 0;

@inline function word(i: i32): i32 {
  return load<i32>(argp + (<usize>i << 2));
}
@inline function stride(v: i32, d: i32): i32 {
  return word(STRIDES + (v << 4) + d);
}
@inline function transposed(v: i32): bool {
  const r = abs(stride(v, nd - 2));
  return r != 0 && r < abs(stride(v, nd - 1));
}

/**
 * Positions the iterator on the first row of the views described at `args`. `mayTile` allows the
 * tiled order (kernels whose result depends on the visiting order, like scatterAdd, pass false).
 */
export function iterStart(args: usize, mayTile: bool = true): void {
  argp = args;
  nd = word(0);
  o0 = word(OFFSETS);
  o1 = word(OFFSETS + 1);
  o2 = word(OFFSETS + 2);
  o3 = word(OFFSETS + 3);
  tiled = false;
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
  if (mayTile && nd >= 2) {
    rows = word(SHAPE + nd - 2);
    cols = rowN;
    tiled = rows > TILE && cols > TILE && (transposed(0) || transposed(1) || transposed(2) || transposed(3));
    if (tiled) {
      b0 = o0;
      b1 = o1;
      b2 = o2;
      b3 = o3;
      ti = tj = ri = 0;
      rowN = TILE;
    }
  }
}

/** Advances to the next row; false after the last row. */
export function iterNext(): bool {
  if (tiled) return tileNext();
  return outerNext(nd - 2);
}

/** The odometer over dims [0, top]: moves o0..o3 by one step of the lowest dim that can move. */
function outerNext(top: i32): bool {
  for (let d = top; d >= 0; d--) {
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

/** Tiled order: rows of a tile, tiles along the last dim, tile rows, then the outer dims. */
function tileNext(): bool {
  const r = nd - 2;
  const c = nd - 1;
  if (++ri >= min(TILE, rows - ti)) {
    ri = 0;
    tj += TILE;
    if (tj >= cols) {
      tj = 0;
      ti += TILE;
      if (ti >= rows) {
        ti = 0;
        // next position of the outer dims
        o0 = b0;
        o1 = b1;
        o2 = b2;
        o3 = b3;
        if (!outerNext(nd - 3)) return false;
        b0 = o0;
        b1 = o1;
        b2 = o2;
        b3 = o3;
      }
    }
  }
  const i = ti + ri;
  o0 = b0 + i * stride(0, r) + tj * stride(0, c);
  o1 = b1 + i * stride(1, r) + tj * stride(1, c);
  o2 = b2 + i * stride(2, r) + tj * stride(2, c);
  o3 = b3 + i * stride(3, r) + tj * stride(3, c);
  rowN = min(TILE, cols - tj);
  return true;
}

/** Byte address of element `i` of a buffer at `base` with elements of 2^shift bytes. */
@inline export function at(base: usize, i: i32, shift: i32): usize {
  return base + (<usize>i << <usize>shift);
}
