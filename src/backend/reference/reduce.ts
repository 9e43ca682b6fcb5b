// Reference reductions (sum, prod, max, min, argmax, argmin) and scans (cumsum, cumprod) over any
// set of axes of a strided view. Sums accumulate in float64.
import type { ReduceOp, ScanOp, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";
import { forEachRow, offsetsOf } from "./strided.js";

type Data = (v: View) => TypedArray;

export function reduce(data: Data, op: ReduceOp, x: View, axes: readonly number[], out: View): void {
  const a = data(x);
  const d = data(out);
  const keep: number[] = [];
  for (let i = 0; i < x.shape.length; i++) if (!axes.includes(i)) keep.push(i);
  // offsets of the reduced sub-block, relative to each kept position's base
  const inner = offsetsOf(
    axes.map((i) => x.shape[i]!),
    { strides: axes.map((i) => x.strides[i]!), offset: 0 },
  );
  const m = inner.length;
  const keptView = { strides: keep.map((i) => x.strides[i]!), offset: x.offset };
  const bases = offsetsOf(
    keep.map((i) => x.shape[i]!),
    keptView,
  );
  for (let k = 0; k < bases.length; k++) {
    const base = bases[k]!;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        for (let j = 0; j < m; j++) acc += a[base + inner[j]!]!;
        break;
      case "prod":
        acc = 1;
        for (let j = 0; j < m; j++) acc *= a[base + inner[j]!]!;
        break;
      case "max":
      case "min": {
        if (m === 0) throw new Error(`reduce: ${op} of an empty dimension has no identity`);
        const sign = op === "max" ? 1 : -1;
        acc = a[base + inner[0]!]!;
        for (let j = 1; j < m && acc === acc; j++) {
          const v = a[base + inner[j]!]!;
          if (v !== v || sign * (v - acc) > 0) acc = v;
        }
        break;
      }
      case "argmax":
      case "argmin": {
        if (m === 0) throw new Error(`reduce: ${op} of an empty dimension is undefined`);
        const sign = op === "argmax" ? 1 : -1;
        let best = a[base + inner[0]!]!;
        acc = 0;
        for (let j = 1; j < m && best === best; j++) {
          const v = a[base + inner[j]!]!;
          if (v !== v || sign * (v - best) > 0) {
            best = v;
            acc = j;
          }
        }
        break;
      }
      default:
        throw new Error(`reference backend: unknown reduce op ${op as string}`);
    }
    d[out.offset + k] = acc;
  }
}

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
      let acc = op === "sum" ? 0 : 1;
      for (let i = 0; i < n; i++, p += sx, q += so) {
        acc = op === "sum" ? acc + a[p]! : acc * a[p]!;
        d[q] = acc;
      }
    }
  });
}
