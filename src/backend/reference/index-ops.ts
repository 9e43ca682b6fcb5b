// Reference gather and scatterAdd along one axis, with bounds checks that name the kernel, the
// index, the axis and its size (the Tensor layer swaps the kernel's name for the user's op).
import type { View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";
import { offsetsOf } from "./strided.js";

type Data = (v: View) => TypedArray;

function checkIndex(op: string, i: number, axis: number, n: number): void {
  if (i < 0 || i >= n)
    throw new RangeError(`${op}: index ${i} is out of bounds for dim ${axis} of size ${n}`);
}

export function gather(data: Data, x: View, axis: number, index: View, out: View): void {
  const a = data(x);
  const idx = data(index);
  const d = data(out);
  const n = x.shape[axis]!;
  const sAxis = x.strides[axis]!;
  // x's offsets at index's positions with the axis coordinate zeroed
  const xBase = offsetsOf(index.shape, {
    strides: x.strides.map((s, i) => (i === axis ? 0 : s)),
    offset: x.offset,
  });
  const iOff = offsetsOf(index.shape, index);
  for (let k = 0; k < xBase.length; k++) {
    const i = idx[iOff[k]!]!;
    checkIndex("gather", i, axis, n);
    d[out.offset + k] = a[xBase[k]! + i * sAxis]!;
  }
}

export function scatterAdd(data: Data, dst: View, axis: number, index: View, src: View): void {
  const d = data(dst);
  const idx = data(index);
  const s = data(src);
  const n = dst.shape[axis]!;
  const sAxis = dst.strides[axis]!;
  const dBase = offsetsOf(index.shape, {
    strides: dst.strides.map((st, i) => (i === axis ? 0 : st)),
    offset: dst.offset,
  });
  const iOff = offsetsOf(index.shape, index);
  const sOff = offsetsOf(index.shape, src);
  for (let k = 0; k < dBase.length; k++) {
    const i = idx[iOff[k]!]!;
    checkIndex("scatterAdd", i, axis, n);
    d[dBase[k]! + i * sAxis]! += s[sOff[k]!]!;
  }
}
