// Shape algebra: sizes, contiguous strides, dim normalisation and NumPy broadcasting, with errors
// that name the op, the shapes and the rule.
import { fmtShape, shapeError } from "./errors.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Maps a possibly negative dim into [0, ndim); `ndim` 0 accepts -1 and 0 as PyTorch does. */
export function normDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n)
    shapeError(op, `dim ${dim} is out of range for a tensor of ${ndim} dims (expected ${-n}..${n - 1})`);
  return dim < 0 ? dim + n : dim;
}

export function normDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return [...Array(ndim).keys()];
  const list = typeof dims === "number" ? [dims] : [...dims];
  const out = list.map((d) => normDim(op, d, ndim));
  if (new Set(out).size !== out.length) shapeError(op, `dim ${fmtShape(list)} repeats a dim`);
  return out.sort((a, b) => a - b);
}

/** Broadcasts shapes by NumPy's rule: align on the right; each pair of dims is equal or one of them is 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const d = s[i]!;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j])
        shapeError(
          op,
          `cannot broadcast ${shapes.map(fmtShape).join(" and ")}: dim ${j - nd} has sizes ${out[j]} and ${d} (sizes must match or one must be 1)`,
        );
    }
  }
  return out;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(op: string, shape: readonly unknown[]): number[] {
  for (const d of shape)
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0)
      shapeError(op, `shape ${fmtShape(shape as number[])} must hold non-negative integers`);
  return shape as number[];
}
