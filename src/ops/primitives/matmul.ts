// The batched matmul primitive: [B,M,K] @ [B,K,N] → [B,M,N], or with two batch dims. Its gradients are matmuls with the
// other operand transposed — as views, so no transpose is materialised — and, as in PyTorch, each
// comes out in its input's layout: for a transposed matrix (a Linear layer's Wᵀ) the product is
// taken the other way round and handed back transposed, so W's gradient arrives contiguous
// instead of needing a strided copy.
import { defineOp } from "../define.js";
import { bmm, transposeLast } from "../array.js";
import type { NdArray } from "../ndarray.js";

/** Whether the matrices of a [..., R, C] stack are stored column by column (a transposed contiguous matrix). */
function columnMajor(x: NdArray): boolean {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const [sr, sc] = x.strides.slice(-2) as [number, number];
  return r > 1 && c > 1 && sr === 1 && sc === r;
}

export const matmul = defineOp({
  name: "matmul",
  forward: (ctx, [a, b]) => {
    ctx.save(a!, b!);
    return bmm(a!, b!);
  },
  backward: (ctx, g) => {
    const [a, b] = ctx.saved as [NdArray, NdArray];
    const gT = () => transposeLast(g);
    // dA = G·Bᵀ (or (B·Gᵀ)ᵀ), dB = Aᵀ·G (or (Gᵀ·A)ᵀ)
    const dA = () => (columnMajor(a) ? transposeLast(bmm(b, gT())) : bmm(g, transposeLast(b)));
    const dB = () => (columnMajor(b) ? transposeLast(bmm(gT(), a)) : bmm(transposeLast(a), g));
    return [ctx.needsGrad[0] ? dA() : null, ctx.needsGrad[1] ? dB() : null];
  },
});
