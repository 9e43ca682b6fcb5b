// Indexing on tensors: indexSelect, gather, scatterAdd / scatter / indexAdd, take, maskedFill,
// maskedSelect, nonzero, embedding, oneHot and triu/tril, composed from the gather/scatter primitives.
import {
  gather as gatherOp,
  scatter as scatterOp,
  scatterAdd as scatterAddOp,
} from "../ops/primitives/indexing.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { broadcastShapes, normDim } from "../util/shape.js";
import { arange, fromArray, scalarTensor } from "./creation.js";
import { add, eq, ge, logicalAnd, lt, mul, where } from "./elementwise.js";
import { apply, Tensor } from "./tensor.js";
import { expand, reshape, to, unsqueeze } from "./views.js";

/** Index tensors are int32 (nabla's stand-in for int64); anything else is an error, not a cast. */
export function checkIndexTensor(op: string, index: unknown, what = "index"): asserts index is Tensor {
  if (!(index instanceof Tensor)) fail(op, `${what} must be a Tensor, got ${typeof index}`);
  if (index.dtype !== "int32") fail(op, `${what} must be an int32 tensor, got ${index.dtype}`);
}

/**
 * Runs f, renaming the kernels' out-of-bounds RangeError ("gather: index 7 is out of bounds for
 * dim 0 of size 5") after the op the user called.
 */
export function withIndexErrors<T>(op: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && / is out of bounds for dim \d+ of size \d+$/.test(e.message))
      throw new RangeError(`${op}: ${e.message.slice(e.message.indexOf(": ") + 2)}`, { cause: e });
    throw e;
  }
}

/** Runs an op defined for ≥1-D tensors on 0-d ones too, viewing them as [1] (as PyTorch does). */
function lift0d(xs: Tensor[], f: (...ys: Tensor[]) => Tensor): Tensor {
  if (xs.every((x) => x.ndim > 0)) return f(...xs);
  return reshape(f(...xs.map((x) => reshape(x, [x.numel()]))), []);
}

/** x [..., n, ...] → [..., k, ...]: the entries of `dim` listed by the 1-D index [k], as a gather. */
function selectAlong(op: string, x: Tensor, d: number, index: Tensor): Tensor {
  const k = index.numel();
  // a stride-0 view of the index over every other dim; the gather's adjoint is an index-add
  const idx = reshape(
    index,
    x.shape.map((_, i) => (i === d ? k : 1)),
  );
  const shape = x.shape.map((n, i) => (i === d ? k : n));
  return withIndexErrors(op, () => apply(gatherOp, [x, expand(idx, shape)], { axis: d }));
}

/** x.index_select(dim, index): index is a 1-D (or 0-d) int32 tensor; entries may repeat. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor("indexSelect", index);
  if (index.ndim > 1)
    shapeError("indexSelect", `index must be 1-D (or 0-d), got shape ${fmtShape(index.shape)}`);
  const d = normDim("indexSelect", dim, x.ndim);
  if (x.ndim === 0) {
    if (index.numel() !== 1)
      shapeError("indexSelect", `a 0-d input takes exactly one index, got ${index.numel()}`);
    return reshape(selectAlong("indexSelect", reshape(x, [1]), 0, index), []);
  }
  return selectAlong("indexSelect", x, d, index);
}

/** index.shape[i] ≤ limit.shape[i] for every dim i (except `skip`), as PyTorch requires. */
function checkFits(op: string, index: Tensor, limit: Tensor, what: string, skip: number): void {
  if (index.ndim !== limit.ndim)
    shapeError(
      op,
      `index ${fmtShape(index.shape)} must have as many dims as the ${what} ${fmtShape(limit.shape)}`,
    );
  index.shape.forEach((n, i) => {
    if (i !== skip && n > limit.shape[i]!)
      shapeError(
        op,
        `index ${fmtShape(index.shape)} is larger than the ${what} ${fmtShape(limit.shape)} in dim ${i} (${n} > ${limit.shape[i]})` +
          (skip >= 0 ? `; only dim ${skip} may be larger` : ""),
      );
  });
}

/** out[…, i, …] = x[…, index[…, i, …], …] along dim; out has index's shape. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor("gather", index);
  const d = normDim("gather", dim, x.ndim);
  checkFits("gather", index, x, "input", d);
  return lift0d([x, index], (xx, ii) =>
    withIndexErrors("gather", () => apply(gatherOp, [xx!, ii!], { axis: d })),
  );
}

function checkScatter(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  checkIndexTensor(op, index);
  if (src) {
    if (!(src instanceof Tensor)) fail(op, `src must be a Tensor or a number, got ${typeof src}`);
    if (src.dtype !== x.dtype)
      fail(op, `src is ${src.dtype} but the input is ${x.dtype}; convert one of them with .to()`);
    checkFits(op, index, src, "src", -1);
  }
  checkFits(op, index, x, "input", d);
}

/** Out of place: a copy of x with src[…, i, …] added at x[…, index[…, i, …], …] along dim. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim("scatterAdd", dim, x.ndim);
  checkScatter("scatterAdd", x, d, index, src);
  return lift0d([x, index, src], (xx, ii, ss) =>
    withIndexErrors("scatterAdd", () => apply(scatterAddOp, [xx!, ii!, ss!], { axis: d })),
  );
}

/**
 * Out of place: a copy of x with src (a tensor, or one number) written at index along dim. With
 * repeated indices PyTorch leaves the winner unspecified; nabla writes the mean of the values.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
  const d = normDim("scatter", dim, x.ndim);
  const s = src instanceof Tensor ? src : null;
  checkScatter("scatter", x, d, index, s);
  if (!s && typeof src !== "number" && typeof src !== "boolean")
    fail("scatter", `src must be a Tensor or a number, got ${typeof src}`);
  const inputs = s ? [x, index, s] : [x, index];
  return lift0d(inputs, (...ys) =>
    withIndexErrors("scatter", () => apply(scatterOp, ys, { axis: d, value: s ? 0 : Number(src) })),
  );
}

/** Out of place: x with alpha·source[…, i, …] added at x[…, index[i], …] along dim (1-D index). */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  opts: { alpha?: number } = {},
): Tensor {
  checkIndexTensor("indexAdd", index);
  if (index.ndim > 1)
    shapeError("indexAdd", `index must be 1-D (or 0-d), got shape ${fmtShape(index.shape)}`);
  const d = normDim("indexAdd", dim, x.ndim);
  const xs = x.ndim === 0 ? [1] : x.shape;
  const want = xs.map((n, i) => (i === d ? index.numel() : n));
  const ss = source.ndim === 0 ? [1] : source.shape;
  if (ss.length !== want.length || ss.some((n, i) => n !== want[i]))
    shapeError(
      "indexAdd",
      `source ${fmtShape(source.shape)} must have the input's shape ${fmtShape(x.shape)} with dim ${d} of size ${index.numel()} (the index length)`,
    );
  if (source.dtype !== x.dtype) fail("indexAdd", `source is ${source.dtype} but the input is ${x.dtype}`);
  const scaled = opts.alpha === undefined ? source : mul(source, opts.alpha);
  const idx = expand(
    reshape(
      index,
      want.map((n, i) => (i === d ? n : 1)),
    ),
    want,
  );
  const out = withIndexErrors("indexAdd", () =>
    apply(scatterAddOp, [reshape(x, xs), idx, reshape(scaled, want)], { axis: d }),
  );
  return reshape(out, x.shape);
}

/** x viewed as 1-D, read at index (any shape; negative entries count from the end). */
export function take(x: Tensor, index: Tensor): Tensor {
  checkIndexTensor("take", index);
  const n = x.numel();
  // wrap only [-n, 0), so an index still out of range is reported as the user wrote it
  const wrap = logicalAnd(ge(index, -n), lt(index, 0));
  const flat = reshape(where(wrap, add(index, n), index), [index.numel()]);
  return reshape(selectAlong("take", reshape(x, [n]), 0, flat), index.shape);
}

function checkMask(op: string, x: Tensor, mask: unknown): asserts mask is Tensor {
  if (!(mask instanceof Tensor)) fail(op, `mask must be a bool Tensor, got ${typeof mask}`);
  if (mask.dtype !== "bool")
    fail(op, `mask must be a bool tensor, got ${mask.dtype}; compare first (x.gt(0))`);
  broadcastShapes(op, x.shape, mask.shape);
}

/**
 * x with `value` wherever mask (bool, broadcast against x) holds; the result has the broadcast
 * shape and x's dtype. The gradient is zero where masked; a 0-d tensor value gets the rest.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkMask("maskedFill", x, mask);
  let v: Tensor;
  if (value instanceof Tensor) {
    if (value.ndim !== 0)
      shapeError("maskedFill", `value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`);
    v = to(value, x.dtype);
  } else if (typeof value === "number" || typeof value === "boolean")
    v = scalarTensor(Number(value), x.dtype);
  else return fail("maskedFill", `value must be a number or a 0-d tensor, got ${typeof value}`);
  return where(mask, v, x);
}

/** Row-major positions where a tensor is nonzero, as [n, ndim] int32 (reads the values). */
export function nonzero(x: Tensor): Tensor {
  const v = x.dataSync();
  const shape = x.shape;
  const hits: number[] = [];
  let rows = 0;
  for (let k = 0; k < v.length; k++) {
    if (v[k] === 0) continue;
    let rest = k;
    const at = hits.length;
    for (let d = shape.length - 1; d >= 0; d--) {
      hits[at + d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    rows++;
  }
  return fromArray(Int32Array.from(hits), [rows, shape.length]);
}

/** The entries of x where mask (broadcast against x) holds, as a 1-D tensor (reads the mask). */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkMask("maskedSelect", x, mask);
  const shape = broadcastShapes("maskedSelect", x.shape, mask.shape);
  const m = expand(mask, shape).dataSync();
  const picks: number[] = [];
  for (let k = 0; k < m.length; k++) if (m[k]) picks.push(k);
  const flat = reshape(expand(x, shape), [m.length]);
  return selectAlong("maskedSelect", flat, 0, fromArray(Int32Array.from(picks), [picks.length]));
}

/**
 * Embedding lookup: rows of weight [V, D] at indices (int32, any shape S) → [...S, D]. Repeated
 * indices accumulate their gradients; rows at paddingIdx get none (as PyTorch's padding_idx).
 */
export function embedding(indices: Tensor, weight: Tensor, opts: { paddingIdx?: number } = {}): Tensor {
  checkIndexTensor("embedding", indices, "indices");
  if (!(weight instanceof Tensor) || weight.ndim !== 2)
    shapeError(
      "embedding",
      `weight must be 2-D [numEmbeddings, embeddingDim], got ${weight instanceof Tensor ? fmtShape(weight.shape) : typeof weight}`,
    );
  const [V, D] = weight.shape as [number, number];
  const flat = reshape(indices, [indices.numel()]);
  let rows = selectAlong("embedding", weight, 0, flat); // [N, D]
  if (opts.paddingIdx !== undefined) {
    const p = opts.paddingIdx < 0 ? opts.paddingIdx + V : opts.paddingIdx;
    if (!Number.isInteger(p) || p < 0 || p >= V)
      fail("embedding", `paddingIdx ${opts.paddingIdx} is out of range for ${V} embeddings`);
    // same values, but the padding rows' gradient goes to a detached copy
    rows = where(unsqueeze(eq(flat, p), 1), rows.detach(), rows);
  }
  return reshape(rows, [...indices.shape, D]);
}

/**
 * One-hot encoding of int32 class indices (any shape S) → int32 [...S, numClasses]; numClasses -1
 * infers max + 1. Reads the indices to check their range, as PyTorch does.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkIndexTensor("oneHot", indices, "indices");
  if (!Number.isInteger(numClasses) || numClasses < -1)
    fail("oneHot", `numClasses must be a non-negative integer or -1 (infer), got ${numClasses}`);
  const v = indices.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < v.length; k++) {
    if (v[k]! < lo) lo = v[k]!;
    if (v[k]! > hi) hi = v[k]!;
  }
  if (numClasses === -1) {
    if (v.length === 0)
      fail("oneHot", "cannot infer the number of classes from an empty tensor; pass numClasses");
    numClasses = hi + 1;
  }
  if (lo < 0) throw new RangeError(`oneHot: class values must be non-negative, got ${lo}`);
  if (hi >= numClasses)
    throw new RangeError(`oneHot: class value ${hi} is out of range for numClasses ${numClasses}`);
  return to(eq(unsqueeze(indices, -1), arange(0, numClasses)), "int32");
}

/** Keeps the entries of the last two dims [M, N] where keep(row, col) holds; zero elsewhere. */
function triangle(op: string, x: Tensor, keep: (i: number, j: number) => boolean): Tensor {
  if (x.ndim < 2)
    shapeError(op, `needs at least 2 dims (matrices in the last two), got shape ${fmtShape(x.shape)}`);
  const [M, N] = x.shape.slice(-2) as [number, number];
  const m = new Uint8Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) m[i * N + j] = keep(i, j) ? 1 : 0;
  return where(fromArray(m, [M, N]), x, scalarTensor(0, x.dtype));
}

/** The upper triangle: entries with col − row ≥ diagonal (batched over leading dims). */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle("triu", x, (i, j) => j - i >= diagonal);
/** The lower triangle: entries with col − row ≤ diagonal (batched over leading dims). */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle("tril", x, (i, j) => j - i <= diagonal);

declare module "./tensor.js" {
  interface Tensor {
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor;
    take(index: Tensor): Tensor;
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    nonzero(): Tensor;
    triu(diagonal?: number): Tensor;
    tril(diagonal?: number): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  indexSelect(this: Tensor, d: number, i: Tensor) { return indexSelect(this, d, i); },
  gather(this: Tensor, d: number, i: Tensor) { return gather(this, d, i); },
  scatterAdd(this: Tensor, d: number, i: Tensor, s: Tensor) { return scatterAdd(this, d, i, s); },
  scatter(this: Tensor, d: number, i: Tensor, s: Tensor | number | boolean) { return scatter(this, d, i, s); },
  indexAdd(this: Tensor, d: number, i: Tensor, s: Tensor, o?: { alpha?: number }) { return indexAdd(this, d, i, s, o); },
  take(this: Tensor, i: Tensor) { return take(this, i); },
  maskedFill(this: Tensor, m: Tensor, v: number | boolean | Tensor) { return maskedFill(this, m, v); },
  maskedSelect(this: Tensor, m: Tensor) { return maskedSelect(this, m); },
  nonzero(this: Tensor) { return nonzero(this); },
  triu(this: Tensor, k?: number) { return triu(this, k); },
  tril(this: Tensor, k?: number) { return tril(this, k); },
}); // prettier-ignore
