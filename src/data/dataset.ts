// Datasets: anything with a length and get(i), as PyTorch's map-style Dataset. TensorDataset
// indexes tensors along dim 0 and gathers whole batches in one copy; Subset and randomSplit.
import * as nb from "../index.js";
import { fail } from "../io/errors.js";
import { allocFor, type Collated, defaultCollate } from "./collate.js";

/** Fetches the already-collated batch of the given sample indices. */
export type BatchReader<B> = (indices: readonly number[]) => B;

/** A map-style dataset: `length` samples, sample `i` from `get(i)`. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /**
   * Optional fast path the DataLoader uses with default collation: called once per epoch, it
   * returns a function that builds a whole batch at once (instead of get() per sample + collate).
   */
  batchReader?(): BatchReader<Collated<T>>;
}

/** Checks an index into `length` items; negative indices count from the end. */
export function checkIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index)) fail(op, `index must be an integer, got ${index}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) fail(op, `index ${index} is out of range for a dataset of ${length} samples`);
  return i;
}

/** Samples are rows of the given tensors (dim 0), e.g. `new TensorDataset(x, y)` → [x[i], y[i]]. */
export class TensorDataset implements Dataset<nb.Tensor[]> {
  readonly tensors: readonly nb.Tensor[];

  constructor(...tensors: nb.Tensor[]) {
    if (tensors.length === 0) fail("TensorDataset", "needs at least one tensor");
    tensors.forEach((t, i) => {
      if (!(t instanceof nb.Tensor)) fail("TensorDataset", `argument ${i} is not a Tensor`);
      if (t.ndim === 0) fail("TensorDataset", `tensor ${i} is 0-d; each tensor needs a leading dim to index`);
      if (t.shape[0] !== tensors[0]!.shape[0])
        fail(
          "TensorDataset",
          `size mismatch between tensors: tensor 0 has shape [${tensors[0]!.shape.join(",")}] ` +
            `but tensor ${i} has shape [${t.shape.join(",")}] (dim 0 must agree)`,
        );
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): nb.Tensor[] {
    const i = checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }

  /** Reads each tensor's values once (at the start of an epoch), then copies rows per batch. */
  batchReader(): BatchReader<nb.Tensor[]> {
    const n = this.length;
    const sources = this.tensors.map((t) => ({
      values: t.dataSync(),
      rowShape: t.shape.slice(1),
      row: n === 0 ? 0 : t.numel() / n,
      dtype: t.dtype,
    }));
    return (indices) =>
      sources.map(({ values, rowShape, row, dtype }) => {
        const out = allocFor(dtype, indices.length * row);
        if (row === 1) indices.forEach((i, k) => (out[k] = values[i]!));
        else indices.forEach((i, k) => out.set(values.subarray(i * row, (i + 1) * row), k * row));
        return nb.fromArray(out, [indices.length, ...rowShape], { dtype });
      });
  }
}

/** The samples of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];

  constructor(
    readonly dataset: Dataset<T>,
    indices: readonly number[],
  ) {
    this.indices = indices.map((i) => checkIndex("Subset", i, dataset.length));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex("Subset.get", index, this.length)]!);
  }

  batchReader(): BatchReader<Collated<T>> {
    const inner = this.dataset.batchReader?.();
    if (!inner) return (indices) => defaultCollate(indices.map((i) => this.dataset.get(this.indices[i]!)));
    return (indices) => inner(indices.map((i) => this.indices[i]!));
  }
}

/**
 * Splits a dataset into non-overlapping random subsets, as torch.utils.data.random_split: lengths
 * are counts that sum to the dataset's length, or fractions that sum to 1 (remainders go to the
 * first subsets, one each).
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  opts: { generator?: nb.Generator } = {},
): Subset<T>[] {
  const n = dataset.length;
  let counts = [...lengths];
  if (counts.some((c) => !(c >= 0)))
    fail("randomSplit", `lengths must be non-negative, got [${lengths.join(", ")}]`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = counts.map((f) => Math.floor(f * n));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]!++;
  } else if (!counts.every(Number.isInteger) || total !== n)
    fail(
      "randomSplit",
      `lengths [${lengths.join(", ")}] must be counts summing to the dataset's ${n} samples, or fractions summing to 1`,
    );
  const perm = permutation(n, opts.generator ?? nb.defaultGenerator);
  let at = 0;
  return counts.map((c) => new Subset(dataset, perm.slice(at, (at += c))));
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates), drawn from `g`. */
export function permutation(n: number, g: nb.Generator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
