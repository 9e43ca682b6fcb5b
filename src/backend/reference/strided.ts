// Strided iteration for the reference backend: coalesces the dims of several same-shaped views and
// walks them row by row, so kernels run tight inner loops instead of per-element index math.

export interface Strided {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Merges adjacent dims that are laid out contiguously in every view; drops size-1 dims. */
export function coalesce(
  shape: readonly number[],
  views: readonly Strided[],
): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && views.every((v, k) => strides[k]![last] === v.strides[d]! * n)) {
      dims[last]! *= n;
      views.forEach((v, k) => (strides[k]![last] = v.strides[d]!));
    } else {
      dims.push(n);
      views.forEach((v, k) => strides[k]!.push(v.strides[d]!));
    }
  }
  return { shape: dims, strides };
}

/**
 * Calls `row(offsets, n, innerStrides)` once per innermost row of the common shape, where
 * offsets[k] is view k's buffer offset at the row's start. `offsets` is reused between calls.
 */
export function forEachRow(
  shape: readonly number[],
  views: readonly Strided[],
  row: (offsets: number[], n: number, inner: readonly number[]) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const c = coalesce(shape, views);
  const nd = c.shape.length;
  const offsets = views.map((v) => v.offset);
  if (nd === 0) {
    row(
      offsets,
      1,
      views.map(() => 0),
    );
    return;
  }
  const n = c.shape[nd - 1]!;
  const inner = c.strides.map((s) => s[nd - 1]!);
  const idx = new Array<number>(nd - 1).fill(0);
  const cur = offsets.slice();
  for (;;) {
    row(cur.slice(), n, inner);
    // advance the outer multi-index like an odometer
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < cur.length; k++) cur[k]! += c.strides[k]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let k = 0; k < cur.length; k++) cur[k]! -= c.strides[k]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** The buffer offset of every element of a view, in row-major order of its shape. */
export function offsetsOf(shape: readonly number[], v: Strided): Int32Array {
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Int32Array(size);
  let p = 0;
  forEachRow(shape, [v], (o, n, s) => {
    for (let i = 0, q = o[0]!; i < n; i++, q += s[0]!) out[p++] = q;
  });
  return out;
}
