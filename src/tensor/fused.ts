// Tensor-level entry points to the fused kernels that are not softmax: layerNorm (torch.layer_norm)
// and adamUpdate_, the in-place step behind optim.Adam and AdamW. Each runs one kernel where the
// backend has it and the tensors allow, and otherwise the equivalent chain of single ops.
import type { AdamStep } from "../backend/interface.js";
import { isAnomalyEnabled } from "../autograd/grad-mode.js";
import { adamStep, fusable, layerNorm as layerNormOp } from "../ops/primitives/fused.js";
import { fail, shapeError } from "../util/errors.js";
import { apply, Tensor } from "./tensor.js";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** added to the variance (default 1e-5) */
  eps?: number;
}

/**
 * (x − mean) / √(var + eps) · weight + bias over x's trailing dims given by `normalizedShape`
 * (biased variance), as torch.layer_norm; weight and bias have normalizedShape's shape.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  opts: LayerNormOptions = {},
): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = opts;
  const k = normalizedShape.length;
  if (k === 0 || k > x.ndim || x.shape.slice(x.ndim - k).join() !== normalizedShape.join())
    shapeError(
      "layerNorm",
      `input ${shp(x.shape)} does not end with the normalized shape ${shp(normalizedShape)}`,
    );
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const)
    if (t && t.shape.join() !== normalizedShape.join())
      shapeError(
        "layerNorm",
        `${name} has shape ${shp(t.shape)}, the normalized shape is ${shp(normalizedShape)}`,
      );
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const sameDtype = [weight, bias].every((t) => !t || t.dtype === x.dtype);
  if (sameDtype && x.numel() > 0 && fusable(x.array.backend, "layerNorm", x.dtype)) {
    const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
    return apply(layerNormOp, inputs, { dims: k, eps, weight: !!weight, bias: !!bias });
  }
  if (x.dtype !== "float32" && x.dtype !== "float64")
    fail("layerNorm", `needs a floating-point input, got ${x.dtype}`);
  const mu = x.mean(dims, { keepdim: true });
  const centered = x.sub(mu);
  const variance = centered.mul(centered).mean(dims, { keepdim: true });
  let y = centered.mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * One Adam/AdamW step on parameter p from grad, updating the moments m and v (and vMax, AMSGrad's
 * running maximum of v, unless null) in place with one kernel. Returns false, changing nothing,
 * where that kernel does not apply (non-contiguous or mixed tensors, a backend without it, or
 * anomaly detection, which checks each op of the chain): the caller then runs the chain.
 */
export function adamUpdate_(
  step: AdamStep,
  p: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  vMax: Tensor | null,
): boolean {
  const all = [p, grad, m, v, ...(vMax ? [vMax] : [])];
  const be = p.array.backend;
  if (isAnomalyEnabled() || !fusable(be, "adam", p.dtype)) return false;
  for (const t of all)
    if (t.dtype !== p.dtype || t.array.backend !== be || !t.array.isContiguous || t.numel() !== p.numel())
      return false;
  // the state is written in place: it must not share memory with p or grad
  const bufs = new Set(all.map((t) => t.array.buf));
  if (bufs.size !== all.length) return false;
  adamStep(step, p.array, grad.array, m.array, v.array, vMax?.array ?? null);
  return true;
}
