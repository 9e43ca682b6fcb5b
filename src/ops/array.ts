// Array-level functions (no autograd) that primitives' forward and backward rules are written with:
// broadcasting elementwise ops, reductions, views and matmul over NdArrays through the kernels.
import { type BinaryOp, BOOL_OUTPUT_OPS, type ReduceOp, type UnaryOp } from "../backend/interface.js";
import { type DType, promote } from "../util/dtype.js";
import { fmtShape, shapeError } from "../util/errors.js";
import { broadcastShapes, contiguousStrides, type Shape, shapesEqual, sizeOf } from "../util/shape.js";
import { cast, contiguous, empty, kernel, NdArray, release } from "./ndarray.js";

/** A view of `a` broadcast to `shape` (zero strides on new or size-1 dims). */
export function expandTo(a: NdArray, shape: Shape, op = "expand"): NdArray {
  if (shapesEqual(a.shape, shape)) return a;
  const nd = shape.length;
  if (a.ndim > nd) shapeError(op, `cannot expand ${fmtShape(a.shape)} to fewer dims ${fmtShape(shape)}`);
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < a.ndim; i++) {
    const j = nd - a.ndim + i;
    const d = a.shape[i]!;
    if (d === shape[j]) strides[j] = a.strides[i]!;
    else if (d !== 1)
      shapeError(
        op,
        `cannot expand ${fmtShape(a.shape)} to ${fmtShape(shape)}: dim ${i} is ${d}, not 1 or ${shape[j]}`,
      );
  }
  return a.withLayout([...shape], strides);
}

export function unary(op: UnaryOp, x: NdArray, outDtype: DType = x.dtype): NdArray {
  const out = empty(x.shape, outDtype, x.backend, true);
  kernel(x.backend, "unary", x.dtype, op, op).unary(op, x, out);
  return out;
}

/** Elementwise binary op with broadcasting; both inputs are first cast to their promoted dtype. */
export function binary(op: BinaryOp, a: NdArray, b: NdArray, opName: string = op): NdArray {
  const shape = broadcastShapes(opName, a.shape, b.shape);
  const dt = promote(a.dtype, b.dtype);
  const aa = expandTo(a.dtype === dt ? a : cast(a, dt), shape);
  const bb = expandTo(b.dtype === dt ? b : cast(b, dt), shape);
  const out = empty(shape, BOOL_OUTPUT_OPS.has(op) ? "bool" : dt, a.backend, true);
  kernel(a.backend, "binary", dt, opName, op).binary(op, aa, bb, out);
  return out;
}

/**
 * a op b written into `out` (a, b broadcast to out's shape and of out's dtype; `out` may be `a`
 * itself, element for element: each element is read before it is written).
 */
export function binaryInto(op: BinaryOp, a: NdArray, b: NdArray, out: NdArray): void {
  kernel(out.backend, "binary", out.dtype, op, op).binary(
    op,
    expandTo(a, out.shape),
    expandTo(b, out.shape),
    out,
  );
}

/**
 * Whether a kernel may write `op(dst, b)` straight into dst: dst contiguous, b of its dtype and
 * backend, and not overlapping dst in another layout (it would be read after being written).
 */
export function canWriteInto(dst: NdArray, b: NdArray): boolean {
  if (!dst.isContiguous || b.dtype !== dst.dtype || b.backend !== dst.backend) return false;
  return b.buf !== dst.buf || (b.offset === dst.offset && b.strides.join() === dst.strides.join());
}

/** dst = dst op b in place (b broadcast to dst): straight into dst where it can, else computed aside and copied. */
export function updateInto(op: BinaryOp, dst: NdArray, b: NdArray): void {
  if (canWriteInto(dst, b)) return binaryInto(op, dst, b, dst);
  const r = binary(op, dst, b);
  copyInto(r, dst);
  release(r);
}

export function where(cond: NdArray, a: NdArray, b: NdArray): NdArray {
  const shape = broadcastShapes("where", cond.shape, a.shape, b.shape);
  const dt = promote(a.dtype, b.dtype);
  const out = empty(shape, dt, a.backend, true);
  const c = cond.dtype === "bool" ? cond : binary("ne", cond, scalar(0, cond.dtype, cond));
  kernel(a.backend, "where", dt, "where").where(
    expandTo(c, shape),
    expandTo(a.dtype === dt ? a : cast(a, dt), shape),
    expandTo(b.dtype === dt ? b : cast(b, dt), shape),
    out,
  );
  return out;
}

/** A 0-d array holding `value`, on `like`'s backend. */
export function scalar(value: number, dtype: DType, like: NdArray): NdArray {
  const a = empty([], dtype, like.backend);
  like.backend.write(a.buf, [value]);
  return a;
}

export function reduce(op: ReduceOp, x: NdArray, axes: readonly number[], keepdim: boolean): NdArray {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const dt =
    op === "argmax" || op === "argmin"
      ? "int32"
      : op === "sum" || op === "prod"
        ? sumDtype(x.dtype)
        : x.dtype;
  const out = empty(outShape, dt, x.backend);
  const src = op === "sum" || op === "prod" ? (x.dtype === dt ? x : cast(x, dt)) : x;
  kernel(x.backend, "reduce", src.dtype, op, op).reduce(op, src, axes, out);
  return keepdim
    ? reshape(
        out,
        x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      )
    : out;
}

/** Sums of bool and int32 are int32 (PyTorch gives int64, which nabla does not have). */
export const sumDtype = (d: DType): DType => (d === "bool" ? "int32" : d);

/** Sums a broadcast gradient back to `shape` (the adjoint of expandTo). */
export function sumToShape(g: NdArray, shape: Shape): NdArray {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const s = reduce("sum", g, axes, false);
  return reshape(s, shape);
}

/** Strides for viewing `a` as `shape` without copying, or null when its layout does not allow it. */
export function viewStrides(a: NdArray, shape: Shape): number[] | null {
  // contiguous data, or no data at all (any strides then describe it), views as any shape
  if (a.isContiguous || a.size === 0) return contiguousStrides(shape);
  // group old dims (dropping size-1) into contiguous chunks, then split each chunk into new dims
  const oldDims: number[] = [];
  const oldStr: number[] = [];
  a.shape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d);
      oldStr.push(a.strides[i]!);
    }
  });
  const out = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < shape.length || oi < oldDims.length) {
    if (ni < shape.length && shape[ni] === 1) {
      out[ni] = 1;
      ni++;
      continue;
    }
    if (oi >= oldDims.length || ni >= shape.length) return null;
    // take a run of old dims that is contiguous within itself
    let chunk = oldDims[oi]!;
    let end = oi;
    const targetStart = ni;
    let prod = shape[ni]!;
    let nj = ni;
    while (prod !== chunk) {
      if (prod < chunk) {
        nj++;
        if (nj >= shape.length) return null;
        prod *= shape[nj]!;
      } else {
        if (end + 1 >= oldDims.length || oldStr[end] !== oldStr[end + 1]! * oldDims[end + 1]!) return null;
        end++;
        chunk *= oldDims[end]!;
      }
    }
    let stride = oldStr[end]!;
    for (let k = nj; k >= targetStart; k--) {
      out[k] = stride;
      stride *= shape[k]!;
    }
    oi = end + 1;
    ni = nj + 1;
  }
  return out;
}

/** Reshape: a view when the layout allows, a copy otherwise (as torch.reshape). */
export function reshape(a: NdArray, shape: Shape): NdArray {
  if (sizeOf(shape) !== a.size)
    shapeError("reshape", `cannot reshape ${fmtShape(a.shape)} (${a.size} elements) into ${fmtShape(shape)}`);
  const st = viewStrides(a, shape);
  if (st) return a.withLayout([...shape], st);
  const c = contiguous(a);
  return c.withLayout([...shape], contiguousStrides(shape));
}

export function permute(a: NdArray, perm: readonly number[]): NdArray {
  return a.withLayout(
    perm.map((p) => a.shape[p]!),
    perm.map((p) => a.strides[p]!),
  );
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export function transposeLast(a: NdArray): NdArray {
  const p = [...a.shape.keys()];
  const n = p.length;
  [p[n - 2], p[n - 1]] = [p[n - 1]!, p[n - 2]!];
  return permute(a, p);
}

/**
 * Batched matmul of [B,M,K] by [B,K,N] (or [B1,B2,…]; any strides) into a fresh [B,M,N] (or
 * [B1,B2,M,N]), with `bias` ([N]) added to every row when given.
 */
export function bmm(a: NdArray, b: NdArray, bias: NdArray | null = null): NdArray {
  const dt = promote(a.dtype, b.dtype);
  const aa = a.dtype === dt ? a : cast(a, dt);
  const bb = b.dtype === dt ? b : cast(b, dt);
  const cc = bias && contiguous(bias.dtype === dt ? bias : cast(bias, dt));
  // every output element is written, unless the products are empty sums (K = 0: zeros) without a bias
  const out = empty([...a.shape.slice(0, -1), b.shape.at(-1)!], dt, a.backend, a.shape.at(-1)! > 0 || !!cc);
  kernel(a.backend, "matmul", dt, "matmul").matmul(aa, bb, out, cc);
  return out;
}

/** Writes `src` (broadcast to dst's shape) into the view `dst`, in place. */
export function copyInto(src: NdArray, dst: NdArray): void {
  kernel(dst.backend, "copy", dst.dtype, "copy").copy(expandTo(src, dst.shape), dst);
}

export { NdArray };
