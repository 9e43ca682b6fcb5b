// The batched matmul primitive: [B,M,K] @ [B,K,N] → [B,M,N]. Its gradients are matmuls with the
// other operand transposed — as views, so no transpose is materialised.
import { defineOp } from "../define.js";
import { bmm, transposeLast } from "../array.js";
import type { NdArray } from "../ndarray.js";

export const matmul = defineOp({
  name: "matmul",
  forward: (ctx, [a, b]) => {
    ctx.save(a!, b!);
    return bmm(a!, b!);
  },
  backward: (ctx, g) => {
    const [a, b] = ctx.saved as [NdArray, NdArray];
    return [
      ctx.needsGrad[0] ? bmm(g, transposeLast(b)) : null, // dA = G·Bᵀ
      ctx.needsGrad[1] ? bmm(transposeLast(a), g) : null, // dB = Aᵀ·G
    ];
  },
});
