// Adam (with AMSGrad) and AdamW, as PyTorch computes them: bias-corrected moments; AdamW decays
// the weights directly (decoupled) instead of adding the decay to the gradient.
import * as nb from "../index.js";
import { buffer, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from "./optimizer.js";

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  [k: string]: number | boolean | readonly number[];
}

function adamStep(
  p: nb.Tensor,
  grad: nb.Tensor,
  st: ParamState,
  g: ParamGroup<AdamOptions>,
  decoupled: boolean,
): void {
  const [b1, b2] = g.betas;
  const step = ((st.step as number | undefined) ?? 0) + 1;
  st.step = step;
  const bc1 = 1 - Math.pow(b1, step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
  const m0 = buffer(st, "expAvg", p);
  const v0 = buffer(st, "expAvgSq", p);
  const vMax = g.amsgrad ? buffer(st, "maxExpAvgSq", p) : null;
  // one kernel for the whole update where the backend has it: the same float32 values as the chain below
  const { lr, eps, weightDecay, maximize } = g;
  const hyper = {
    lr,
    beta1: b1,
    beta2: b2,
    eps,
    weightDecay,
    decoupled,
    maximize,
    bias1: bc1,
    bias2Sqrt: bc2Sqrt,
  };
  if (nb.adamUpdate_(hyper, p, grad, m0, v0, vMax)) return;
  let d = g.maximize ? grad.neg() : grad;
  if (g.weightDecay !== 0) {
    if (decoupled) p.mul_(1 - g.lr * g.weightDecay);
    else d = d.add(p.detach(), { alpha: g.weightDecay });
  }
  // the moments are updated in place, as PyTorch does (a state dict taken earlier sees them move)
  const m = m0.mul_(b1).add_(d, { alpha: 1 - b1 });
  const v = v0.mul_(b2).add_(d.mul(d), { alpha: 1 - b2 });
  let second = v;
  if (vMax) second = vMax.copy_(nb.maximum(vMax, v));
  const denom = second.sqrt().div(bc2Sqrt).add(g.eps);
  p.sub_(m.div(denom), { alpha: g.lr / bc1 });
}

function options(name: string, opts: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  const o: AdamOptions = {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
    ...opts,
  };
  if (!(o.lr >= 0)) throw new nb.NablaError(`${name}: invalid learning rate ${o.lr}`);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1 && o.betas[1] >= 0 && o.betas[1] < 1))
    throw new nb.NablaError(`${name}: betas must be in [0, 1), got [${o.betas}]`);
  return o;
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, options("Adam", opts, 0));
  }
  protected update(p: nb.Tensor, grad: nb.Tensor, st: ParamState, g: ParamGroup<AdamOptions>): void {
    adamStep(p, grad, st, g, false);
  }
}

export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, options("AdamW", opts, 1e-2));
  }
  protected update(p: nb.Tensor, grad: nb.Tensor, st: ParamState, g: ParamGroup<AdamOptions>): void {
    adamStep(p, grad, st, g, true);
  }
}
