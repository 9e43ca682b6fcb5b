// The reference backend: plain TypeScript over typed arrays. It implements every kernel for every
// dtype and stays, forever, the definition that faster backends are tested against.
import {
  type AdamStep,
  type Backend,
  type CausalRows,
  type BinaryOp,
  type Buf,
  type ConvGeometry,
  FUSED_KERNELS,
  type KernelName,
  type ReduceOp,
  type ScanOp,
  type UnaryOp,
  type View,
} from "../interface.js";
import { type DType, type TypedArray, typedArrayFor } from "../../util/dtype.js";
import * as ew from "./elementwise.js";
import { reduce, scan } from "./reduce.js";
import { matmul } from "./matmul.js";
import { gather, scatterAdd } from "./index-ops.js";
import { col2im, im2col } from "./conv.js";
import * as fused from "./fused.js";

class RefBuf implements Buf {
  claims = 0;
  constructor(
    readonly dtype: DType,
    public data: TypedArray,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

const data = (v: View): TypedArray => (v.buf as RefBuf).data;

export class ReferenceBackend implements Backend {
  readonly name = "reference";

  supports(kernel: KernelName, dtype: DType): boolean {
    return !FUSED_KERNELS.has(kernel) || dtype === "float32" || dtype === "float64";
  }

  alloc(dtype: DType, size: number): Buf {
    return new RefBuf(dtype, typedArrayFor(dtype, size));
  }
  free(buf: Buf): void {
    (buf as RefBuf).data = typedArrayFor(buf.dtype, 0);
  }
  write(buf: Buf, src: ArrayLike<number>, offset = 0): void {
    const d = (buf as RefBuf).data;
    if (buf.dtype === "bool") for (let i = 0; i < src.length; i++) d[offset + i] = src[i] ? 1 : 0;
    else d.set(src, offset);
  }
  async read(buf: Buf): Promise<TypedArray> {
    return this.readSync(buf);
  }
  readSync(buf: Buf): TypedArray {
    return (buf as RefBuf).data;
  }

  fill(dst: View, value: number): void {
    ew.fill(data, dst, value);
  }
  copy(src: View, dst: View): void {
    ew.copy(data, src, dst);
  }
  unary(op: UnaryOp, x: View, out: View): void {
    ew.unary(data, op, x, out);
  }
  binary(op: BinaryOp, a: View, b: View, out: View): void {
    ew.binary(data, op, a, b, out);
  }
  where(cond: View, a: View, b: View, out: View): void {
    ew.where(data, cond, a, b, out);
  }
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void {
    reduce(data, op, x, axes, out);
  }
  scan(op: ScanOp, x: View, axis: number, out: View): void {
    scan(data, op, x, axis, out);
  }
  matmul(a: View, b: View, out: View, bias?: View | null): void {
    matmul(data, a, b, out, bias ?? null);
  }
  gather(x: View, axis: number, index: View, out: View): void {
    gather(data, x, axis, index, out);
  }
  scatterAdd(dst: View, axis: number, index: View, src: View): void {
    scatterAdd(data, dst, axis, index, src);
  }
  im2col(x: View, g: ConvGeometry, out: View): void {
    im2col(data, x, g, out);
  }
  col2im(cols: View, g: ConvGeometry, out: View): void {
    col2im(data, cols, g, out);
  }
  softmax(x: View, out: View, log: boolean, causal?: CausalRows | null): void {
    fused.softmax(data, x, out, log, causal ?? null);
  }
  softmaxBackward(y: View, dy: View, out: View, log: boolean): void {
    fused.softmaxBackward(data, y, dy, out, log);
  }
  layerNorm(x: View, w: View | null, b: View | null, eps: number, out: View, mean: View, rstd: View): void {
    fused.layerNorm(data, x, w, b, eps, out, mean, rstd);
  }
  layerNormBackward(
    x: View,
    mean: View,
    rstd: View,
    w: View | null,
    dy: View,
    dx: View,
    dw: View | null,
    db: View | null,
  ): void {
    fused.layerNormBackward(data, x, mean, rstd, w, dy, dx, dw, db);
  }
  adam(s: AdamStep, p: View, grad: View, m: View, v: View, vMax: View | null): void {
    fused.adam(data, s, p, grad, m, v, vMax);
  }
}
