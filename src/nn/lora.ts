// LoRA (Hu et al. 2021): a frozen Linear plus a trainable low-rank update, y = xWᵀ + b + s·(x Aᵀ)Bᵀ
// with A [r, in], B [out, r] (zero at start, so training begins from the base model) and
// s = alpha / r. A LoRALinear keeps the base layer's own `weight` and `bias` (so the base model's
// state dict still loads into the wrapped one) and adds `lora_a`, `lora_b`. Adapters can be
// merged into W for inference and unmerged again.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { kaimingUniform_ } from "./init.js";
import { Linear } from "./layers.js";
import { Module, Parameter } from "./module.js";

export interface LoraOptions {
  r: number;
  /** the update is scaled by alpha / r (default alpha = r) */
  alpha?: number;
  /** dropout on the adapter's input (training only) */
  dropout?: number;
  generator?: nb.Generator;
}

export class LoRALinear extends Module {
  /** the base layer's parameters, frozen */
  weight: Parameter;
  bias: Parameter | null;
  loraA: Parameter;
  loraB: Parameter;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly r: number;
  readonly alpha: number;
  readonly scaling: number;
  merged = false;

  constructor(
    base: Linear,
    readonly opts: LoraOptions,
  ) {
    super();
    const { r, alpha = r, dropout = 0 } = opts;
    if (!Number.isInteger(r) || r < 1)
      throw new nb.NablaError(`LoRALinear: rank r must be a positive integer, got ${r}`);
    if (!(Number.isFinite(alpha) && alpha > 0))
      throw new nb.NablaError(`LoRALinear: alpha must be a positive number, got ${alpha}`);
    if (!(dropout >= 0 && dropout < 1))
      throw new nb.NablaError(`LoRALinear: dropout must be in [0, 1), got ${dropout}`);
    this.weight = base.weight;
    this.bias = base.bias;
    this.inFeatures = base.inFeatures;
    this.outFeatures = base.outFeatures;
    const dtype = base.weight.dtype;
    this.loraA = new Parameter(nb.zeros([r, base.inFeatures], { dtype }));
    kaimingUniform_(this.loraA, { a: Math.sqrt(5), generator: opts.generator });
    this.loraB = new Parameter(nb.zeros([base.outFeatures, r], { dtype }));
    this.r = r;
    this.alpha = alpha;
    this.scaling = alpha / r;
    this.weight.requiresGrad_(false);
    this.bias?.requiresGrad_(false);
  }

  /** ΔW = s·B·A, shaped like the base weight [out, in]. */
  delta(): nb.Tensor {
    return this.loraB.matmul(this.loraA).mul(this.scaling);
  }

  /** x [..., in] → [..., out]. */
  forward(x: nb.Tensor): nb.Tensor {
    const y = F.linear(x, this.weight, this.bias);
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
    nb.noGrad(() => this.weight.add_(this.delta()));
    this.merged = true;
  }

  /** Takes the adapter back out of the base weight (exact up to rounding). */
  unmerge(): void {
    if (!this.merged) return;
    nb.noGrad(() => this.weight.sub_(this.delta()));
    this.merged = false;
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, r=${this.r}, alpha=${this.alpha}, merged=${this.merged}`;
  }
}

/** Puts `next` where `parent` holds `child`: a property, or an entry of a container (Sequential…). */
function replaceChild(parent: Module, child: Module, next: Module): void {
  const bag = parent as unknown as Record<string, unknown>;
  const prop = Object.keys(bag).find((k) => bag[k] === child);
  if (prop !== undefined) {
    bag[prop] = next;
    return;
  }
  // containers keep their children in a protected `items` map (see containers.ts)
  const items = (parent as unknown as { items?: Map<string, Module> }).items;
  const key = items && [...items].find(([, m]) => m === child)?.[0];
  if (key === undefined)
    throw new nb.NablaError(`applyLora: cannot find where ${parent.constructor.name} holds a layer`);
  items!.set(key, next);
}

/**
 * Replaces every Linear whose dotted name is, or ends with, one of `targets` (e.g. "c_attn" or
 * "h.0.attn.c_attn") by a LoRALinear around it, freezes every other parameter, and returns the
 * names it wrapped. The state-dict keys of the base model stay the same.
 */
export function applyLora(model: Module, targets: readonly string[], opts: LoraOptions): string[] {
  const matches = (name: string) => targets.some((t) => name === t || name.endsWith(`.${t}`));
  const found: [Module, Linear, string][] = [];
  for (const [prefix, m] of model.namedModules())
    for (const [key, child] of m.namedChildren()) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (child instanceof Linear && matches(name)) found.push([m, child, name]);
    }
  if (found.length === 0)
    throw new nb.NablaError(
      `applyLora: no Linear layer is named ${targets.map((t) => `"${t}"`).join(" or ")}`,
    );
  for (const p of model.parameters()) p.requiresGrad_(false);
  for (const [parent, child] of found) replaceChild(parent, child, new LoRALinear(child, opts));
  return found.map(([, , name]) => name);
}

const isLoraKey = (k: string) => /(^|\.)lora_[ab]$/.test(k);

/** The adapter weights alone (keys ending in lora_a / lora_b), to save apart from the base model. */
export function loraStateDict(model: Module): Record<string, nb.Tensor> {
  return Object.fromEntries(Object.entries(model.stateDict()).filter(([k]) => isLoraKey(k)));
}

/**
 * Loads adapter weights saved by loraStateDict into a model with the same adapters; every adapter
 * must be there and nothing else. Merged adapters are unmerged first and merged again after.
 */
export function loadLoraStateDict(model: Module, sd: Record<string, nb.Tensor>): void {
  const own = loraStateDict(model);
  const missing = Object.keys(own).filter((k) => !(k in sd));
  const unexpected = Object.keys(sd).filter((k) => !(k in own));
  const misShaped = Object.keys(own)
    .filter((k) => k in sd && sd[k]!.shape.join() !== own[k]!.shape.join())
    .map((k) => `${k}: [${sd[k]!.shape}] vs [${own[k]!.shape}] in the model`);
  if (missing.length || unexpected.length || misShaped.length)
    throw new nb.NablaError(
      `loadLoraStateDict: ${[
        missing.length ? `missing adapters: ${missing.join(", ")}` : "",
        unexpected.length ? `unexpected keys: ${unexpected.join(", ")}` : "",
        misShaped.length ? `size mismatch for ${misShaped.join("; ")}` : "",
      ]
        .filter(Boolean)
        .join("; ")}`,
    );
  const merged = [...model.modules()].filter((m): m is LoRALinear => m instanceof LoRALinear && m.merged);
  for (const m of merged) m.unmerge();
  nb.noGrad(() => {
    for (const [k, t] of Object.entries(own)) t.copy_(sd[k]!);
  });
  for (const m of merged) m.merge();
}

/** merge() (or, with false, unmerge()) every adapter in the model. */
export function mergeLora(model: Module, merge = true): void {
  for (const m of model.modules())
    if (m instanceof LoRALinear) {
      if (merge) m.merge();
      else m.unmerge();
    }
}
