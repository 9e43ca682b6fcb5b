// LoRA (Hu et al. 2021): a frozen Linear plus a trainable low-rank update, y = xWᵀ + b + s·(x Aᵀ)Bᵀ
// with A [r, in], B [out, r] (zero at start, so training begins from the base model) and
// s = alpha / r. Adapters can be merged into W for inference and unmerged again.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { kaimingUniform_ } from "./init.js";
import { Linear } from "./layers.js";
import { Module, Parameter } from "./module.js";

export interface LoraOptions {
  r: number;
  alpha?: number;
  dropout?: number;
  generator?: nb.Generator;
}

export class LoRALinear extends Module {
  loraA: Parameter;
  loraB: Parameter;
  readonly scaling: number;
  merged = false;

  constructor(
    readonly base: Linear,
    readonly opts: LoraOptions,
  ) {
    super();
    const { r, alpha = r } = opts;
    if (!Number.isInteger(r) || r < 1)
      throw new nb.NablaError(`LoRALinear: rank r must be a positive integer, got ${r}`);
    const dtype = base.weight.dtype;
    this.loraA = new Parameter(nb.zeros([r, base.inFeatures], { dtype }));
    kaimingUniform_(this.loraA, { a: Math.sqrt(5), generator: opts.generator });
    this.loraB = new Parameter(nb.zeros([base.outFeatures, r], { dtype }));
    this.scaling = alpha / r;
    base.weight.requiresGrad_(false);
    base.bias?.requiresGrad_(false);
  }

  /** ΔW = s·B·A, shaped like the base weight [out, in]. */
  delta(): nb.Tensor {
    return this.loraB.matmul(this.loraA).mul(this.scaling);
  }

  forward(x: nb.Tensor): nb.Tensor {
    const y = this.base.forward(x);
    if (this.merged) return y;
    const h = F.dropout(x, this.opts.dropout ?? 0, {
      training: this.training,
      generator: this.opts.generator,
    });
    return y.add(h.matmul(this.loraA.T).matmul(this.loraB.T).mul(this.scaling));
  }

  /** Folds the adapter into the base weight (no extra cost at inference). */
  merge(): void {
    if (this.merged) return;
    nb.noGrad(() => this.base.weight.add_(this.delta()));
    this.merged = true;
  }

  unmerge(): void {
    if (!this.merged) return;
    nb.noGrad(() => this.base.weight.sub_(this.delta()));
    this.merged = false;
  }
}

/**
 * Replaces every Linear whose dotted name ends with one of `targets` (e.g. "c_attn") by a
 * LoRALinear around it, freezes every other parameter, and returns the wrapped names.
 */
export function applyLora(model: Module, targets: readonly string[], opts: LoraOptions): string[] {
  const wrapped: string[] = [];
  for (const p of model.parameters()) p.requiresGrad_(false);
  for (const [name, m] of [...model.namedModules()]) {
    for (const [prop, child] of Object.entries(m)) {
      if (!(child instanceof Linear)) continue;
      const full = name
        ? `${name}.${[...m.namedChildren()].find(([, c]) => c === child)![0]}`
        : [...m.namedChildren()].find(([, c]) => c === child)![0];
      if (!targets.some((t) => full === t || full.endsWith(`.${t}`))) continue;
      (m as unknown as Record<string, unknown>)[prop] = new LoRALinear(child, opts);
      wrapped.push(full);
    }
  }
  if (wrapped.length === 0)
    throw new nb.NablaError(`applyLora: no Linear layer matches ${targets.join(", ")}`);
  return wrapped;
}

/** The adapter weights alone (keys containing "lora_"), to save apart from the base model. */
export function loraStateDict(model: Module): Record<string, nb.Tensor> {
  return Object.fromEntries(Object.entries(model.stateDict()).filter(([k]) => /(^|\.)lora_[ab]$/.test(k)));
}

/** Loads adapter weights saved by loraStateDict; every adapter of the model must be present. */
export function loadLoraStateDict(model: Module, sd: Record<string, nb.Tensor>): void {
  const own = loraStateDict(model);
  const missing = Object.keys(own).filter((k) => !(k in sd));
  const unexpected = Object.keys(sd).filter((k) => !(k in own));
  if (missing.length || unexpected.length)
    throw new nb.NablaError(
      `loadLoraStateDict: missing keys: ${missing.join(", ") || "none"}; unexpected keys: ${unexpected.join(", ") || "none"}`,
    );
  model.loadStateDict({ ...model.stateDict(), ...sd });
}

/** merge() or unmerge() every adapter in the model. */
export function mergeLora(model: Module, merge = true): void {
  for (const m of model.modules()) {
    if (!(m instanceof LoRALinear)) continue;
    if (merge) m.merge();
    else m.unmerge();
  }
}
