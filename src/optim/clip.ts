// Gradient clipping: rescale all gradients so their joint norm is at most maxNorm, or clamp each
// gradient value; both change .grad in place, as torch.nn.utils.clip_grad_* do.
import * as nb from "../index.js";

/** Clips the total p-norm of the gradients to maxNorm; returns the norm before clipping. */
export function clipGradNorm_(params: Iterable<nb.Tensor>, maxNorm: number, normType = 2): number {
  return nb.scope(() => clipNorm(params, maxNorm, normType)); // the norms' temporaries go at once
}

function clipNorm(params: Iterable<nb.Tensor>, maxNorm: number, normType: number): number {
  const grads = [...params].flatMap((p) => (p.grad ? [p.grad] : []));
  if (grads.length === 0) return 0;
  let total: number;
  if (normType === Infinity) total = Math.max(...grads.map((g) => g.abs().amax().item()));
  else {
    let s = 0;
    for (const g of grads) s += (normType === 2 ? g.mul(g) : g.abs().pow(normType)).sum().item();
    total = Math.pow(s, 1 / normType);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) nb.noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}

/** Clamps every gradient value into [-clipValue, clipValue]. */
export function clipGradValue_(params: Iterable<nb.Tensor>, clipValue: number): void {
  nb.scope(() =>
    nb.noGrad(() => {
      for (const p of params) if (p.grad) p.grad.copy_(nb.minimum(nb.maximum(p.grad, -clipValue), clipValue));
    }),
  );
}

export const clipGradNorm = clipGradNorm_;
export const clipGradValue = clipGradValue_;
