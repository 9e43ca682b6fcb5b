// Matrix products with PyTorch's rules: matmul for 1-D, 2-D and batched (broadcast) operands,
// mm, bmm, mv, dot, outer. Everything reduces to the batched matmul primitive.
import { matmul as matmulOp } from "../ops/primitives/matmul.js";
import { promote } from "../util/dtype.js";
import { fmtShape, shapeError } from "../util/errors.js";
import { broadcastShapes, sizeOf } from "../util/shape.js";
import { apply, Tensor } from "./tensor.js";
import { expand, reshape, to, unsqueeze, squeeze } from "./views.js";

function check(op: string, a: Tensor, b: Tensor, k1: number, k2: number): void {
  if (k1 !== k2)
    shapeError(
      op,
      `cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k1} and ${k2} differ`,
    );
}

/** torch.matmul: 1-D operands are promoted to matrices and the added dim removed afterwards. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0)
    shapeError(
      "matmul",
      `both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  const dt = promote(a.dtype, b.dtype);
  let x = to(a, dt);
  let y = to(b, dt);
  const aVec = x.ndim === 1;
  const bVec = y.ndim === 1;
  if (aVec) x = unsqueeze(x, 0);
  if (bVec) y = unsqueeze(y, -1);
  const [M, K] = x.shape.slice(-2) as [number, number];
  const [K2, N] = y.shape.slice(-2) as [number, number];
  check("matmul", a, b, K, K2);
  let out: Tensor;
  if (y.ndim === 2) {
    // fold all of x's batch dims into M: one [1, B·M, K] @ [1, K, N]
    const lead = x.shape.slice(0, -2);
    const r = apply(matmulOp, [reshape(x, [1, sizeOf(lead) * M, K]), reshape(y, [1, K, N])], undefined);
    out = reshape(r, [...lead, M, N]);
  } else {
    const batch = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
    const B = sizeOf(batch);
    const xb = reshape(expand(x, [...batch, M, K]), [B, M, K]);
    const yb = reshape(expand(y, [...batch, K, N]), [B, K, N]);
    out = reshape(apply(matmulOp, [xb, yb], undefined), [...batch, M, N]);
  }
  if (aVec) out = squeeze(out, -2);
  if (bVec) out = squeeze(out, -1);
  return out;
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2)
    shapeError("mm", `needs two 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3)
    shapeError("bmm", `needs two 3-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0])
    shapeError("bmm", `batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1)
    shapeError("mv", `needs a 2-D and a 1-D tensor, got ${fmtShape(a.shape)} and ${fmtShape(v.shape)}`);
  return matmul(a, v);
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    shapeError("dot", `needs two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** Outer product of two vectors: [n] × [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    shapeError("outer", `needs two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(unsqueeze(a, 1), unsqueeze(b, 0));
}

declare module "./tensor.js" {
  interface Tensor {
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    mv(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  mm(this: Tensor, o: Tensor) { return mm(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  mv(this: Tensor, o: Tensor) { return mv(this, o); },
  dot(this: Tensor, o: Tensor) { return dot(this, o); },
  outer(this: Tensor, o: Tensor) { return outer(this, o); },
}); // prettier-ignore
