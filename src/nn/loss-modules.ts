// Loss modules (nn.MSELoss, nn.CrossEntropyLoss, …): each holds its options and calls the function in
// loss.ts. Tensor options (weight, posWeight) are buffers, as in PyTorch, so they follow .to(dtype)
// and appear in the state dict as weight / pos_weight.
import * as nb from "../index.js";
import * as L from "./loss.js";
import { Module } from "./module.js";

const TENSOR_OPTS = ["weight", "posWeight"] as const;

function lossModule<O extends object>(
  name: string,
  f: (input: nb.Tensor, target: nb.Tensor, opts: O) => nb.Tensor,
) {
  const cls = class extends Module {
    readonly opts: O;
    constructor(opts: O = {} as O) {
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
      return f(input, target, { ...this.opts, ...tensors });
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

export const MSELoss = lossModule("MSELoss", L.mseLoss);
export const L1Loss = lossModule("L1Loss", L.l1Loss);
export const SmoothL1Loss = lossModule("SmoothL1Loss", L.smoothL1Loss);
export const HuberLoss = lossModule("HuberLoss", L.huberLoss);
export const CrossEntropyLoss = lossModule("CrossEntropyLoss", L.crossEntropy);
export const NLLLoss = lossModule("NLLLoss", L.nllLoss);
export const BCELoss = lossModule("BCELoss", L.binaryCrossEntropy);
export const BCEWithLogitsLoss = lossModule("BCEWithLogitsLoss", L.binaryCrossEntropyWithLogits);
export const KLDivLoss = lossModule("KLDivLoss", L.klDiv);
export const MultiMarginLoss = lossModule("MultiMarginLoss", L.multiMarginLoss);

/** Cosine similarity of two inputs along dim (a module form of cosineSimilarity). */
export class CosineSimilarity extends Module {
  constructor(readonly opts: { dim?: number; eps?: number } = {}) {
    super();
  }
  forward(x1: nb.Tensor, x2: nb.Tensor): nb.Tensor {
    return L.cosineSimilarity(x1, x2, this.opts.dim ?? 1, this.opts.eps ?? 1e-8);
  }
}
