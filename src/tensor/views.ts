// Shape and view ops: reshape/view, permute, transpose, expand, narrow, slice (with steps),
// squeeze, unsqueeze, flatten, flip; plus contiguous, clone and dtype conversion.
import {
  expand as expandOp,
  flip as flipOp,
  permuteOp,
  reshape as reshapeOp,
  slice as sliceOp,
  cast,
} from "../ops/primitives/views.js";
import { viewStrides } from "../ops/array.js";
import { assertDtype, type DType } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { normDim, normDims, sizeOf } from "../util/shape.js";
import { apply, Tensor } from "./tensor.js";

/** Resolves one -1 in a requested shape against the element count. */
function inferShape(op: string, t: Tensor, shape: readonly number[]): number[] {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) shapeError(op, `only one dim can be -1, got ${fmtShape(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  if (free === 1 && known === 0)
    shapeError(
      op,
      `cannot reshape ${fmtShape(t.shape)} (${t.numel()} elements) into ${fmtShape(shape)}: the other dims multiply to 0, so -1 is ambiguous`,
    );
  const out = shape.map((d) => (d === -1 ? t.numel() / known : d));
  if (sizeOf(out) !== t.numel() || out.some((d) => !Number.isInteger(d) || d < 0))
    shapeError(
      op,
      `shape ${fmtShape(shape)} is invalid for input of size ${t.numel()} (shape ${fmtShape(t.shape)})`,
    );
  return out;
}

const shapeArgs = (args: (number | readonly number[])[]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : (args as number[]);

/** Reshape: a view when the strides allow, otherwise a copy. */
export function reshape(t: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  return apply(reshapeOp, [t], { shape: inferShape("reshape", t, shapeArgs(shape)) });
}

/** View: like reshape, but fails instead of copying when the strides do not allow a view. */
export function view(t: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  const s = inferShape("view", t, shapeArgs(shape));
  if (!viewStrides(t.array, s))
    shapeError(
      "view",
      `cannot view ${fmtShape(t.shape)} with strides ${fmtShape(t.stride())} as ${fmtShape(s)}; use reshape() (which copies) or contiguous() first`,
    );
  return apply(reshapeOp, [t], { shape: s });
}

export function permute(t: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  const d = shapeArgs(dims);
  if (d.length !== t.ndim)
    shapeError(
      "permute",
      `needs ${t.ndim} dims for a tensor of shape ${fmtShape(t.shape)}, got ${fmtShape(d)}`,
    );
  const perm = d.map((x) => normDim("permute", x, t.ndim));
  if (new Set(perm).size !== perm.length) shapeError("permute", `dims ${fmtShape(d)} repeat a dim`);
  return apply(permuteOp, [t], { perm });
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim("transpose", dim0, t.ndim);
  const b = normDim("transpose", dim1, t.ndim);
  const perm = [...Array(t.ndim).keys()];
  if (t.ndim > 0) [perm[a], perm[b]] = [perm[b]!, perm[a]!]; // 0-d: dims 0 and -1 name nothing
  return apply(permuteOp, [t], { perm });
}

/** Broadcasts to a shape; -1 keeps a dim. A view (stride 0 on broadcast dims). */
export function expand(t: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  const s = shapeArgs(shape);
  const lead = s.length - t.ndim;
  if (lead < 0) shapeError("expand", `cannot expand ${fmtShape(t.shape)} to fewer dims ${fmtShape(s)}`);
  const target = s.map((d, i) =>
    d === -1
      ? i < lead
        ? fail("expand", "-1 is not allowed for a new leading dim")
        : t.shape[i - lead]!
      : d,
  );
  return apply(expandOp, [t], { shape: target });
}

export const expandAs = (t: Tensor, other: Tensor): Tensor => expand(t, other.shape);

/**
 * Slices `dim` from start (inclusive) to end (exclusive) in steps, as Python's x[start:end:step]
 * (negative indices count from the end; out-of-range bounds are clamped).
 */
export function slice(t: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normDim("slice", dim, t.ndim);
  const n = t.shape[d]!;
  if (!Number.isInteger(step) || step <= 0) fail("slice", `step must be a positive integer, got ${step}`);
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clamp(start);
  const e = clamp(end ?? n);
  const size = Math.max(0, Math.ceil((e - s) / step));
  return apply(sliceOp, [t], {
    starts: t.shape.map((_, i) => (i === d ? s : 0)),
    sizes: t.shape.map((x, i) => (i === d ? size : x)),
    steps: t.shape.map((_, i) => (i === d ? step : 1)),
  });
}

/** The `length` entries of `dim` starting at `start`; unlike slice, out-of-range is an error. */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim("narrow", dim, t.ndim);
  const n = t.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n)
    shapeError("narrow", `start ${start} and length ${length} exceed dim ${dim} of size ${n}`);
  return slice(t, d, s, s + length);
}

/** Selects index `i` along `dim`, removing that dim (x[:, i] in Python). */
export function select(t: Tensor, dim: number, index: number): Tensor {
  const d = normDim("select", dim, t.ndim);
  const n = t.shape[d]!;
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) shapeError("select", `index ${index} is out of range for dim ${dim} of size ${n}`);
  return squeeze(narrow(t, d, i, 1), d);
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  const dims =
    dim === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normDims("squeeze", dim, t.ndim);
  return reshape(
    t,
    t.shape.filter((d, i) => !(dims.includes(i) && d === 1)),
  );
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normDim("unsqueeze", dim, t.ndim + 1);
  const s = t.shape;
  s.splice(d, 0, 1);
  return reshape(t, s);
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const a = normDim("flatten", startDim, t.ndim);
  const b = normDim("flatten", endDim, t.ndim);
  if (a > b) shapeError("flatten", `startDim ${startDim} comes after endDim ${endDim}`);
  const s = t.shape;
  return reshape(t, [...s.slice(0, a), sizeOf(s.slice(a, b + 1)), ...s.slice(b + 1)]);
}

export function unflatten(t: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim("unflatten", dim, t.ndim);
  const s = t.shape;
  return reshape(t, [...s.slice(0, d), ...inferShapePart(s[d]!, sizes), ...s.slice(d + 1)]);
}

function inferShapePart(n: number, sizes: readonly number[]): number[] {
  if (sizes.length === 0) shapeError("unflatten", "sizes must be non-empty");
  if (sizes.filter((d) => d === -1).length > 1)
    shapeError("unflatten", `only one size can be -1, got ${fmtShape(sizes)}`);
  const known = sizeOf(sizes.filter((d) => d !== -1));
  const out = sizes.map((d) => (d === -1 ? n / known : d));
  if (sizeOf(out) !== n || out.some((d) => !Number.isInteger(d) || d < 0))
    shapeError("unflatten", `sizes ${fmtShape(sizes)} do not multiply to the size of the dim (${n})`);
  return out;
}

export function flip(t: Tensor, dims: number | readonly number[]): Tensor {
  return apply(flipOp, [t], { dims: normDims("flip", dims, t.ndim) });
}

/** A contiguous tensor with the same values (this tensor itself when already contiguous). */
export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : apply(cast, [t], { dtype: t.dtype });
}

/** A copy in fresh memory that stays in the graph (gradient passes through). */
export function clone(t: Tensor): Tensor {
  return apply(cast, [t], { dtype: t.dtype });
}

/** Converts to another dtype (a copy; the same tensor when the dtype already matches). */
export function to(t: Tensor, dtype: DType): Tensor {
  const d = assertDtype("to", dtype);
  if (d === t.dtype) return t;
  if (t.requiresGrad && !(d === "float32" || d === "float64"))
    return new Tensor(apply(cast, [t.detach()], { dtype: d }).array);
  return apply(cast, [t], { dtype: d });
}

declare module "./tensor.js" {
  interface Tensor {
    reshape(...shape: (number | readonly number[])[]): Tensor;
    view(...shape: (number | readonly number[])[]): Tensor;
    permute(...dims: (number | readonly number[])[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** The 2-D transpose (all dims reversed for other ranks, as PyTorch's deprecated .T). */
    readonly T: Tensor;
    /** Transpose of the last two dims. */
    readonly mT: Tensor;
    expand(...shape: (number | readonly number[])[]): Tensor;
    expandAs(other: Tensor): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    flip(dims: number | readonly number[]): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  reshape(this: Tensor, ...s: (number | readonly number[])[]) { return reshape(this, ...s); },
  view(this: Tensor, ...s: (number | readonly number[])[]) { return view(this, ...s); },
  permute(this: Tensor, ...d: (number | readonly number[])[]) { return permute(this, ...d); },
  transpose(this: Tensor, a: number, b: number) { return transpose(this, a, b); },
  expand(this: Tensor, ...s: (number | readonly number[])[]) { return expand(this, ...s); },
  expandAs(this: Tensor, o: Tensor) { return expandAs(this, o); },
  slice(this: Tensor, d: number, s?: number, e?: number, st?: number) { return slice(this, d, s, e, st); },
  narrow(this: Tensor, d: number, s: number, l: number) { return narrow(this, d, s, l); },
  select(this: Tensor, d: number, i: number) { return select(this, d, i); },
  squeeze(this: Tensor, d?: number | readonly number[]) { return squeeze(this, d); },
  unsqueeze(this: Tensor, d: number) { return unsqueeze(this, d); },
  flatten(this: Tensor, a?: number, b?: number) { return flatten(this, a, b); },
  unflatten(this: Tensor, d: number, s: readonly number[]) { return unflatten(this, d, s); },
  flip(this: Tensor, d: number | readonly number[]) { return flip(this, d); },
  contiguous(this: Tensor) { return contiguous(this); },
  clone(this: Tensor) { return clone(this); },
  to(this: Tensor, d: DType) { return to(this, d); },
  float(this: Tensor) { return to(this, "float32"); },
  double(this: Tensor) { return to(this, "float64"); },
  int(this: Tensor) { return to(this, "int32"); },
  bool(this: Tensor) { return to(this, "bool"); },
}); // prettier-ignore

Object.defineProperties(Tensor.prototype, {
  T: { get(this: Tensor) { return permute(this, [...Array(this.ndim).keys()].reverse()); } },
  mT: { get(this: Tensor) { return transpose(this, -2, -1); } },
}); // prettier-ignore
