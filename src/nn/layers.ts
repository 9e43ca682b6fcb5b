// Basic layers: Linear, Embedding, Dropout, Flatten, Identity and the activation modules.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { fans, kaimingUniform_, normal_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

/** y = x·Wᵀ + b with W [out, in], initialised as PyTorch does (U(±1/√in) for both). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean; dtype?: nb.DType; generator?: nb.Generator } = {},
  ) {
    super();
    this.weight = new Parameter(nb.zeros([outFeatures, inFeatures], { dtype: opts.dtype ?? "float32" }));
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    this.bias = null;
    if (opts.bias ?? true) {
      this.bias = new Parameter(nb.zeros([outFeatures], { dtype: opts.dtype ?? "float32" }));
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

/** A lookup table: integer indices [...] → rows of weight [...,  embeddingDim]; N(0, 1) init. */
export class Embedding extends Module {
  weight: Parameter;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: { paddingIdx?: number; dtype?: nb.DType; generator?: nb.Generator } = {},
  ) {
    super();
    this.weight = new Parameter(nb.zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? "float32" }));
    normal_(this.weight, 0, 1, { generator: opts.generator });
    if (opts.paddingIdx !== undefined) nb.noGrad(() => this.weight.select(0, opts.paddingIdx!).zero_());
  }
  forward(indices: nb.Tensor): nb.Tensor {
    return nb.embedding(indices, this.weight);
  }
  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}

/** Zeroes elements with probability p in training and scales the rest by 1/(1−p). */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly opts: { generator?: nb.Generator } = {},
  ) {
    super();
    if (p < 0 || p > 1) throw new nb.NablaError(`Dropout: probability must be in [0, 1], got ${p}`);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.dropout(x, this.p, { training: this.training, generator: this.opts.generator });
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

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

export class Identity extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return x;
  }
}

/** An activation module wrapping a function of one tensor. */
function activation(name: string, f: (x: nb.Tensor) => nb.Tensor) {
  const cls = class extends Module {
    forward(x: nb.Tensor): nb.Tensor {
      return f(x);
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

export const ReLU = activation("ReLU", (x) => x.relu());
export const Tanh = activation("Tanh", (x) => x.tanh());
export const Sigmoid = activation("Sigmoid", (x) => x.sigmoid());
export const SiLU = activation("SiLU", (x) => nb.silu(x));

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.gelu(x, { approximate: this.approximate });
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.leakyRelu(x, this.negativeSlope);
  }
}

export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softmax(x, this.dim);
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.logSoftmax(x, this.dim);
  }
}
