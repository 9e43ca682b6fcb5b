// How a reduction walks a strided view, shared by every backend's reduce kernel: the reduced and the
// kept dims as merged groups, their sizes, and which group the tight inner loop runs along.
import type { View } from "./interface.js";
import { offsetsOf } from "./reference/strided.js";

/** A group of dims (the reduced ones, or the kept ones) as shape and strides. */
export interface Group {
  shape: number[];
  strides: number[];
}

/**
 * Merges adjacent dims of a group that are laid out contiguously with each other and drops size-1
 * dims. Row-major order within the group is preserved, so a linear index (argmax) stays valid.
 */
export function merge(shape: readonly number[], strides: readonly number[]): Group {
  const g: Group = { shape: [], strides: [] };
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 1) continue;
    const last = g.shape.length - 1;
    if (last >= 0 && g.strides[last] === strides[i]! * n) {
      g.shape[last]! *= n;
      g.strides[last] = strides[i]!;
    } else {
      g.shape.push(n);
      g.strides.push(strides[i]!);
    }
  }
  return g;
}

/** A group walked as rows: each row's start offset (relative), the row length and its stride. */
export interface Rows {
  starts: Int32Array;
  n: number;
  stride: number;
}

export function rowsOf(g: Group): Rows {
  const nd = g.shape.length;
  if (nd === 0) return { starts: new Int32Array(1), n: 1, stride: 0 };
  return {
    starts: offsetsOf(g.shape.slice(0, -1), { strides: g.strides.slice(0, -1), offset: 0 }),
    n: g.shape[nd - 1]!,
    stride: g.strides[nd - 1]!,
  };
}

/** Every element's offset (relative) within a group, in row-major order. */
export function offsetsOfGroup(g: Group): Int32Array {
  return offsetsOf(g.shape, { strides: g.strides, offset: 0 });
}

export interface ReducePlan {
  /** the reduced dims, merged */
  R: Group;
  /** the kept dims, merged */
  K: Group;
  /** elements reduced into each output */
  reduced: number;
  /** outputs */
  kept: number;
  /**
   * Whether the reduced group has the smaller innermost stride: then each output is a loop over
   * reduced rows (reduceInner), else whole kept rows are accumulated (reduceOuter), so the tight
   * loop is the cache-friendly one.
   */
  inner: boolean;
}

/** The plan of reducing x over `axes` (sorted, distinct). */
export function planReduce(x: Pick<View, "shape" | "strides">, axes: readonly number[]): ReducePlan {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const R = merge(
    axes.map((i) => x.shape[i]!),
    axes.map((i) => x.strides[i]!),
  );
  const K = merge(
    kept.map((i) => x.shape[i]!),
    kept.map((i) => x.strides[i]!),
  );
  let m = 1;
  for (const i of axes) m *= x.shape[i]!;
  let n = 1;
  for (const i of kept) n *= x.shape[i]!;
  const rs = R.strides.length ? Math.abs(R.strides[R.strides.length - 1]!) : 0;
  const ks = K.strides.length ? Math.abs(K.strides[K.strides.length - 1]!) : Infinity;
  return { R, K, reduced: m, kept: n, inner: rs <= ks };
}
