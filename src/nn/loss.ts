// Loss functions (torch.nn.functional names in camelCase) with reduction "mean" | "sum" | "none",
// built from tensor ops. Class-index targets are int32 tensors.
import * as nb from "../index.js";

export type Reduction = "mean" | "sum" | "none";

function reduce(op: string, loss: nb.Tensor, reduction: Reduction = "mean"): nb.Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  if (reduction === "none") return loss;
  throw new nb.NablaError(`${op}: reduction must be "mean", "sum" or "none", got "${reduction as string}"`);
}

function sameShape(op: string, input: nb.Tensor, target: nb.Tensor): void {
  if (input.shape.join() !== target.shape.join())
    throw new nb.ShapeError(
      `${op}: input [${input.shape}] and target [${target.shape}] must have the same shape`,
    );
}

export const mseLoss = (input: nb.Tensor, target: nb.Tensor, opts: { reduction?: Reduction } = {}) => {
  sameShape("mseLoss", input, target);
  return reduce("mseLoss", input.sub(target).square(), opts.reduction);
};

export const l1Loss = (input: nb.Tensor, target: nb.Tensor, opts: { reduction?: Reduction } = {}) => {
  sameShape("l1Loss", input, target);
  return reduce("l1Loss", input.sub(target).abs(), opts.reduction);
};

/** 0.5·d²/β where |d| < β, else |d| − 0.5·β. */
export function smoothL1Loss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { reduction?: Reduction; beta?: number } = {},
): nb.Tensor {
  sameShape("smoothL1Loss", input, target);
  const beta = opts.beta ?? 1;
  const d = input.sub(target).abs();
  if (beta === 0) return reduce("smoothL1Loss", d, opts.reduction);
  return reduce(
    "smoothL1Loss",
    nb.where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)),
    opts.reduction,
  );
}

/** 0.5·d² where |d| ≤ δ, else δ·(|d| − 0.5·δ). */
export function huberLoss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { reduction?: Reduction; delta?: number } = {},
): nb.Tensor {
  sameShape("huberLoss", input, target);
  const delta = opts.delta ?? 1;
  const d = input.sub(target).abs();
  return reduce(
    "huberLoss",
    nb.where(d.le(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)),
    opts.reduction,
  );
}

export interface ClassLossOptions {
  weight?: nb.Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Moves the class dim (1) last and flattens: [N, C, d…] → [N·d…, C]; a [C] input becomes [1, C]. */
function classesLast(op: string, input: nb.Tensor): nb.Tensor {
  if (input.ndim === 1) return input.unsqueeze(0);
  if (input.ndim === 2) return input;
  if (input.ndim < 1) throw new nb.ShapeError(`${op}: input must have a class dim, got [${input.shape}]`);
  const perm = [0, ...input.shape.map((_, i) => i).slice(2), 1];
  return input.permute(perm).reshape(-1, input.shape[1]!);
}

function checkTarget(op: string, input: nb.Tensor, target: nb.Tensor): void {
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join())
    throw new nb.ShapeError(
      `${op}: input [${input.shape}] needs a class-index target of shape [${expected}], got [${target.shape}]`,
    );
  if (target.dtype !== "int32")
    throw new nb.NablaError(`${op}: class-index targets must be int32, got ${target.dtype}`);
}

/** Negative log likelihood of log-probabilities [N, C, …] at class indices [N, …]. */
export function nllLoss(input: nb.Tensor, target: nb.Tensor, opts: ClassLossOptions = {}): nb.Tensor {
  checkTarget("nllLoss", input, target);
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const logp = classesLast("nllLoss", input); // [M, C]
  const t = target.reshape(-1); // [M]
  const ignore = opts.ignoreIndex ?? -100;
  const valid = t.ne(ignore);
  const safe = nb.where(valid, t, 0);
  const bad = nb.logicalAnd(valid, nb.logicalOr(safe.lt(0), safe.ge(C)));
  if (bad.any().item())
    throw new nb.NablaError(
      `nllLoss: target holds a class index outside [0, ${C}) (and not ignoreIndex ${ignore})`,
    );
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1).neg(); // [M]
  let w = valid.to(logp.dtype);
  if (opts.weight) w = w.mul(opts.weight.indexSelect(0, safe));
  const losses = picked.mul(w);
  const reduction = opts.reduction ?? "mean";
  if (reduction === "none") return losses.reshape(target.shape);
  if (reduction === "sum") return losses.sum();
  return losses.sum().div(w.sum());
}

export interface CrossEntropyOptions extends ClassLossOptions {
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [N, C, …] against class indices [N, …] (int32) or class probabilities
 * of the input's shape (float), with PyTorch's weight, ignoreIndex and labelSmoothing rules.
 */
export function crossEntropy(input: nb.Tensor, target: nb.Tensor, opts: CrossEntropyOptions = {}): nb.Tensor {
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1)
    throw new nb.NablaError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const logp = nb.logSoftmax(input, classDim);
  const reduction = opts.reduction ?? "mean";
  const wShape = input.shape.map((d, i) => (i === classDim ? C : 1));
  if (target.dtype !== "int32") {
    // class probabilities
    if (target.shape.join() !== input.shape.join())
      throw new nb.ShapeError(
        `crossEntropy: probability targets must match the input's shape [${input.shape}], got [${target.shape}]`,
      );
    const p = eps > 0 ? target.mul(1 - eps).add(eps / C) : target;
    let terms = logp.mul(p);
    if (opts.weight) terms = terms.mul(opts.weight.reshape(wShape));
    const losses = terms.sum(classDim).neg();
    if (reduction === "none") return losses;
    if (reduction === "sum") return losses.sum();
    return losses.sum().div(input.ndim === 1 ? 1 : input.numel() / C);
  }
  const nll = nllLoss(logp, target, { ...opts, reduction });
  if (eps === 0) return nll;
  // smoothing term: −Σ_c w_c·log p_c per element, masked like nll
  checkTarget("crossEntropy", input, target);
  let smooth = opts.weight ? logp.mul(opts.weight.reshape(wShape)) : logp;
  smooth = smooth.sum(classDim).neg();
  const valid = target.ne(opts.ignoreIndex ?? -100);
  smooth = nb.where(valid, smooth, 0);
  let s: nb.Tensor;
  if (reduction === "none") s = smooth;
  else if (reduction === "sum") s = smooth.sum();
  else {
    const denom = opts.weight
      ? opts.weight
          .indexSelect(0, nb.where(valid, target, 0).reshape(-1))
          .mul(valid.reshape(-1).to(logp.dtype))
          .sum()
      : valid.to(logp.dtype).sum();
    s = smooth.sum().div(denom);
  }
  return nll.mul(1 - eps).add(s.mul(eps / C));
}

/** Binary cross-entropy of probabilities; logs are clamped at −100 as in PyTorch. */
export function binaryCrossEntropy(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { weight?: nb.Tensor | null; reduction?: Reduction } = {},
): nb.Tensor {
  sameShape("binaryCrossEntropy", input, target);
  const logP = nb.clamp(input.log(), -100);
  const log1mP = nb.clamp(nb.sub(1, input).log(), -100);
  let loss = target.mul(logP).add(nb.sub(1, target).mul(log1mP)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce("binaryCrossEntropy", loss, opts.reduction);
}

/** Binary cross-entropy on logits, computed stably: (1−y)·x + (1 + (pw−1)·y)·log(1 + e^{−x}). */
export function binaryCrossEntropyWithLogits(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { weight?: nb.Tensor | null; posWeight?: nb.Tensor | null; reduction?: Reduction } = {},
): nb.Tensor {
  sameShape("binaryCrossEntropyWithLogits", input, target);
  // log(1 + e^{−x}) = log1p(e^{−|x|}) + max(−x, 0)
  const softplusNeg = input.abs().neg().exp().add(1).log().add(nb.clamp(input.neg(), 0));
  const logWeight = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let loss = nb
    .sub(1, target)
    .mul(input)
    .add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce("binaryCrossEntropyWithLogits", loss, opts.reduction);
}

/** KL divergence with log-probability input: target·(log target − input); "batchmean" divides by N. */
export function klDiv(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): nb.Tensor {
  const pointwise = opts.logTarget
    ? target.exp().mul(target.sub(input))
    : nb.where(target.gt(0), target.mul(nb.where(target.gt(0), target, 1).log().sub(input)), 0);
  if (opts.reduction === "batchmean") return pointwise.sum().div(input.ndim > 0 ? input.shape[0]! : 1);
  return reduce("klDiv", pointwise, opts.reduction);
}

/** The multi-class margin (hinge) loss: Σ_{i≠y} max(0, margin − x_y + x_i)^p / C per sample. */
export function multiMarginLoss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { p?: 1 | 2; margin?: number; weight?: nb.Tensor | null; reduction?: Reduction } = {},
): nb.Tensor {
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const t = target.reshape(-1);
  if (x.ndim !== 2 || t.shape[0] !== x.shape[0])
    throw new nb.ShapeError(
      `multiMarginLoss: input [${input.shape}] needs a target of shape [${x.shape[0]}], got [${target.shape}]`,
    );
  const C = x.shape[1]!;
  const xy = x.gather(1, t.unsqueeze(1)); // [N, 1]
  let m = nb.clamp(
    xy
      .neg()
      .add(x)
      .add(opts.margin ?? 1),
    0,
  );
  if ((opts.p ?? 1) === 2) m = m.square();
  if (opts.weight) m = m.mul(opts.weight.indexSelect(0, t).unsqueeze(1));
  const notTarget = nb.oneHot(t, C).eq(0);
  const losses = nb.where(notTarget, m, 0).sum(1).div(C);
  return reduce("multiMarginLoss", input.ndim === 1 ? losses.squeeze(0) : losses, opts.reduction);
}

/** x1·x2 / max(‖x1‖·‖x2‖, eps) along dim. */
export function cosineSimilarity(x1: nb.Tensor, x2: nb.Tensor, dim = 1, eps = 1e-8): nb.Tensor {
  const dotp = x1.mul(x2).sum(dim);
  const n = x1.square().sum(dim).mul(x2.square().sum(dim));
  return dotp.div(nb.clamp(n, eps * eps).sqrt());
}
