// Adagrad, Adadelta and RMSprop (centred and with momentum), following PyTorch's update rules.
import * as nb from "../index.js";
import { buffer, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from "./optimizer.js";

const withDecay = (grad: nb.Tensor, p: nb.Tensor, wd: number, maximize: boolean): nb.Tensor => {
  const d = maximize ? grad.neg() : grad;
  return wd !== 0 ? d.add(p.detach(), { alpha: wd }) : d;
};

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
  [k: string]: number | boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...opts,
    });
  }
  protected update(p: nb.Tensor, grad: nb.Tensor, st: ParamState, g: ParamGroup<AdagradOptions>): void {
    const step = ((st.step as number | undefined) ?? 0) + 1;
    st.step = step;
    const d = withDecay(grad, p, g.weightDecay, g.maximize);
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const sum = buffer(st, "sum", p, () => nb.fullLike(p, g.initialAccumulatorValue)).add(d.mul(d));
    st.sum = sum;
    p.sub_(d.div(sum.sqrt().add(g.eps)), { alpha: clr });
  }
}

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
  [k: string]: number | boolean;
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsArg<AdadeltaOptions>, opts: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...opts });
  }
  protected update(p: nb.Tensor, grad: nb.Tensor, st: ParamState, g: ParamGroup<AdadeltaOptions>): void {
    st.step = ((st.step as number | undefined) ?? 0) + 1;
    const d = withDecay(grad, p, g.weightDecay, g.maximize);
    const sq = buffer(st, "squareAvg", p)
      .mul(g.rho)
      .add(d.mul(d), { alpha: 1 - g.rho });
    const acc = buffer(st, "accDelta", p);
    const delta = acc.add(g.eps).sqrt().div(sq.add(g.eps).sqrt()).mul(d);
    st.squareAvg = sq;
    st.accDelta = acc.mul(g.rho).add(delta.mul(delta), { alpha: 1 - g.rho });
    p.sub_(delta, { alpha: g.lr });
  }
}

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
  [k: string]: number | boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...opts,
    });
  }
  protected update(p: nb.Tensor, grad: nb.Tensor, st: ParamState, g: ParamGroup<RMSpropOptions>): void {
    st.step = ((st.step as number | undefined) ?? 0) + 1;
    const d = withDecay(grad, p, g.weightDecay, g.maximize);
    const sq = buffer(st, "squareAvg", p)
      .mul(g.alpha)
      .add(d.mul(d), { alpha: 1 - g.alpha });
    st.squareAvg = sq;
    let avg: nb.Tensor;
    if (g.centered) {
      const ga = buffer(st, "gradAvg", p)
        .mul(g.alpha)
        .add(d, { alpha: 1 - g.alpha });
      st.gradAvg = ga;
      avg = sq.sub(ga.mul(ga)).sqrt().add(g.eps);
    } else avg = sq.sqrt().add(g.eps);
    if (g.momentum > 0) {
      const buf = buffer(st, "momentumBuffer", p).mul(g.momentum).add(d.div(avg));
      st.momentumBuffer = buf;
      p.sub_(buf, { alpha: g.lr });
    } else p.sub_(d.div(avg), { alpha: g.lr });
  }
}
