// The batched matmul primitive: [B,M,K] @ [B,K,N] → [B,M,N], or with two batch dims. Its gradients are matmuls with the
// other operand transposed — as views, so no transpose is materialised — and, as in PyTorch, each
// comes out in its input's layout: for a transposed matrix (a Linear layer's Wᵀ) the product is
// taken the other way round and handed back transposed, so W's gradient arrives contiguous
// instead of needing a strided copy.
import { defineOp } from "../define.js";
import { bmm, reduce, transposeLast } from "../array.js";
import type { NdArray } from "../ndarray.js";

/**
 * Whether the matrices of a [..., R, C] stack are stored column by column: a transposed matrix, or
 * a transposed slice of one (attention's kᵀ, a view into the fused q|k|v rows).
 */
function columnMajor(x: NdArray): boolean {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const [sr, sc] = x.strides.slice(-2) as [number, number];
  return r > 1 && c > 1 && sr === 1 && sc > 1;
}

/** dA = G·Bᵀ (or (B·Gᵀ)ᵀ) and dB = Aᵀ·G (or (Gᵀ·A)ᵀ), each where needed. */
function gradients(needs: readonly boolean[], a: NdArray, b: NdArray, g: NdArray): (NdArray | null)[] {
  let dA: NdArray | null = null;
  let dB: NdArray | null = null;
  if (needs[0]) dA = columnMajor(a) ? transposeLast(bmm(b, transposeLast(g))) : bmm(g, transposeLast(b));
  if (needs[1]) dB = columnMajor(b) ? transposeLast(bmm(transposeLast(g), a)) : bmm(transposeLast(a), g);
  return [dA, dB];
}

export const matmul = defineOp({
  name: "matmul",
  forward: (ctx, [a, b]) => {
    ctx.save(a!, b!);
    return bmm(a!, b!);
  },
  backward: (ctx, g) => gradients(ctx.needsGrad, ...(ctx.saved as [NdArray, NdArray]), g),
});

/**
 * a @ b + bias with bias [N] added to every row inside the product's kernel (torch.addmm's
 * common case, a Linear layer): inputs [a, b, bias]; bias's gradient sums G over its rows.
 */
export const matmulBias = defineOp({
  name: "addmm",
  forward: (ctx, [a, b, bias]) => {
    ctx.save(a!, b!);
    return bmm(a!, b!, bias!);
  },
  backward: (ctx, g) => {
    const grads = gradients(ctx.needsGrad, ...(ctx.saved as [NdArray, NdArray]), g);
    const rows = g.shape.slice(0, -1).map((_, i) => i);
    return [...grads, ctx.needsGrad[2] ? reduce("sum", g, rows, false) : null];
  },
});
