// Reference reductions (sum, prod, max, min, argmax, argmin) over any set of axes of a strided view,
// and inclusive scans (cumsum, cumprod) along one axis. Sums and products accumulate in float64.
import type { ReduceOp, ScanOp, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";
import { type Group, offsetsOfGroup, planReduce, type Rows, rowsOf } from "../reduce-plan.js";
import { forEachRow } from "./strided.js";

type Data = (v: View) => TypedArray;

const IDENTITY: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: -Infinity,
  min: Infinity,
  argmax: -Infinity,
  argmin: Infinity,
};

/**
 * out[k] = op over the reduced axes of x at kept position k. max/min propagate NaN; argmax/argmin
 * give the first extreme value's row-major index within the reduced block (the first NaN if any).
 */
export function reduce(data: Data, op: ReduceOp, x: View, axes: readonly number[], out: View): void {
  const a = data(x);
  const d = data(out);
  const { R, K, reduced, kept: size, inner } = planReduce(x, axes);
  if (size === 0) return;
  if (reduced === 0) {
    if (op !== "sum" && op !== "prod")
      throw new RangeError(`reduce: ${op} over an empty dimension has no identity`);
    d.fill(IDENTITY[op], out.offset, out.offset + size);
    return;
  }
  if (inner) reduceInner(op, a, x.offset, rowsOf(R), rowsOf(K), d, out.offset);
  else reduceOuter(op, a, x.offset, R, rowsOf(K), d, out.offset, size);
}

/** One output at a time, each a loop over the reduced rows (e.g. a contiguous last-dim reduction). */
function reduceInner(
  op: ReduceOp,
  a: TypedArray,
  offset: number,
  R: Rows,
  K: Rows,
  d: TypedArray,
  q: number,
): void {
  const { starts: rStarts, n: rn, stride: rs } = R;
  const nr = rStarts.length;
  for (let kr = 0; kr < K.starts.length; kr++) {
    for (let ki = 0, base = offset + K.starts[kr]!; ki < K.n; ki++, base += K.stride) {
      let acc = IDENTITY[op];
      let at = 0;
      for (let r = 0; r < nr; r++) {
        let p = base + rStarts[r]!;
        // prettier-ignore
        switch (op) {
          case "sum": for (let j = 0; j < rn; j++, p += rs) acc += a[p]!; break;
          case "prod": for (let j = 0; j < rn; j++, p += rs) acc *= a[p]!; break;
          case "max":
            for (let j = 0; j < rn; j++, p += rs) { const v = a[p]!; if (v > acc || v !== v) acc = v; }
            break;
          case "min":
            for (let j = 0; j < rn; j++, p += rs) { const v = a[p]!; if (v < acc || v !== v) acc = v; }
            break;
          // acc === acc: stop at the first NaN, which is the answer
          case "argmax":
            for (let j = 0; j < rn && acc === acc; j++, p += rs) {
              const v = a[p]!;
              if (v > acc || v !== v) { acc = v; at = r * rn + j; }
            }
            break;
          case "argmin":
            for (let j = 0; j < rn && acc === acc; j++, p += rs) {
              const v = a[p]!;
              if (v < acc || v !== v) { acc = v; at = r * rn + j; }
            }
            break;
          default: throw new Error(`reference backend: unknown reduce op ${op as string}`);
        }
      }
      d[q++] = op === "argmax" || op === "argmin" ? at : acc;
    }
  }
}

/**
 * Row-by-row accumulation for reductions over outer dims (e.g. dim 0 of a contiguous matrix): each
 * reduced position adds a whole strided row of x into a float64 accumulator of the output's size.
 */
function reduceOuter(
  op: ReduceOp,
  a: TypedArray,
  offset: number,
  R: Group,
  K: Rows,
  d: TypedArray,
  q0: number,
  size: number,
): void {
  const acc = new Float64Array(size).fill(IDENTITY[op]);
  const at = op === "argmax" || op === "argmin" ? new Int32Array(size) : null;
  const rOff = offsetsOfGroup(R);
  const { n, stride: s } = K;
  for (let r = 0; r < rOff.length; r++) {
    for (let kr = 0, q = 0; kr < K.starts.length; kr++) {
      let p = offset + rOff[r]! + K.starts[kr]!;
      // prettier-ignore
      switch (op) {
        case "sum": for (let i = 0; i < n; i++, p += s) acc[q++]! += a[p]!; break;
        case "prod": for (let i = 0; i < n; i++, p += s) acc[q++]! *= a[p]!; break;
        case "max":
          for (let i = 0; i < n; i++, p += s, q++) { const v = a[p]!; if (v > acc[q]! || v !== v) acc[q] = v; }
          break;
        case "min":
          for (let i = 0; i < n; i++, p += s, q++) { const v = a[p]!; if (v < acc[q]! || v !== v) acc[q] = v; }
          break;
        case "argmax":
          for (let i = 0; i < n; i++, p += s, q++) {
            const v = a[p]!;
            const b = acc[q]!;
            if (b === b && (v > b || v !== v)) { acc[q] = v; at![q] = r; }
          }
          break;
        case "argmin":
          for (let i = 0; i < n; i++, p += s, q++) {
            const v = a[p]!;
            const b = acc[q]!;
            if (b === b && (v < b || v !== v)) { acc[q] = v; at![q] = r; }
          }
          break;
        default: throw new Error(`reference backend: unknown reduce op ${op as string}`);
      }
    }
  }
  if (at) d.set(at, q0);
  else d.set(acc, q0);
}

/** Inclusive prefix sums or products along `axis`, one line of x at a time. */
export function scan(data: Data, op: ScanOp, x: View, axis: number, out: View): void {
  const a = data(x);
  const d = data(out);
  const n = x.shape[axis]!;
  const others = x.shape.map((s, i) => (i === axis ? 1 : s));
  const sx = x.strides[axis]!;
  const so = out.strides[axis]!;
  forEachRow(others, [x, out], (o0, cnt, st) => {
    for (let r = 0; r < cnt; r++) {
      let p = o0[0]! + r * st[0]!;
      let q = o0[1]! + r * st[1]!;
      if (op === "sum") for (let i = 0, acc = 0; i < n; i++, p += sx, q += so) d[q] = acc += a[p]!;
      else for (let i = 0, acc = 1; i < n; i++, p += sx, q += so) d[q] = acc *= a[p]!;
    }
  });
}
