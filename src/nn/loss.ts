// Loss functions (torch.nn.functional names in camelCase) with reduction "mean" | "sum" | "none",
// built from tensor ops so autograd differentiates them. Class-index targets are int32 tensors.
import * as nb from "../index.js";

export type Reduction = "mean" | "sum" | "none";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;

function reduce(op: string, loss: nb.Tensor, reduction: Reduction = "mean"): nb.Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  if (reduction === "none") return loss;
  throw new nb.NablaError(`${op}: reduction must be "mean", "sum" or "none", got "${reduction as string}"`);
}

/** PyTorch broadcasts mismatched shapes with a warning; nabla refuses, since it is nearly always a bug. */
function sameShape(op: string, input: nb.Tensor, target: nb.Tensor): void {
  if (input.shape.join() !== target.shape.join())
    throw new nb.ShapeError(
      `${op}: input ${shp(input.shape)} and target ${shp(target.shape)} must have the same shape`,
    );
}

export interface ReductionOption {
  reduction?: Reduction;
}

/** (input − target)². */
export function mseLoss(input: nb.Tensor, target: nb.Tensor, opts: ReductionOption = {}): nb.Tensor {
  sameShape("mseLoss", input, target);
  return reduce("mseLoss", input.sub(target).square(), opts.reduction);
}

/** |input − target|. */
export function l1Loss(input: nb.Tensor, target: nb.Tensor, opts: ReductionOption = {}): nb.Tensor {
  sameShape("l1Loss", input, target);
  return reduce("l1Loss", input.sub(target).abs(), opts.reduction);
}

/** 0.5·d²/β where |d| < β, else |d| − 0.5·β (β = 0 is the L1 loss). */
export function smoothL1Loss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: ReductionOption & { beta?: number } = {},
): nb.Tensor {
  sameShape("smoothL1Loss", input, target);
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new nb.NablaError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  const d = input.sub(target).abs();
  if (beta === 0) return reduce("smoothL1Loss", d, opts.reduction);
  return reduce(
    "smoothL1Loss",
    nb.where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)),
    opts.reduction,
  );
}

/** 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ): smoothL1 with β = δ, times δ. */
export function huberLoss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: ReductionOption & { delta?: number } = {},
): nb.Tensor {
  sameShape("huberLoss", input, target);
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new nb.NablaError(`huberLoss: delta must be > 0, got ${delta}`);
  const d = input.sub(target).abs();
  return reduce(
    "huberLoss",
    nb.where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)),
    opts.reduction,
  );
}

export interface ClassLossOptions extends ReductionOption {
  /** a weight per class [C] */
  weight?: nb.Tensor | null;
  /** targets equal to this contribute nothing (default −100) */
  ignoreIndex?: number;
}

/** The class dim and count of an input [C], [N, C] or [N, C, d1, …]. */
function classDimOf(op: string, input: nb.Tensor): [number, number] {
  if (input.ndim === 0)
    throw new nb.ShapeError(`${op}: input must be [C], [N, C] or [N, C, d1, ...], got a 0-d tensor`);
  const d = input.ndim === 1 ? 0 : 1;
  return [d, input.shape[d]!];
}

/** Moves the class dim last and flattens: [N, C, d…] → [N·d…, C]; [C] → [1, C]. */
function classesLast(input: nb.Tensor): nb.Tensor {
  if (input.ndim <= 2) return input.ndim === 1 ? input.unsqueeze(0) : input;
  const perm = [0, ...input.shape.map((_, i) => i).slice(2), 1];
  return input.permute(perm).reshape(-1, input.shape[1]!);
}

function checkWeight(op: string, weight: nb.Tensor | null | undefined, C: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C))
    throw new nb.ShapeError(`${op}: weight ${shp(weight.shape)} must hold one entry per class [${C}]`);
}

/** Checks class-index targets: shape [N, d…] for input [N, C, d…] ([] for [C]), int32, each in [0, C) or ignoreIndex. */
function checkIndexTarget(op: string, input: nb.Tensor, target: nb.Tensor, C: number, ignore: number): void {
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join() || target.ndim !== expected.length)
    throw new nb.ShapeError(
      `${op}: input ${shp(input.shape)} needs a class-index target of shape ${shp(expected)}, got ${shp(target.shape)}`,
    );
  if (target.dtype !== "int32")
    throw new nb.NablaError(`${op}: class-index targets must be int32, got ${target.dtype}`);
  const t = target.dataSync();
  for (let i = 0; i < t.length; i++)
    if (t[i] !== ignore && !(t[i]! >= 0 && t[i]! < C))
      throw new RangeError(
        `${op}: target ${t[i]} is out of bounds for ${C} classes (and is not ignoreIndex ${ignore})`,
      );
}

/**
 * The weighted negative log likelihood per element, its weights (0 where ignored) and the valid
 * mask, all flat [M]; logp is [M, C].
 */
function nllTerms(logp: nb.Tensor, target: nb.Tensor, weight: nb.Tensor | null | undefined, ignore: number) {
  const t = target.reshape(-1);
  const valid = t.ne(ignore);
  const safe = nb.where(valid, t, 0);
  let w = valid.to(logp.dtype);
  if (weight) w = w.mul(weight.indexSelect(0, safe));
  const losses = logp.gather(1, safe.unsqueeze(1)).squeeze(1).neg().mul(w);
  return { losses, w, valid };
}

function nll(op: string, logp: nb.Tensor, target: nb.Tensor, opts: ClassLossOptions): nb.Tensor {
  const [, C] = classDimOf(op, logp);
  const ignore = opts.ignoreIndex ?? -100;
  checkWeight(op, opts.weight, C);
  checkIndexTarget(op, logp, target, C, ignore);
  const { losses, w } = nllTerms(classesLast(logp), target, opts.weight, ignore);
  const reduction = opts.reduction ?? "mean";
  if (reduction === "none") return losses.reshape(target.shape);
  if (reduction === "sum") return losses.sum();
  if (reduction === "mean") return losses.sum().div(w.sum()); // a weighted mean; all ignored gives NaN, as PyTorch
  return reduce(op, losses, reduction);
}

/** Negative log likelihood of log-probabilities [C], [N, C] or [N, C, d…] at class indices [], [N] or [N, d…]. */
export function nllLoss(input: nb.Tensor, target: nb.Tensor, opts: ClassLossOptions = {}): nb.Tensor {
  return nll("nllLoss", input, target, opts);
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** mixes the target with the uniform distribution: (1 − ε)·target + ε/C */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [C], [N, C] or [N, C, d…] against class indices ([], [N] or [N, d…],
 * int32) or class probabilities (float, the input's shape), with PyTorch's weight, ignoreIndex
 * and labelSmoothing rules. With indices, "mean" divides by the summed weights of the targets;
 * with probabilities, by the number of elements N·d….
 */
export function crossEntropy(input: nb.Tensor, target: nb.Tensor, opts: CrossEntropyOptions = {}): nb.Tensor {
  const op = "crossEntropy";
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new nb.NablaError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  const [classDim, C] = classDimOf(op, input);
  checkWeight(op, opts.weight, C);
  const logp = nb.logSoftmax(input, classDim);
  const reduction = opts.reduction ?? "mean";
  const wShape = input.shape.map((d, i) => (i === classDim ? C : 1));
  const weighted = (t: nb.Tensor) => (opts.weight ? t.mul(opts.weight.reshape(wShape)) : t);
  if (target.dtype !== "int32") {
    if (target.shape.join() !== input.shape.join() || target.ndim !== input.ndim)
      throw new nb.ShapeError(
        `${op}: probability targets must have the input's shape ${shp(input.shape)}, got ${shp(target.shape)} (class indices must be int32)`,
      );
    if ((opts.ignoreIndex ?? -100) >= 0)
      throw new nb.NablaError(`${op}: ignoreIndex is not supported for probability targets`);
    const p = eps > 0 ? target.mul(1 - eps).add(eps / C) : target;
    const losses = weighted(logp.mul(p)).sum(classDim).neg();
    if (reduction === "mean") return losses.sum().div(input.numel() / C);
    return reduce(op, losses, reduction);
  }
  const ignore = opts.ignoreIndex ?? -100;
  checkIndexTarget(op, input, target, C, ignore);
  const { losses, w, valid } = nllTerms(classesLast(logp), target, opts.weight, ignore);
  const shaped = (t: nb.Tensor) => t.reshape(target.shape);
  const nllPart =
    reduction === "none"
      ? shaped(losses)
      : reduction === "mean"
        ? losses.sum().div(w.sum())
        : reduce(op, losses, reduction);
  if (eps === 0) return nllPart;
  // the uniform part: −Σ_c w_c·log p_c per element, zero where ignored; "mean" divides by the same weight sum as the nll part
  const smooth = nb.where(valid, classesLast(weighted(logp)).sum(1).neg(), 0);
  const smoothPart =
    reduction === "none"
      ? shaped(smooth)
      : reduction === "mean"
        ? smooth.sum().div(w.sum())
        : reduce(op, smooth, reduction);
  return nllPart.mul(1 - eps).add(smoothPart.mul(eps / C));
}

/** Binary cross-entropy of probabilities in [0, 1]; each log is clamped at −100, as in PyTorch. */
export function binaryCrossEntropy(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: ReductionOption & { weight?: nb.Tensor | null } = {},
): nb.Tensor {
  const op = "binaryCrossEntropy";
  sameShape(op, input, target);
  const v = input.dataSync();
  for (let i = 0; i < v.length; i++)
    if (!(v[i]! >= 0 && v[i]! <= 1))
      throw new RangeError(`${op}: every input must be a probability in [0, 1], got ${v[i]}`);
  const logP = nb.clampMin(input.log(), -100);
  const log1mP = nb.clampMin(nb.sub(1, input).log(), -100);
  let loss = target.mul(logP).add(nb.sub(1, target).mul(log1mP)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce(op, loss, opts.reduction);
}

/**
 * Binary cross-entropy on logits, computed stably: (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x), with
 * softplus(−x) = −log σ(x). posWeight (broadcast against the last, class dim) weighs the positives.
 */
export function binaryCrossEntropyWithLogits(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: ReductionOption & { weight?: nb.Tensor | null; posWeight?: nb.Tensor | null } = {},
): nb.Tensor {
  sameShape("binaryCrossEntropyWithLogits", input, target);
  const softplusNeg = nb.logSigmoid(input).neg();
  const logWeight = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let loss = nb
    .sub(1, target)
    .mul(input)
    .add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce("binaryCrossEntropyWithLogits", loss, opts.reduction);
}

/**
 * KL divergence of log-probability inputs: target·(log target − input), with 0·log 0 = 0, or
 * e^target·(target − input) when logTarget. "batchmean" divides the sum by the batch size
 * (the mathematically right mean; PyTorch's "mean" divides by every element).
 */
export function klDiv(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): nb.Tensor {
  sameShape("klDiv", input, target);
  const pointwise = opts.logTarget
    ? target.exp().mul(target.sub(input))
    : nb.xlogy(target, target).sub(target.mul(input));
  if (opts.reduction === "batchmean") return pointwise.sum().div(input.ndim > 0 ? input.shape[0]! : 1);
  return reduce("klDiv", pointwise, opts.reduction);
}

/**
 * The multi-class margin (hinge) loss of scores [N, C] (or [C]) and class indices [N] (or []):
 * Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p / C per sample.
 */
export function multiMarginLoss(
  input: nb.Tensor,
  target: nb.Tensor,
  opts: ReductionOption & { p?: number; margin?: number; weight?: nb.Tensor | null } = {},
): nb.Tensor {
  const op = "multiMarginLoss";
  const p = opts.p ?? 1;
  if (p !== 1 && p !== 2) throw new nb.NablaError(`${op}: only p = 1 and p = 2 are supported, got ${p}`);
  if (input.ndim !== 1 && input.ndim !== 2)
    throw new nb.ShapeError(`${op}: input must be [N, C] or [C], got ${shp(input.shape)}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const C = x.shape[1]!;
  checkWeight(op, opts.weight, C);
  checkIndexTarget(op, input.ndim === 1 ? input : x, target, C, -Infinity);
  const t = target.reshape(-1);
  const z = x.sub(x.gather(1, t.unsqueeze(1))).add(opts.margin ?? 1); // margin − x_y + x_i, [N, C]
  let h = nb.where(z.gt(0), z, 0); // PyTorch's rule: only z > 0 contributes, also to the gradient
  if (p === 2) h = h.square();
  if (opts.weight) h = h.mul(opts.weight.indexSelect(0, t).unsqueeze(1));
  const notTarget = nb.oneHot(t, C).eq(0);
  const losses = nb.where(notTarget, h, 0).sum(1).div(C);
  return reduce(op, input.ndim === 1 ? losses.squeeze(0) : losses, opts.reduction);
}

/**
 * Cosine similarity along dim of x1 and x2 (broadcast together): Σ (x1/‖x1‖)·(x2/‖x2‖), each norm
 * clamped below at eps, as PyTorch computes it.
 */
export function cosineSimilarity(x1: nb.Tensor, x2: nb.Tensor, dim = 1, eps = 1e-8): nb.Tensor {
  const n1 = nb.clampMin(x1.norm(2, dim, { keepdim: true }), eps);
  const n2 = nb.clampMin(x2.norm(2, dim, { keepdim: true }), eps);
  return x1.div(n1).mul(x2.div(n2)).sum(dim);
}
