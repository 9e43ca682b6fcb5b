// Basic layers: Linear, Embedding, Dropout, Flatten/Unflatten and Identity, initialised as PyTorch
// does. The activation modules are in activations.ts.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { fans, kaimingUniform_, normal_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

export interface FactoryOptions {
  dtype?: nb.DType;
  /** the random generator for the initial weights (default: nb's global one) */
  generator?: nb.Generator;
}

function checkSize(op: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new nb.NablaError(`${op}: ${what} must be a non-negative integer, got ${n}`);
}

/** y = x·Wᵀ + b with W [out, in]: x [..., in] → [..., out]. W and b start U(±1/√in), as PyTorch. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: FactoryOptions & { bias?: boolean } = {},
  ) {
    super();
    checkSize("Linear", "inFeatures", inFeatures);
    checkSize("Linear", "outFeatures", outFeatures);
    const dtype = opts.dtype ?? "float32";
    this.weight = new Parameter(nb.zeros([outFeatures, inFeatures], { dtype }));
    // kaiming-uniform with a = √5 gives the bound √(6/((1+5)·in)) = 1/√in
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    this.bias = null;
    if (opts.bias ?? true) {
      this.bias = new Parameter(nb.zeros([outFeatures], { dtype }));
      const bound = inFeatures > 0 ? 1 / Math.sqrt(fans(this.weight).fanIn) : 0;
      uniform_(this.bias, -bound, bound, { generator: opts.generator });
    }
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.linear(x, this.weight, this.bias);
  }
  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y = x1ᵀ·W·x2 + b: x1 [..., in1], x2 [..., in2], W [out, in1, in2] → [..., out]; U(±1/√in1) init. */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null = null;
  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    opts: FactoryOptions & { bias?: boolean } = {},
  ) {
    super();
    const dtype = opts.dtype ?? "float32";
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = new Parameter(nb.zeros([outFeatures, in1Features, in2Features], { dtype }));
    uniform_(this.weight, -bound, bound, { generator: opts.generator });
    if (opts.bias ?? true) {
      this.bias = new Parameter(nb.zeros([outFeatures], { dtype }));
      uniform_(this.bias, -bound, bound, { generator: opts.generator });
    }
  }
  forward(x1: nb.Tensor, x2: nb.Tensor): nb.Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }
}

export interface EmbeddingOptions extends FactoryOptions {
  /** this row starts at zero and never receives a gradient (negative counts from the end) */
  paddingIdx?: number | null;
}

/** A lookup table: int32 indices [...] → rows of weight [..., embeddingDim]; N(0, 1) init. */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    checkSize("Embedding", "numEmbeddings", numEmbeddings);
    checkSize("Embedding", "embeddingDim", embeddingDim);
    this.paddingIdx = normPaddingIdx(numEmbeddings, opts.paddingIdx);
    this.weight = new Parameter(nb.zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? "float32" }));
    normal_(this.weight, 0, 1, { generator: opts.generator });
    if (this.paddingIdx !== null) nb.noGrad(() => this.weight.select(0, this.paddingIdx!).zero_());
  }

  /** An Embedding holding the given [V, D] weights, frozen unless freeze is false. */
  static fromPretrained(
    embeddings: nb.Tensor,
    opts: { freeze?: boolean; paddingIdx?: number | null } = {},
  ): Embedding {
    if (embeddings.ndim !== 2)
      throw new nb.ShapeError(
        `Embedding.fromPretrained: embeddings must be 2-D [V, D], got [${embeddings.shape}]`,
      );
    if (embeddings.dtype !== "float32" && embeddings.dtype !== "float64")
      throw new nb.NablaError(
        `Embedding.fromPretrained: embeddings must be float32 or float64, got ${embeddings.dtype}`,
      );
    const [V, D] = embeddings.shape as [number, number];
    const e = new Embedding(V, D, { dtype: embeddings.dtype, paddingIdx: opts.paddingIdx });
    nb.noGrad(() => e.weight.copy_(embeddings));
    e.weight.requiresGrad_(!(opts.freeze ?? true));
    return e;
  }

  forward(indices: nb.Tensor): nb.Tensor {
    return nb.embedding(
      indices,
      this.weight,
      this.paddingIdx === null ? {} : { paddingIdx: this.paddingIdx },
    );
  }
  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`}`;
  }
}

function normPaddingIdx(V: number, p: number | null | undefined): number | null {
  if (p === undefined || p === null) return null;
  if (!Number.isInteger(p) || p < -V || p >= V)
    throw new nb.NablaError(`Embedding: paddingIdx must be an integer in [-${V}, ${V}), got ${p}`);
  return p < 0 ? p + V : p;
}

/** Zeroes elements with probability p in training and scales the rest by 1/(1−p); identity in eval. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly opts: { generator?: nb.Generator } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new nb.NablaError(`Dropout: probability must be in [0, 1], got ${p}`);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.dropout(x, this.p, { training: this.training, generator: this.opts.generator });
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Flattens dims startDim … endDim into one (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/** Splits dim into the given sizes (one may be -1). */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly sizes: readonly number[],
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return x.unflatten(this.dim, this.sizes);
  }
}

/** Returns its (first) input unchanged. */
export class Identity extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return x;
  }
}
