// nn.functional: stateless forms of the layers (linear, dropout, normalisations), composed from
// tensor ops so their gradients come from the primitives. Losses live in loss.ts.
import * as nb from "../index.js";

/** y = x·Wᵀ + b; x [..., in], W [out, in], b [out]. */
export function linear(x: nb.Tensor, weight: nb.Tensor, bias?: nb.Tensor | null): nb.Tensor {
  const inF = weight.shape[1]!;
  if (x.shape.at(-1) !== inF)
    throw new nb.ShapeError(
      `linear: input [${x.shape}] has ${x.shape.at(-1)} features in its last dim, weight [${weight.shape}] expects ${inF}`,
    );
  const y = x.matmul(weight.T);
  return bias ? y.add(bias) : y;
}

export function dropout(
  x: nb.Tensor,
  p = 0.5,
  opts: { training?: boolean; generator?: nb.Generator } = {},
): nb.Tensor {
  if (p < 0 || p > 1) throw new nb.NablaError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!(opts.training ?? true) || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = nb.rand(x.shape, { generator: opts.generator, dtype: x.dtype }).ge(p);
  return nb.where(keep, x.div(1 - p), 0);
}

function lastDims(op: string, x: nb.Tensor, normalizedShape: readonly number[]): number[] {
  const n = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - n);
  if (n > x.ndim || tail.join() !== normalizedShape.join())
    throw new nb.ShapeError(
      `${op}: input [${x.shape}] does not end with the normalized shape [${normalizedShape}]`,
    );
  return normalizedShape.map((_, i) => x.ndim - n + i);
}

/** (x − mean) / √(var + eps) · weight + bias over the trailing normalizedShape dims (biased var). */
export function layerNorm(
  x: nb.Tensor,
  normalizedShape: readonly number[],
  weight?: nb.Tensor | null,
  bias?: nb.Tensor | null,
  eps = 1e-5,
): nb.Tensor {
  const dims = lastDims("layerNorm", x, normalizedShape);
  const mu = x.mean(dims, { keepdim: true });
  const centered = x.sub(mu);
  const variance = centered.mul(centered).mean(dims, { keepdim: true });
  let y = centered.mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** x / √(mean(x²) + eps) · weight over the trailing dims (Zhang & Sennrich 2019). */
export function rmsNorm(
  x: nb.Tensor,
  normalizedShape: readonly number[],
  weight?: nb.Tensor | null,
  eps = 1e-6,
): nb.Tensor {
  const dims = lastDims("rmsNorm", x, normalizedShape);
  const y = x.mul(x.mul(x).mean(dims, { keepdim: true }).add(eps).rsqrt());
  return weight ? y.mul(weight) : y;
}

export interface BatchNormOptions {
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dim but the channel dim (1). In training it normalises with the
 * batch's biased variance and updates the running stats (in place) with the unbiased one.
 */
export function batchNorm(
  x: nb.Tensor,
  runningMean: nb.Tensor | null,
  runningVar: nb.Tensor | null,
  weight?: nb.Tensor | null,
  bias?: nb.Tensor | null,
  opts: BatchNormOptions = {},
): nb.Tensor {
  const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
  if (x.ndim < 2)
    throw new nb.ShapeError(`batchNorm: expected at least 2 dims (N, C, ...), got [${x.shape}]`);
  const C = x.shape[1]!;
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? C : 1));
  let mu: nb.Tensor;
  let variance: nb.Tensor;
  if (training || !runningMean || !runningVar) {
    const n = x.numel() / C;
    if (training && n <= 1)
      throw new nb.NablaError(
        `batchNorm: expected more than 1 value per channel when training, got input [${x.shape}]`,
      );
    mu = x.mean(dims, { keepdim: true });
    const c = x.sub(mu);
    variance = c.mul(c).mean(dims, { keepdim: true });
    if (training && runningMean && runningVar)
      nb.noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mu.reshape(C), { alpha: momentum });
        runningVar.mul_(1 - momentum).add_(variance.reshape(C).mul(n / (n - 1)), { alpha: momentum });
      });
  } else {
    mu = runningMean.reshape(bshape);
    variance = runningVar.reshape(bshape);
  }
  let y = x.sub(mu).mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}
