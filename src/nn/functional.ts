// nn.functional: stateless forms of the layers (linear, bilinear, dropout, normalisations, glu,
// prelu, normalize), composed from tensor ops so their gradients come from the primitives.
// Losses live in loss.ts, attention in attention.ts.
import * as nb from "../index.js";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;

/** y = x·Wᵀ + b; x [..., in], W [out, in], b [out] → [..., out]. */
export function linear(x: nb.Tensor, weight: nb.Tensor, bias?: nb.Tensor | null): nb.Tensor {
  if (weight.ndim !== 2)
    throw new nb.ShapeError(`linear: weight must be 2-D [out, in], got ${shp(weight.shape)}`);
  const inF = weight.shape[1]!;
  if (x.ndim === 0 || x.shape.at(-1) !== inF)
    throw new nb.ShapeError(
      `linear: input ${shp(x.shape)} has ${x.shape.at(-1) ?? "no"} features in its last dim, weight ${shp(weight.shape)} expects ${inF}`,
    );
  if (bias?.ndim === 1) {
    // a bias of the output's width joins the product inside its kernel (addmm), as in PyTorch
    const y = nb.addmm(bias, x.reshape(-1, inF), weight.T);
    return y.reshape([...x.shape.slice(0, -1), weight.shape[0]!]);
  }
  const y = x.matmul(weight.T);
  return bias ? y.add(bias) : y;
}

/** y[..., o] = Σ_ij x1[..., i]·W[o, i, j]·x2[..., j] + b[o]; x1 [..., in1], x2 [..., in2], W [out, in1, in2]. */
export function bilinear(
  x1: nb.Tensor,
  x2: nb.Tensor,
  weight: nb.Tensor,
  bias?: nb.Tensor | null,
): nb.Tensor {
  const [O, I, J] = weight.shape as [number, number, number];
  if (
    weight.ndim !== 3 ||
    x1.shape.at(-1) !== I ||
    x2.shape.at(-1) !== J ||
    x1.shape.slice(0, -1).join() !== x2.shape.slice(0, -1).join()
  )
    throw new nb.ShapeError(
      `bilinear: inputs ${shp(x1.shape)} and ${shp(x2.shape)} need equal leading dims and last dims matching weight ${shp(weight.shape)} [out, in1, in2]`,
    );
  const lead = x1.shape.slice(0, -1);
  const a = x1
    .reshape(-1, I)
    .matmul(weight.permute(1, 0, 2).reshape(I, O * J))
    .reshape(-1, O, J); // [M, O, J]
  let y = a
    .mul(x2.reshape(-1, 1, J))
    .sum(-1)
    .reshape([...lead, O]);
  if (bias) y = y.add(bias);
  return y;
}

/** Zeroes each element with probability p and scales the rest by 1/(1−p) (training only). */
export function dropout(
  x: nb.Tensor,
  p = 0.5,
  opts: { training?: boolean; generator?: nb.Generator } = {},
): nb.Tensor {
  if (!(p >= 0 && p <= 1)) throw new nb.NablaError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!(opts.training ?? true) || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = nb.rand(x.shape, { generator: opts.generator, dtype: x.dtype }).ge(p);
  return nb.where(keep, x.div(1 - p), 0);
}

/** The machine epsilon of a float dtype: PyTorch's default eps for rmsNorm. */
export const finfoEps = (dtype: nb.DType): number => (dtype === "float64" ? 2 ** -52 : 2 ** -23);

function lastDims(op: string, x: nb.Tensor, normalizedShape: readonly number[]): number[] {
  const n = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - n);
  if (n === 0 || n > x.ndim || tail.join() !== normalizedShape.join())
    throw new nb.ShapeError(
      `${op}: input ${shp(x.shape)} does not end with the normalized shape ${shp(normalizedShape)}`,
    );
  return normalizedShape.map((_, i) => x.ndim - n + i);
}

/** (x − mean) / √(var + eps) · weight + bias over the trailing normalizedShape dims (biased var); see nb.layerNorm. */
export function layerNorm(
  x: nb.Tensor,
  normalizedShape: readonly number[],
  weight?: nb.Tensor | null,
  bias?: nb.Tensor | null,
  eps = 1e-5,
): nb.Tensor {
  return nb.layerNorm(x, normalizedShape, { weight, bias, eps });
}

/**
 * x / √(mean(x²) + eps) · weight over the trailing dims (Zhang & Sennrich 2019), as PyTorch's
 * F.rms_norm: eps defaults to the dtype's machine epsilon.
 */
export function rmsNorm(
  x: nb.Tensor,
  normalizedShape: readonly number[],
  weight?: nb.Tensor | null,
  eps?: number | null,
): nb.Tensor {
  const dims = lastDims("rmsNorm", x, normalizedShape);
  const e = eps ?? finfoEps(x.dtype);
  const y = x.mul(x.mul(x).mean(dims, { keepdim: true }).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}

export interface BatchNormOptions {
  training?: boolean;
  /** running = (1 − momentum)·running + momentum·batch statistic */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dim but the channel dim (1): x [N, C, ...]. In training it
 * normalises with the batch's biased variance and updates the running stats (in place) with the
 * unbiased one; otherwise it uses the running stats.
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
    throw new nb.ShapeError(
      `batchNorm: expected an input [N, C, ...] of at least 2 dims, got ${shp(x.shape)}`,
    );
  const C = x.shape[1]!;
  for (const [name, t] of [
    ["runningMean", runningMean],
    ["runningVar", runningVar],
    ["weight", weight],
    ["bias", bias],
  ] as const)
    if (t && t.shape.join() !== String(C))
      throw new nb.ShapeError(
        `batchNorm: ${name} ${shp(t.shape)} must have one entry per channel (${C}) of input ${shp(x.shape)}`,
      );
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? C : 1));
  let mu: nb.Tensor;
  let variance: nb.Tensor;
  if (training || !runningMean || !runningVar) {
    const n = x.numel() / C;
    if (training && n <= 1)
      throw new nb.NablaError(
        `batchNorm: expected more than 1 value per channel when training, got input ${shp(x.shape)}`,
      );
    mu = x.mean(dims, { keepdim: true });
    const c = x.sub(mu);
    variance = c.mul(c).mean(dims, { keepdim: true });
    if (training && runningMean && runningVar)
      nb.noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mu.reshape(C).mul(momentum));
        runningVar.mul_(1 - momentum).add_(variance.reshape(C).mul((momentum * n) / (n - 1)));
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

/** The gated linear unit: a·σ(b), where a and b are the first and second halves of dim. */
export function glu(x: nb.Tensor, dim = -1): nb.Tensor {
  const d = dim < 0 ? dim + x.ndim : dim;
  const n = x.shape[d];
  if (n === undefined || n % 2 !== 0)
    throw new nb.ShapeError(`glu: dim ${dim} of input ${shp(x.shape)} must exist and have an even size`);
  const [a, b] = x.chunk(2, d);
  return a!.mul(b!.sigmoid());
}

/** x for x > 0, weight·x otherwise; weight has 1 entry or one per channel (dim 1; dim 0 of a 1-D input). */
export function prelu(x: nb.Tensor, weight: nb.Tensor): nb.Tensor {
  const k = weight.numel();
  let w = weight.reshape(-1);
  if (k > 1) {
    const cdim = x.ndim >= 2 ? 1 : 0;
    if (x.shape[cdim] !== k)
      throw new nb.ShapeError(
        `prelu: weight has ${k} entries but input ${shp(x.shape)} has ${x.shape[cdim]} channels (dim ${cdim})`,
      );
    w = w.reshape(x.shape.map((n, i) => (i === cdim ? k : 1)));
  } else w = w.reshape([]);
  return nb.where(x.gt(0), x, x.mul(w));
}

/** x / max(‖x‖_p, eps) along dim, as F.normalize. */
export function normalize(x: nb.Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): nb.Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = opts;
  return x.div(nb.clampMin(x.norm(p, dim, { keepdim: true }), eps));
}
