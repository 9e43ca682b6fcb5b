// The optimizer base: parameter groups with their own hyper-parameters, per-parameter state, and
// stateDict/loadStateDict in PyTorch's layout (state keyed by parameter index, groups listing indices).
import * as nb from "../index.js";

export type Hyper = Record<string, number | boolean | readonly number[]>;

export type ParamGroup<H extends Hyper> = H & { params: nb.Tensor[] };

/** H without its index signature, so a group's `params` does not have to fit it. */
type Known<H> = { [K in keyof H as string extends K ? never : K]: H[K] };

/** A parameter group: its parameters and any hyper-parameters that differ from the defaults. */
export type GroupSpec<H extends Hyper> = Partial<Known<H>> & { params: Iterable<nb.Tensor> };

export type ParamsArg<H extends Hyper> = Iterable<nb.Tensor> | GroupSpec<H>[];

export type StateValue = nb.Tensor | number;
export type ParamState = Record<string, StateValue>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Hyper & { params: number[] })[];
}

export abstract class Optimizer<H extends Hyper = Hyper> {
  readonly paramGroups: ParamGroup<H>[];
  readonly defaults: H;
  /** per-parameter state (momentum buffers, step counts…) */
  state = new Map<nb.Tensor, ParamState>();

  constructor(params: ParamsArg<H>, defaults: H) {
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new nb.NablaError(`${this.constructor.name}: got an empty parameter list`);
    type Spec = GroupSpec<H>;
    const groups: Spec[] =
      list[0] instanceof nb.Tensor ? [{ params: list as nb.Tensor[] } as unknown as Spec] : (list as Spec[]);
    this.paramGroups = [];
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: GroupSpec<H>): void {
    const params = [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof nb.Tensor))
        throw new nb.NablaError(`${this.constructor.name}: parameters must be Tensors`);
      if (!p.isLeaf) throw new nb.NablaError(`${this.constructor.name}: can't optimize a non-leaf Tensor`);
      if (seen.has(p))
        throw new nb.NablaError(`${this.constructor.name}: a parameter appears in more than one group`);
    }
    for (const k of Object.keys(group))
      if (k !== "params" && !(k in this.defaults))
        throw new nb.NablaError(
          `${this.constructor.name}: unknown option '${k}' (known: ${Object.keys(this.defaults).join(", ")})`,
        );
    this.paramGroups.push({ ...this.defaults, ...group, params } as ParamGroup<H>);
  }

  /** Sets every parameter's gradient to null (PyTorch's default set_to_none=True). */
  /** Clears the gradients: to null (the default, as PyTorch) or, with setToNone false, to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) nb.noGrad(() => p.grad!.zero_());
      }
  }

  /** Runs one update. `closure` (re-evaluating the loss) is accepted as in PyTorch. */
  step(closure?: () => nb.Tensor): nb.Tensor | undefined {
    const loss = closure ? nb.enableGrad(closure) : undefined;
    nb.noGrad(() => {
      for (const group of this.paramGroups)
        for (const p of group.params) {
          if (!p.grad) continue;
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          const state = st;
          // the update's temporaries are freed as it returns; the state it keeps is not
          nb.scope(() => {
            this.update(p, p.grad!, state, group);
            for (const v of Object.values(state)) if (v instanceof nb.Tensor) nb.keep(v);
          });
        }
    });
    return loss;
  }

  /** Updates one parameter in place from its gradient, state and group hyper-parameters. */
  protected abstract update(p: nb.Tensor, grad: nb.Tensor, state: ParamState, group: ParamGroup<H>): void;

  stateDict(): OptimizerStateDict {
    const index = new Map<nb.Tensor, number>();
    this.paramGroups.forEach((g) => g.params.forEach((p) => index.set(p, index.size)));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...s };
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      return { ...(hyper as unknown as Hyper), params: params.map(() => next++) };
    });
    return { state, paramGroups };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new nb.NablaError(
        `${name}.loadStateDict: ${sd.paramGroups.length} parameter groups saved, ${this.paramGroups.length} here`,
      );
    const all: nb.Tensor[] = [];
    sd.paramGroups.forEach((saved, i) => {
      const g = this.paramGroups[i]!;
      if (saved.params.length !== g.params.length)
        throw new nb.NablaError(
          `${name}.loadStateDict: group ${i} saved ${saved.params.length} parameters, has ${g.params.length}`,
        );
      const { params: _ignored, ...hyper } = saved;
      Object.assign(g, hyper);
      all.push(...g.params);
    });
    this.state = new Map();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = all[Number(k)];
      if (!p)
        throw new nb.NablaError(`${name}.loadStateDict: state for parameter ${k}, which does not exist`);
      const copy: ParamState = {};
      for (const [key, v] of Object.entries(s)) {
        if (v instanceof nb.Tensor && v.numel() !== 1 && v.shape.join() !== p.shape.join())
          throw new nb.NablaError(
            `${name}.loadStateDict: state '${key}' of parameter ${k} has shape [${v.shape}], parameter has [${p.shape}]`,
          );
        copy[key] = v instanceof nb.Tensor ? v.detach().clone() : v;
      }
      this.state.set(p, copy);
    }
  }
}

/** A state tensor, created as zeros like the parameter on first use. */
export function buffer(state: ParamState, key: string, like: nb.Tensor, init?: () => nb.Tensor): nb.Tensor {
  let b = state[key];
  if (!(b instanceof nb.Tensor)) {
    b = init ? init() : nb.zerosLike(like);
    state[key] = b;
  }
  return b;
}
