// DataLoader: iterates a dataset in batches, one epoch per `for … of`, shuffled (reproducibly,
// through an nb.Generator) with a fresh permutation each epoch, as torch.utils.data.DataLoader.
import * as nb from "../index.js";
import { fail } from "../io/errors.js";
import { type Collated, defaultCollate } from "./collate.js";
import { type BatchReader, type Dataset, permutation } from "./dataset.js";

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (1 by default). */
  batchSize?: number;
  /** Draw a new random order every epoch (false by default: samples in index order). */
  shuffle?: boolean;
  /** Skip the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
  /** The generator shuffling draws from; nb.defaultGenerator (see nb.manualSeed) by default. */
  generator?: nb.Generator;
  /** Turns a list of samples into a batch; defaultCollate by default. */
  collate?: (samples: T[]) => B;
}

/** `for (const [x, y] of loader)` — one pass over the dataset per loop. */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: nb.Generator | undefined;
  private readonly collate: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T> | readonly T[], opts: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      fail("DataLoader", `batchSize must be a positive integer, got ${batchSize}`);
    if (opts.collate !== undefined && typeof opts.collate !== "function")
      fail("DataLoader", "collate must be a function");
    this.dataset = Array.isArray(dataset) ? arrayDataset(dataset as readonly T[]) : (dataset as Dataset<T>);
    if (!Number.isInteger(this.dataset.length) || typeof this.dataset.get !== "function")
      fail("DataLoader", "expected a dataset (an object with an integer length and get(i)) or an array");
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = opts.generator;
    this.collate = opts.collate;
  }

  /** The number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? permutation(n, this.generator ?? nb.defaultGenerator)
      : Array.from({ length: n }, (_, i) => i);
    const read = this.reader();
    for (let b = 0; b < this.length; b++)
      yield read(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
  }

  /** The dataset's whole-batch fast path under default collation; otherwise get() each + collate. */
  private reader(): BatchReader<B> {
    if (!this.collate && this.dataset.batchReader) return this.dataset.batchReader() as BatchReader<B>;
    const collate = this.collate ?? (defaultCollate as unknown as (samples: T[]) => B);
    return (indices) => collate(indices.map((i) => this.dataset.get(i)));
  }
}

function arrayDataset<T>(items: readonly T[]): Dataset<T> {
  return { length: items.length, get: (i) => items[i]! };
}
