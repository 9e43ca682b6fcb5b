// Loss modules (nn.MSELoss, nn.CrossEntropyLoss, …): each holds its options and calls the function in loss.ts.
import type * as nb from "../index.js";
import * as L from "./loss.js";
import { Module } from "./module.js";

function lossModule<O extends object>(
  name: string,
  f: (input: nb.Tensor, target: nb.Tensor, opts: O) => nb.Tensor,
) {
  const cls = class extends Module {
    constructor(readonly opts: O = {} as O) {
      super();
    }
    forward(input: nb.Tensor, target: nb.Tensor): nb.Tensor {
      return f(input, target, this.opts);
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
