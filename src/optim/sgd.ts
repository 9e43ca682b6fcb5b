// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay
// (PyTorch's formulation: the first step seeds the momentum buffer with the gradient itself).
import * as nb from "../index.js";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamState } from "./optimizer.js";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  [k: string]: number | boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> & { lr?: number } = {}) {
    const o = {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...opts,
    };
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new nb.NablaError("SGD: Nesterov momentum requires a momentum and zero dampening");
    if (o.lr < 0) throw new nb.NablaError(`SGD: invalid learning rate ${o.lr}`);
    super(params, o);
  }

  protected update(p: nb.Tensor, grad: nb.Tensor, state: ParamState, g: ParamGroup<SGDOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.detach(), { alpha: g.weightDecay });
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer;
      const buf =
        prev instanceof nb.Tensor ? prev.mul(g.momentum).add(d, { alpha: 1 - g.dampening }) : d.clone();
      state.momentumBuffer = buf;
      d = g.nesterov ? d.add(buf, { alpha: g.momentum }) : buf;
    }
    p.sub_(d, { alpha: g.lr });
  }
}
