// Position encodings: the fixed sinusoidal table of "Attention Is All You Need" and rotary
// embeddings (RoPE, Su et al. 2021) in the rotate-half layout used by GPT-NeoX and LLaMA.
import * as nb from "../index.js";
import { Module } from "./module.js";

/** PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(…): [maxLen, dModel]. */
export function sinusoidalTable(maxLen: number, dModel: number, dtype: nb.DType = "float32"): nb.Tensor {
  const v = new Float64Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++)
    for (let i = 0; i < dModel; i += 2) {
      const angle = pos / Math.pow(10000, i / dModel);
      v[pos * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) v[pos * dModel + i + 1] = Math.cos(angle);
    }
  return nb.fromArray(v, [maxLen, dModel], { dtype });
}

/** Adds the sinusoidal table to x [..., T, dModel] from position `offset` (a non-persistent buffer `pe`). */
export class SinusoidalPositionalEncoding extends Module {
  declare pe: nb.Tensor;
  constructor(
    readonly dModel: number,
    readonly maxLen = 5000,
    opts: { dtype?: nb.DType } = {},
  ) {
    super();
    this.registerBuffer("pe", sinusoidalTable(maxLen, dModel, opts.dtype ?? "float32"), {
      persistent: false,
    });
  }
  /** x [..., T, dModel] → x + PE[offset … offset+T−1]. */
  forward(x: nb.Tensor, offset = 0): nb.Tensor {
    if (x.ndim < 2 || x.shape.at(-1) !== this.dModel)
      throw new nb.ShapeError(
        `SinusoidalPositionalEncoding: input [${x.shape}] must be [..., T, dModel] with dModel = ${this.dModel}`,
      );
    const T = x.shape.at(-2)!;
    if (offset + T > this.maxLen)
      throw new nb.ShapeError(
        `SinusoidalPositionalEncoding: positions up to ${offset + T} exceed maxLen ${this.maxLen}`,
      );
    return x.add(this.pe.narrow(0, offset, T).to(x.dtype));
  }
}

/**
 * Rotary embeddings: rotates each pair (x_i, x_{i+d/2}) of the last dim by angle pos·θ_i with
 * θ_i = base^(−2i/d). Apply to queries and keys [..., T, d] before attention.
 */
export class RotaryEmbedding extends Module {
  private cache: { cos: nb.Tensor; sin: nb.Tensor; len: number } | null = null;
  constructor(
    readonly dim: number,
    readonly opts: { base?: number } = {},
  ) {
    super();
    if (dim % 2 !== 0) throw new nb.NablaError(`RotaryEmbedding: dim must be even, got ${dim}`);
  }

  private tables(len: number, dtype: nb.DType): { cos: nb.Tensor; sin: nb.Tensor } {
    if (!this.cache || this.cache.len < len || this.cache.cos.dtype !== dtype) {
      const half = this.dim / 2;
      const base = this.opts.base ?? 10000;
      const c = new Float64Array(len * this.dim);
      const s = new Float64Array(len * this.dim);
      for (let p = 0; p < len; p++)
        for (let i = 0; i < half; i++) {
          const a = p * Math.pow(base, (-2 * i) / this.dim);
          c[p * this.dim + i] = c[p * this.dim + i + half] = Math.cos(a);
          s[p * this.dim + i] = s[p * this.dim + i + half] = Math.sin(a);
        }
      this.cache = {
        // kept: a module's cache outlives the scope of the forward that made it (see nb.scope)
        cos: nb.keep(nb.fromArray(c, [len, this.dim], { dtype })),
        sin: nb.keep(nb.fromArray(s, [len, this.dim], { dtype })),
        len,
      };
    }
    return this.cache;
  }

  /** x [..., T, dim] → rotated x, for positions offset … offset+T−1. */
  forward(x: nb.Tensor, offset = 0): nb.Tensor {
    if (x.ndim < 2 || x.shape.at(-1) !== this.dim)
      throw new nb.ShapeError(
        `RotaryEmbedding: input [${x.shape}] must be [..., T, dim] with dim = ${this.dim}`,
      );
    const T = x.shape.at(-2)!;
    const { cos, sin } = this.tables(offset + T, x.dtype);
    const half = this.dim / 2;
    const rotated = nb.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1); // rotate_half
    return x.mul(cos.narrow(0, offset, T)).add(rotated.mul(sin.narrow(0, offset, T)));
  }
}
