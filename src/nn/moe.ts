// A mixture-of-experts feed-forward layer (Shazeer et al. 2017; Switch/GShard load balancing):
// a linear router picks the top-k experts per token, their outputs are mixed by the router
// probabilities (renormalised over the chosen experts when k > 1), and an auxiliary loss keeps the
// experts evenly used.
import * as nb from "../index.js";
import { ModuleList } from "./containers.js";
import { Linear } from "./layers.js";
import { Module } from "./module.js";

export interface MoEOptions {
  numExperts: number;
  topK?: number;
  dtype?: nb.DType;
  generator?: nb.Generator;
}

export class MixtureOfExperts extends Module {
  router: Linear;
  experts: ModuleList;
  readonly topK: number;
  /** the load-balancing loss of the last forward: E · Σ_e f_e · P_e (1 when perfectly balanced) */
  auxLoss: nb.Tensor | null = null;

  /** `makeExpert` builds one expert mapping [T, dModel] → [T, dModel]. */
  constructor(
    readonly dModel: number,
    makeExpert: () => Module,
    readonly opts: MoEOptions,
  ) {
    super();
    const { numExperts, topK = 2 } = opts;
    if (topK < 1 || topK > numExperts)
      throw new nb.NablaError(`MixtureOfExperts: topK must be in [1, ${numExperts}], got ${topK}`);
    this.topK = topK;
    this.router = new Linear(dModel, numExperts, {
      bias: false,
      dtype: opts.dtype,
      generator: opts.generator,
    });
    this.experts = new ModuleList(Array.from({ length: numExperts }, makeExpert));
  }

  forward(x: nb.Tensor): nb.Tensor {
    const shape = x.shape;
    const E = this.opts.numExperts;
    const tokens = x.reshape(-1, this.dModel); // [T, D]
    const T = tokens.shape[0]!;
    const probs = nb.softmax(this.router.forward(tokens), -1); // [T, E]
    // top-k experts per token, by repeated argmax (k is small)
    let masked = probs.detach();
    const chosen: nb.Tensor[] = [];
    for (let k = 0; k < this.topK; k++) {
      const idx = masked.argmax(1); // [T]
      chosen.push(idx);
      masked = masked.maskedFill(nb.oneHot(idx, E).bool(), -1);
    }
    const sel = nb.stack(chosen, 1); // [T, k] int32
    const gates = probs.gather(1, sel); // [T, k]
    // top-k > 1: renormalised over the chosen experts (Mixtral); top-1: the router's probability
    // itself (Switch), since renormalising would make it 1 and leave the router no gradient
    const weights = this.topK === 1 ? gates : gates.div(gates.sum(1, { keepdim: true }));
    let out = nb.zerosLike(tokens);
    const selData = sel.dataSync();
    for (let e = 0; e < E; e++) {
      const rows: number[] = [];
      const slots: number[] = [];
      for (let i = 0; i < selData.length; i++)
        if (selData[i] === e) {
          rows.push(Math.floor(i / this.topK));
          slots.push(i);
        }
      if (rows.length === 0) continue;
      const rowIdx = nb.tensor(rows, { dtype: "int32" });
      const w = weights
        .reshape(-1)
        .indexSelect(0, nb.tensor(slots, { dtype: "int32" }))
        .unsqueeze(1); // [n, 1]
      const y = (this.experts.at(e).forward(tokens.indexSelect(0, rowIdx)) as nb.Tensor).mul(w);
      out = out.indexAdd(0, rowIdx, y);
    }
    // f_e: fraction of routing slots sent to e; P_e: mean router probability of e
    const f = nb
      .oneHot(sel.reshape(-1), E)
      .float()
      .to(probs.dtype)
      .sum(0)
      .div(T * this.topK);
    this.auxLoss = nb.keep(f.mul(probs.mean(0)).sum().mul(E)); // kept on the module past any scope
    return out.reshape(shape);
  }
}
