// Attention: scaled dot-product attention, MultiheadAttention with PyTorch's semantics and key
// names (in_proj_weight, out_proj), and the Transformer encoder layer (post- or pre-norm).
import * as nb from "../index.js";
import * as F from "./functional.js";
import { constant_, xavierUniform_ } from "./init.js";
import { Dropout, Linear } from "./layers.js";
import { Module, Parameter } from "./module.js";
import { LayerNorm } from "./norm.js";

export interface SdpaOptions {
  /** bool (true = may attend, as torch's scaled_dot_product_attention) or float (added to scores) */
  attnMask?: nb.Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  scale?: number;
  generator?: nb.Generator;
}

/** A [L, S] bool mask that is true where query i may see key j (j ≤ i + S − L). */
export function causalMask(L: number, S = L): nb.Tensor {
  return nb.ones([L, S], { dtype: "bool" }).tril(S - L);
}

/**
 * softmax(q·kᵀ·scale + mask)·v over q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev];
 * also returns the attention weights [..., L, S].
 */
export function scaledDotProductAttention(
  q: nb.Tensor,
  k: nb.Tensor,
  v: nb.Tensor,
  opts: SdpaOptions = {},
): { output: nb.Tensor; weights: nb.Tensor } {
  const E = q.shape.at(-1)!;
  const L = q.shape.at(-2)!;
  const S = k.shape.at(-2)!;
  let scores = q.matmul(k.transpose(-2, -1)).mul(opts.scale ?? 1 / Math.sqrt(E)); // [..., L, S]
  if (opts.isCausal) scores = scores.maskedFill(causalMask(L, S).logicalNot(), -Infinity);
  if (opts.attnMask) {
    scores =
      opts.attnMask.dtype === "bool"
        ? scores.maskedFill(opts.attnMask.logicalNot(), -Infinity)
        : scores.add(opts.attnMask);
  }
  let weights = nb.softmax(scores, -1);
  if (opts.dropoutP)
    weights = F.dropout(weights, opts.dropoutP, { training: true, generator: opts.generator });
  return { output: weights.matmul(v), weights };
}

export interface MhaOptions {
  dropout?: number;
  bias?: boolean;
  /** inputs are [N, L, E] when true, [L, N, E] when false (PyTorch's default) */
  batchFirst?: boolean;
  kdim?: number;
  vdim?: number;
  dtype?: nb.DType;
  generator?: nb.Generator;
}

export interface MhaForwardOptions {
  /** [N, S] bool, true = ignore that key (padding) */
  keyPaddingMask?: nb.Tensor | null;
  needWeights?: boolean;
  /** [L, S] or [N·heads, L, S]; bool true = NOT allowed (PyTorch's nn.MultiheadAttention convention) or float added */
  attnMask?: nb.Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

export class MultiheadAttention extends Module {
  inProjWeight: Parameter;
  inProjBias: Parameter | null = null;
  outProj: Linear;
  readonly headDim: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    readonly opts: MhaOptions = {},
  ) {
    super();
    if (embedDim % numHeads !== 0)
      throw new nb.NablaError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    if ((opts.kdim ?? embedDim) !== embedDim || (opts.vdim ?? embedDim) !== embedDim)
      throw new nb.NablaError("MultiheadAttention: separate kdim/vdim projections are not supported yet");
    this.headDim = embedDim / numHeads;
    const dtype = opts.dtype ?? "float32";
    this.inProjWeight = new Parameter(nb.zeros([3 * embedDim, embedDim], { dtype }));
    xavierUniform_(this.inProjWeight, 1, { generator: opts.generator });
    if (opts.bias ?? true) this.inProjBias = new Parameter(nb.zeros([3 * embedDim], { dtype }));
    this.outProj = new Linear(embedDim, embedDim, {
      bias: opts.bias ?? true,
      dtype,
      generator: opts.generator,
    });
    if (this.outProj.bias) constant_(this.outProj.bias, 0);
  }

  /** Returns [output, weights (averaged over heads unless averageAttnWeights is false) or null]. */
  forward(
    query: nb.Tensor,
    key: nb.Tensor,
    value: nb.Tensor,
    o: MhaForwardOptions = {},
  ): [nb.Tensor, nb.Tensor | null] {
    const bf = this.opts.batchFirst ?? false;
    const unbatched = query.ndim === 2;
    let q = unbatched ? query.unsqueeze(bf ? 0 : 1) : query;
    let k = unbatched ? key.unsqueeze(bf ? 0 : 1) : key;
    let v = unbatched ? value.unsqueeze(bf ? 0 : 1) : value;
    if (!bf) [q, k, v] = [q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)]; // → [N, L, E]
    const [N, L, E] = q.shape as [number, number, number];
    if (E !== this.embedDim)
      throw new nb.ShapeError(
        `MultiheadAttention: query [${query.shape}] has embedding ${E}, expected ${this.embedDim}`,
      );
    const S = k.shape[1]!;
    const H = this.numHeads;
    const D = this.headDim;
    const [wq, wk, wv] = this.inProjWeight.chunk(3, 0);
    const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3, 0) : [null, null, null];
    const heads = (x: nb.Tensor, T: number) => x.reshape(N, T, H, D).transpose(1, 2); // [N, H, T, D]
    const qh = heads(F.linear(q, wq!, bq), L);
    const kh = heads(F.linear(k, wk!, bk), S);
    const vh = heads(F.linear(v, wv!, bv), S);
    // one additive float mask [N or 1, H or 1, L, S] from all the masks given
    let mask: nb.Tensor | null = null;
    const addMask = (m: nb.Tensor) => (mask = mask ? mask.add(m) : m);
    const toFloat = (m: nb.Tensor) => (m.dtype === "bool" ? nb.where(m, -Infinity, 0).to(qh.dtype) : m);
    if (o.attnMask) {
      const m = toFloat(o.attnMask);
      addMask(m.ndim === 3 ? m.reshape(N, H, L, S) : m);
    }
    if (o.isCausal) addMask(toFloat(causalMask(L, S).logicalNot()));
    if (o.keyPaddingMask) addMask(toFloat(o.keyPaddingMask).reshape(N, 1, 1, S));
    const p = this.training ? (this.opts.dropout ?? 0) : 0;
    const { output, weights } = scaledDotProductAttention(qh, kh, vh, {
      attnMask: mask,
      dropoutP: p,
      generator: this.opts.generator,
    });
    let out = this.outProj.forward(output.transpose(1, 2).reshape(N, L, E)) as nb.Tensor; // [N, L, E]
    if (!bf) out = out.transpose(0, 1);
    if (unbatched) out = out.squeeze(bf ? 0 : 1);
    if (!(o.needWeights ?? true)) return [out, null];
    let w = (o.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    if (unbatched) w = w.squeeze(0);
    return [out, w];
  }
}

export interface EncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: "relu" | "gelu";
  layerNormEps?: number;
  batchFirst?: boolean;
  /** pre-norm (GPT-style) when true; post-norm (the original Transformer) when false, PyTorch's default */
  normFirst?: boolean;
  bias?: boolean;
  dtype?: nb.DType;
  generator?: nb.Generator;
}

/** A Transformer block: self-attention and a feed-forward MLP, each with a residual and LayerNorm. */
export class TransformerEncoderLayer extends Module {
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly opts: EncoderLayerOptions = {},
  ) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, bias = true, dtype, generator } = opts;
    this.selfAttn = new MultiheadAttention(dModel, nhead, {
      dropout,
      bias,
      batchFirst: opts.batchFirst ?? false,
      dtype,
      generator,
    });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(dropout, { generator });
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype, generator });
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.dropout1 = new Dropout(dropout, { generator });
    this.dropout2 = new Dropout(dropout, { generator });
  }

  forward(
    src: nb.Tensor,
    o: { srcMask?: nb.Tensor | null; srcKeyPaddingMask?: nb.Tensor | null; isCausal?: boolean } = {},
  ): nb.Tensor {
    const sa = (x: nb.Tensor) => {
      const [y] = this.selfAttn.forward(x, x, x, {
        attnMask: o.srcMask,
        keyPaddingMask: o.srcKeyPaddingMask,
        needWeights: false,
        isCausal: o.isCausal,
      });
      return this.dropout1.forward(y);
    };
    const act = this.opts.activation === "gelu" ? (x: nb.Tensor) => nb.gelu(x) : (x: nb.Tensor) => x.relu();
    const ff = (x: nb.Tensor) =>
      this.dropout2.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(x)))));
    if (this.opts.normFirst) {
      const x = src.add(sa(this.norm1.forward(src)));
      return x.add(ff(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(sa(src)));
    return this.norm2.forward(x.add(ff(x)));
  }
}
