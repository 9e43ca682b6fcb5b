// Matrix products with PyTorch's rules: matmul for 1-D, 2-D and batched (broadcast) operands, and
// mm, bmm, mv, dot, outer. Every product reduces to the batched matmul primitive [B,M,K]@[B,K,N]
// (or [B1,B2,M,K]@[B1,B2,K,N] where the batch dims fold into two but not one without a copy).
import { matmul as matmulOp, matmulBias } from "../ops/primitives/matmul.js";
import { viewStrides } from "../ops/array.js";
import { promote } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { sizeOf } from "../util/shape.js";
import { add, mul } from "./elementwise.js";
import { apply, Tensor } from "./tensor.js";
import { expand, reshape, squeeze, to, unsqueeze } from "./views.js";

const cannot = (op: string, a: Tensor, b: Tensor, rule: string): never =>
  shapeError(op, `cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: ${rule}`);

/**
 * Batch dims broadcast as NumPy does (aligned on the right, equal or 1). The error names both full
 * shapes, not just the batch parts, so the user sees which operands were meant.
 */
function batchShape(op: string, a: Tensor, b: Tensor, x: readonly number[], y: readonly number[]): number[] {
  const nd = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const p = x[x.length - nd + i] ?? 1;
    const q = y[y.length - nd + i] ?? 1;
    if (p !== q && p !== 1 && q !== 1)
      cannot(
        op,
        a,
        b,
        `batch dims ${fmtShape(x)} and ${fmtShape(y)} do not broadcast (dim ${i - nd} has sizes ${p} and ${q})`,
      );
    out.push(p === 1 ? q : p);
  }
  return out;
}

/**
 * torch.matmul's rules. Shapes (batch dims `…` broadcast):
 *   [K] @ [K] → []            [M,K] @ [K] → [M]          [K] @ [K,N] → [N]
 *   […,M,K] @ [K,N] → […,M,N]  [K] @ […,K,N] → […,N]      […,M,K] @ […,K,N] → […,M,N]
 * A 1-D operand becomes a matrix ([1,K] on the left, [K,1] on the right) and the added dim is
 * removed from the result. Mixed dtypes promote (PyTorch raises instead; see linalg tests).
 */
function product(op: string, a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0)
    shapeError(op, `both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.dtype === "bool" || b.dtype === "bool")
    fail(
      op,
      "bool tensors cannot be multiplied as matrices (nor can they in PyTorch); use .int() or .float()",
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
  if (K !== K2) cannot(op, a, b, `inner dimensions ${K} and ${K2} differ`);
  let out: Tensor;
  if (y.ndim === 2) {
    // the right operand is one matrix: fold all of x's batch dims into M, [1, B·M, K] @ [1, K, N]
    const lead = x.shape.slice(0, -2);
    const r = apply(matmulOp, [reshape(x, [1, sizeOf(lead) * M, K]), reshape(y, [1, K, N])], undefined);
    out = reshape(r, [...lead, M, N]);
  } else {
    const batch = batchShape(op, a, b, x.shape.slice(0, -2), y.shape.slice(0, -2));
    // broadcast batch dims are zero-stride views; reshape keeps them views when it can, and where
    // the batch dims do not merge into one (heads split out of a row and transposed) two may do
    const xe = expand(x, [...batch, M, K]);
    const ye = expand(y, [...batch, K, N]);
    const groups = batchGroups(xe, ye, batch);
    const xb = reshape(xe, [...groups, M, K]);
    const yb = reshape(ye, [...groups, K, N]);
    out = reshape(apply(matmulOp, [xb, yb], undefined), [...batch, M, N]);
  }
  if (aVec) out = squeeze(out, -2);
  if (bVec) out = squeeze(out, -1);
  return out;
}

/**
 * The batch dims folded into one, [B], where both operands allow it without a copy; else into
 * two, [B1, B2], split where both allow it; else [B] (reshape then copies).
 */
function batchGroups(x: Tensor, y: Tensor, batch: readonly number[]): number[] {
  const views = (shape: number[]) =>
    viewStrides(x.array, [...shape, ...x.shape.slice(-2)]) !== null &&
    viewStrides(y.array, [...shape, ...y.shape.slice(-2)]) !== null;
  const one = [sizeOf(batch)];
  if (batch.length <= 1 || views(one)) return one;
  for (let i = 1; i < batch.length; i++) {
    const two = [sizeOf(batch.slice(0, i)), sizeOf(batch.slice(i))];
    if (views(two)) return two;
  }
  return one;
}

/** torch.matmul (the @ operator): see `product` for the shape rules. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return product("matmul", a, b);
}

/**
 * input + mat1 @ mat2 (torch.addmm with beta = alpha = 1): mat1 [n, m], mat2 [m, p], input
 * broadcast to [n, p]. A 1-D input of p values (a Linear layer's bias) is added inside the
 * product's kernel rather than by a pass of its own.
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (mat1.ndim !== 2 || mat2.ndim !== 2)
    shapeError("addmm", `needs two 2-D matrices, got ${fmtShape(mat1.shape)} and ${fmtShape(mat2.shape)}`);
  const [n, m] = mat1.shape as [number, number];
  const [m2, p] = mat2.shape as [number, number];
  if (m !== m2) cannot("addmm", mat1, mat2, `inner dimensions ${m} and ${m2} differ`);
  const dt = promote(promote(mat1.dtype, mat2.dtype), input.dtype);
  // a backend that cannot add the bias inside its product says so through supports(…, "bias")
  const fused = input.ndim === 1 && input.shape[0] === p && mat1.array.backend.supports("matmul", dt, "bias");
  if (!fused || dt === "bool") return add(input, mm(mat1, mat2));
  const [a, b] = [reshape(to(mat1, dt), [1, n, m]), reshape(to(mat2, dt), [1, m, p])];
  return reshape(apply(matmulBias, [a, b, to(input, dt)], undefined), [n, p]);
}

/** Matrix × matrix, [M,K] @ [K,N] → [M,N]; no broadcasting. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2)
    shapeError("mm", `needs two 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return product("mm", a, b);
}

/** Batched matrix × matrix, [B,M,K] @ [B,K,N] → [B,M,N]; batch sizes must be equal (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3)
    shapeError("bmm", `needs two 3-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) cannot("bmm", a, b, `batch sizes ${a.shape[0]} and ${b.shape[0]} differ`);
  return product("bmm", a, b);
}

/** Matrix × vector, [M,K] @ [K] → [M]. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1)
    shapeError("mv", `needs a 2-D and a 1-D tensor, got ${fmtShape(a.shape)} and ${fmtShape(v.shape)}`);
  return product("mv", a, v);
}

/** Inner product of two vectors of equal length, [K] · [K] → []. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    shapeError("dot", `needs two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return product("dot", a, b);
}

/** Outer product, [N] × [M] → [N,M]: a broadcast multiply, as PyTorch defines it (so dtypes promote). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    shapeError("outer", `needs two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
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
