// Joining and splitting tensors: cat, stack, split, chunk, unbind, and pad (F.pad's constant,
// reflect, replicate and circular modes, with PyTorch's last-dim-first pair order).
import { cat as catOp, pad as padOp } from "../ops/primitives/indexing.js";
import { promote } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { normDim, shapesEqual } from "../util/shape.js";
import { fromArray } from "./creation.js";
import { indexSelect, withIndexErrors } from "./indexing.js";
import { apply, Tensor } from "./tensor.js";
import { narrow, reshape, select, to, unsqueeze } from "./views.js";

function checkList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) fail(op, "expects a non-empty list of tensors");
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) fail(op, `entry ${i} is not a Tensor`);
  });
}

/**
 * Concatenates along an existing dim; every other dim must agree. Dtypes promote as in PyTorch.
 * As PyTorch still does, 1-D empty tensors (shape [0]) are accepted whatever the others' shape.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList("cat", tensors);
  tensors.forEach((t, i) => {
    if (t.ndim === 0)
      shapeError("cat", `entry ${i} is 0-d and cannot be concatenated; unsqueeze it (or use stack)`);
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promote);
  const isLegacyEmpty = (t: Tensor) => t.ndim === 1 && t.shape[0] === 0;
  const ref = tensors.find((t) => !isLegacyEmpty(t)) ?? tensors[0]!;
  const d = normDim("cat", dim, ref.ndim);
  // a legacy [0] becomes an empty slab of ref's shape, so it still gets its (empty) gradient
  const slab = ref.shape.map((n, i) => (i === d ? 0 : n));
  const parts = tensors.map((t) => (isLegacyEmpty(t) ? reshape(t, slab) : t));
  for (const t of parts) {
    if (t.ndim !== ref.ndim)
      shapeError(
        "cat",
        `tensors must have the same number of dims, got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)}`,
      );
    t.shape.forEach((n, i) => {
      if (i !== d && n !== ref.shape[i])
        shapeError(
          "cat",
          `cannot concatenate ${fmtShape(ref.shape)} and ${fmtShape(t.shape)} along dim ${dim}: ` +
            `dim ${i} differs (${ref.shape[i]} vs ${n}); all dims but the cat dim must match`,
        );
    });
  }
  return apply(
    catOp,
    parts.map((t) => to(t, dtype)),
    { axis: d },
  );
}

/** Stacks same-shaped tensors along a new dim (dim may be -ndim-1 … ndim). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList("stack", tensors);
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape))
      shapeError(
        "stack",
        `expects every tensor to have the same shape, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`,
      );
  });
  const d = normDim("stack", dim, first.ndim + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

function needDims(op: string, x: Tensor): void {
  if (x.ndim === 0) shapeError(op, "needs a tensor of at least 1 dim, got a 0-d tensor");
}

/** Views of consecutive pieces along dim with the given sizes (which sum to the dim's size). */
function pieces(x: Tensor, d: number, sizes: readonly number[]): Tensor[] {
  let at = 0;
  return sizes.map((s) => {
    const p = narrow(x, d, at, s);
    at += s;
    return p;
  });
}

/**
 * torch.split: an integer gives pieces of that size (the last may be smaller); a list gives the
 * size of each piece. The pieces are views of x.
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  needDims("split", x);
  const d = normDim("split", dim, x.ndim);
  const n = x.shape[d]!;
  if (typeof sizeOrSections === "number") {
    const s = sizeOrSections;
    if (!Number.isInteger(s) || s < 0) fail("split", `splitSize must be a non-negative integer, got ${s}`);
    if (s === 0 && n !== 0)
      fail("split", `splitSize can be 0 only when the dim is empty, but dim ${dim} has size ${n}`);
    const count = s === 0 ? 1 : Math.max(1, Math.ceil(n / s));
    return pieces(
      x,
      d,
      Array.from({ length: count }, (_, i) => Math.min(s, n - i * s)),
    );
  }
  if (!Array.isArray(sizeOrSections)) fail("split", "expects a split size or a list of section sizes");
  const sizes = sizeOrSections as readonly number[];
  if (sizes.some((s) => !Number.isInteger(s) || s < 0))
    fail("split", `section sizes must be non-negative integers, got ${fmtShape(sizes)}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n)
    shapeError("split", `section sizes ${fmtShape(sizes)} sum to ${total}, but dim ${dim} has size ${n}`);
  return pieces(x, d, sizes);
}

/**
 * torch.chunk: pieces of ceil(n / chunks) along dim, so there may be fewer than `chunks`
 * (an empty dim gives `chunks` empty pieces).
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    fail("chunk", `chunks must be a positive integer, got ${chunks}`);
  needDims("chunk", x);
  const d = normDim("chunk", dim, x.ndim);
  const n = x.shape[d]!;
  if (n === 0) return pieces(x, d, new Array<number>(chunks).fill(0));
  return split(x, Math.ceil(n / chunks), d);
}

/** The slices along dim, with that dim removed (views). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  needDims("unbind", x);
  const d = normDim("unbind", dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

export type PadMode = "constant" | "reflect" | "replicate" | "circular";
export interface PadOptions {
  mode?: PadMode;
  /** the fill value of constant mode (cast to x's dtype) */
  value?: number;
}

/** For one dim of size n padded by (b, a): the source index of each output position. */
function sourceIndex(
  mode: Exclude<PadMode, "constant">,
  n: number,
  b: number,
  a: number,
  dim: number,
): Int32Array {
  const m = n + b + a;
  const idx = new Int32Array(m);
  const bad = (rule: string) =>
    shapeError("pad", `${mode} padding (${b}, ${a}) of dim ${dim} (size ${n}): ${rule}`);
  if (mode === "reflect") {
    if (b >= n || a >= n) bad("each pad must be smaller than the dim");
    for (let p = 0; p < m; p++) {
      const j = p - b;
      idx[p] = j < 0 ? -j : j > n - 1 ? 2 * (n - 1) - j : j;
    }
  } else if (mode === "replicate") {
    if (n === 0 && m > 0) bad("an empty dim has nothing to replicate");
    for (let p = 0; p < m; p++) idx[p] = Math.min(Math.max(p - b, 0), n - 1);
  } else {
    // crop first (negative pads), then wrap around what is left
    const lo = Math.max(-b, 0);
    const c = n - lo - Math.max(-a, 0);
    const pb = Math.max(b, 0);
    if (pb > c || Math.max(a, 0) > c) bad("a pad may not wrap around more than once");
    for (let p = 0; p < m; p++) idx[p] = lo + ((((p - pb) % c) + c) % c);
  }
  return idx;
}

/**
 * F.pad: `pad` lists (before, after) pairs starting from the LAST dim and moving backwards, so
 * [1, 2] pads the last dim by 1 before and 2 after, [1, 2, 3, 4] also pads the dim before it.
 * Negative pads crop. Modes other than "constant" may pad any of the dims (PyTorch restricts them
 * to the last 1–3 of a batched input).
 */
export function pad(x: Tensor, pad: readonly number[], opts: PadOptions = {}): Tensor {
  const mode = opts.mode ?? "constant";
  if (!["constant", "reflect", "replicate", "circular"].includes(mode))
    fail("pad", `unknown mode '${mode}'; expected constant, reflect, replicate or circular`);
  if (mode !== "constant" && opts.value !== undefined && opts.value !== 0)
    fail("pad", `mode '${mode}' takes no fill value`);
  if (!Array.isArray(pad) || pad.some((p) => !Number.isInteger(p)))
    fail("pad", `pad must be a list of integers, got ${String(pad)}`);
  if (pad.length % 2 !== 0) fail("pad", `pad must hold (before, after) pairs, got ${pad.length} values`);
  if (pad.length / 2 > x.ndim)
    shapeError("pad", `${pad.length / 2} pairs pad more dims than the input ${fmtShape(x.shape)} has`);
  const pads = x.shape.map((): [number, number] => [0, 0]);
  for (let k = 0; k < pad.length / 2; k++) pads[x.ndim - 1 - k] = [pad[2 * k]!, pad[2 * k + 1]!];
  pads.forEach(([b, a], i) => {
    const size = x.shape[i]! + b + a;
    if (size < 0)
      shapeError(
        "pad",
        `dim ${i} of size ${x.shape[i]} padded by (${b}, ${a}) would have negative size ${size}`,
      );
  });
  if (mode === "constant") return apply(padOp, [x], { pads, value: opts.value ?? 0 });
  let out = x;
  pads.forEach(([b, a], i) => {
    if (b === 0 && a === 0) return;
    const idx = sourceIndex(mode, x.shape[i]!, b, a, i);
    out = withIndexErrors("pad", () => indexSelect(out, i, fromArray(idx, [idx.length])));
  });
  return out;
}

declare module "./tensor.js" {
  interface Tensor {
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
  }
}

Object.assign(Tensor.prototype, {
  split(this: Tensor, s: number | readonly number[], d?: number) { return split(this, s, d); },
  chunk(this: Tensor, n: number, d?: number) { return chunk(this, n, d); },
  unbind(this: Tensor, d?: number) { return unbind(this, d); },
}); // prettier-ignore
