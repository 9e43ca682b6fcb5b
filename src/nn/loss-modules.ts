// Loss modules (nn.MSELoss, nn.CrossEntropyLoss, …): each holds its options and calls the function in
// loss.ts. Tensor options (weight, posWeight) are buffers, as in PyTorch, so they follow .to(dtype)
// and appear in the state dict as weight / pos_weight.
import * as nb from "../index.js";
import * as L from "./loss.js";
import { Module } from "./module.js";

const TENSOR_OPTS = ["weight", "posWeight"] as const;
type LossFn<O> = (input: nb.Tensor, target: nb.Tensor, opts: O) => nb.Tensor;

/** A loss module: keeps the options (tensor ones as buffers) and calls its loss function. */
export abstract class LossModule<O extends object> extends Module {
  readonly opts: O;
  constructor(
    private readonly fn: LossFn<O>,
    opts: O,
  ) {
    super();
    const rest = { ...opts } as Record<string, unknown>;
    for (const k of TENSOR_OPTS)
      if (rest[k] instanceof nb.Tensor) {
        this.registerBuffer(k, rest[k]);
        delete rest[k];
      }
    this.opts = rest as O;
  }
  forward(input: nb.Tensor, target: nb.Tensor): nb.Tensor {
    const self = this as unknown as Record<string, nb.Tensor | undefined>;
    const tensors = Object.fromEntries(TENSOR_OPTS.filter((k) => self[k]).map((k) => [k, self[k]]));
    return this.fn(input, target, { ...this.opts, ...tensors });
  }
}

type Opts<F> = F extends LossFn<infer O> ? NonNullable<O> : never;
export class MSELoss extends LossModule<Opts<typeof L.mseLoss>> {
  constructor(opts: Opts<typeof L.mseLoss> = {}) {
    super(L.mseLoss, opts);
  }
}
export class L1Loss extends LossModule<Opts<typeof L.l1Loss>> {
  constructor(opts: Opts<typeof L.l1Loss> = {}) {
    super(L.l1Loss, opts);
  }
}
export class SmoothL1Loss extends LossModule<Opts<typeof L.smoothL1Loss>> {
  constructor(opts: Opts<typeof L.smoothL1Loss> = {}) {
    super(L.smoothL1Loss, opts);
  }
}
export class HuberLoss extends LossModule<Opts<typeof L.huberLoss>> {
  constructor(opts: Opts<typeof L.huberLoss> = {}) {
    super(L.huberLoss, opts);
  }
}
export class CrossEntropyLoss extends LossModule<Opts<typeof L.crossEntropy>> {
  constructor(opts: Opts<typeof L.crossEntropy> = {}) {
    super(L.crossEntropy, opts);
  }
}
export class NLLLoss extends LossModule<Opts<typeof L.nllLoss>> {
  constructor(opts: Opts<typeof L.nllLoss> = {}) {
    super(L.nllLoss, opts);
  }
}
export class BCELoss extends LossModule<Opts<typeof L.binaryCrossEntropy>> {
  constructor(opts: Opts<typeof L.binaryCrossEntropy> = {}) {
    super(L.binaryCrossEntropy, opts);
  }
}
export class BCEWithLogitsLoss extends LossModule<Opts<typeof L.binaryCrossEntropyWithLogits>> {
  constructor(opts: Opts<typeof L.binaryCrossEntropyWithLogits> = {}) {
    super(L.binaryCrossEntropyWithLogits, opts);
  }
}
export class KLDivLoss extends LossModule<Opts<typeof L.klDiv>> {
  constructor(opts: Opts<typeof L.klDiv> = {}) {
    super(L.klDiv, opts);
  }
}
export class MultiMarginLoss extends LossModule<Opts<typeof L.multiMarginLoss>> {
  constructor(opts: Opts<typeof L.multiMarginLoss> = {}) {
    super(L.multiMarginLoss, opts);
  }
}

/** Cosine similarity of two inputs along dim (a module form of cosineSimilarity). */
export class CosineSimilarity extends Module {
  constructor(readonly opts: { dim?: number; eps?: number } = {}) {
    super();
  }
  forward(x1: nb.Tensor, x2: nb.Tensor): nb.Tensor {
    return L.cosineSimilarity(x1, x2, this.opts.dim ?? 1, this.opts.eps ?? 1e-8);
  }
}
