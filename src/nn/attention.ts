// Attention: scaled dot-product attention, MultiheadAttention with PyTorch's semantics and key
// names (in_proj_weight, in_proj_bias, out_proj), masks (bool or float attention masks, key padding,
// causal) and batch-first or sequence-first layouts. The Transformer layers are in transformer.ts.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { constant_, xavierUniform_ } from "./init.js";
import type { FactoryOptions } from "./layers.js";
import { Linear } from "./layers.js";
import { Module, Parameter } from "./module.js";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;

/**
 * A [L, S] bool mask, true where query i may attend to key j, i.e. j − i ≤ diagonal. The default
 * diagonal S − L aligns it bottom-right: the L queries are the last L positions of the S keys (a KV
 * cache). PyTorch's is_causal is diagonal 0 (top-left); the two agree when L = S.
 */
export function causalMask(L: number, S = L, diagonal = S - L): nb.Tensor {
  return nb.ones([L, S], { dtype: "bool" }).tril(diagonal);
}

/** PyTorch's nn.Transformer.generate_square_subsequent_mask: a float [sz, sz] mask, −∞ above the diagonal, 0 elsewhere. */
export function generateSquareSubsequentMask(sz: number, dtype: nb.DType = "float32"): nb.Tensor {
  return nb.where(causalMask(sz), 0, -Infinity).to(dtype);
}

export interface SdpaOptions {
  /** bool (true = may attend, as torch's scaled_dot_product_attention) or float (added to the scores); broadcasts to [..., L, S] */
  attnMask?: nb.Tensor | null;
  dropoutP?: number;
  /** attend only to keys j ≤ i (top-left aligned); cannot be combined with attnMask, as in PyTorch */
  isCausal?: boolean;
  /** default 1/√E */
  scale?: number | null;
  generator?: nb.Generator;
}

/**
 * softmax(q·kᵀ·scale + mask) and its product with v: q [..., L, E], k [..., S, E], v [..., S, Ev]
 * → { output [..., L, Ev], weights [..., L, S] } (weights after dropout, as PyTorch returns them).
 */
export function attention(
  q: nb.Tensor,
  k: nb.Tensor,
  v: nb.Tensor,
  opts: SdpaOptions = {},
): { output: nb.Tensor; weights: nb.Tensor } {
  if (
    q.ndim < 2 ||
    k.ndim < 2 ||
    v.ndim < 2 ||
    q.shape.at(-1) !== k.shape.at(-1) ||
    k.shape.at(-2) !== v.shape.at(-2)
  )
    throw new nb.ShapeError(
      `scaledDotProductAttention: query ${shp(q.shape)}, key ${shp(k.shape)} and value ${shp(v.shape)} must be [..., L, E], [..., S, E] and [..., S, Ev]`,
    );
  if (opts.isCausal && opts.attnMask)
    throw new nb.NablaError("scaledDotProductAttention: give attnMask or isCausal, not both");
  const E = q.shape.at(-1)!;
  let scores = q.matmul(k.transpose(-2, -1)).mul(opts.scale ?? 1 / Math.sqrt(E)); // [..., L, S]
  // a bool mask becomes an additive one (0 or −∞), as PyTorch's own SDPA does: its backward is
  // free; a causal one is applied inside the softmax kernel (nb.causalSoftmax)
  const mask = opts.attnMask;
  if (mask) scores = scores.add(mask.dtype === "bool" ? nb.where(mask, 0, -Infinity).to(scores.dtype) : mask);
  let weights = opts.isCausal ? nb.causalSoftmax(scores, 0) : nb.softmax(scores, -1);
  if (opts.dropoutP)
    weights = F.dropout(weights, opts.dropoutP, { training: true, generator: opts.generator });
  return { output: weights.matmul(v), weights };
}

/** PyTorch's F.scaled_dot_product_attention: q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev]. */
export function scaledDotProductAttention(
  q: nb.Tensor,
  k: nb.Tensor,
  v: nb.Tensor,
  opts: SdpaOptions = {},
): nb.Tensor {
  return attention(q, k, v, opts).output;
}

export interface MhaOptions extends FactoryOptions {
  /** dropout on the attention weights (training only) */
  dropout?: number;
  bias?: boolean;
  /** inputs are [N, L, E] when true, [L, N, E] when false (PyTorch's default) */
  batchFirst?: boolean;
  /** key and value feature sizes; when they differ from embedDim the projections are q_proj_weight, k_proj_weight, v_proj_weight */
  kdim?: number;
  vdim?: number;
}

export interface MhaForwardOptions {
  /** [N, S] ([S] unbatched): bool true = ignore that key (padding), or float added to the scores */
  keyPaddingMask?: nb.Tensor | null;
  /** return the attention weights (default true) */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: bool true = NOT allowed (nn.MultiheadAttention's convention), or float added */
  attnMask?: nb.Tensor | null;
  /** average the returned weights over heads (default true): [N, L, S], else [N, numHeads, L, S] */
  averageAttnWeights?: boolean;
  /** also mask future keys (j > i); nabla builds the mask, where PyTorch takes this as a hint about attnMask */
  isCausal?: boolean;
}

export class MultiheadAttention extends Module {
  inProjWeight: Parameter | null = null;
  qProjWeight: Parameter | null = null;
  kProjWeight: Parameter | null = null;
  vProjWeight: Parameter | null = null;
  inProjBias: Parameter | null = null;
  outProj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  /** draws the attention dropout masks (default: nb's global generator) */
  readonly generator: nb.Generator | undefined;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MhaOptions = {},
  ) {
    super();
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0)
      throw new nb.NablaError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.generator = opts.generator;
    const { dtype = "float32", generator } = opts;
    const w = (rows: number, cols: number) => {
      const p = new Parameter(nb.zeros([rows, cols], { dtype }));
      xavierUniform_(p, 1, { generator });
      return p;
    };
    if (this.kdim === embedDim && this.vdim === embedDim) this.inProjWeight = w(3 * embedDim, embedDim);
    else {
      this.qProjWeight = w(embedDim, embedDim);
      this.kProjWeight = w(embedDim, this.kdim);
      this.vProjWeight = w(embedDim, this.vdim);
    }
    if (opts.bias ?? true) this.inProjBias = new Parameter(nb.zeros([3 * embedDim], { dtype }));
    this.outProj = new Linear(embedDim, embedDim, { bias: opts.bias ?? true, dtype, generator });
    if (this.outProj.bias) constant_(this.outProj.bias, 0);
  }

  /** The projection weights [wq, wk, wv] (views of in_proj_weight, or the three separate ones). */
  private projections(): [nb.Tensor, nb.Tensor, nb.Tensor] {
    if (this.inProjWeight) return this.inProjWeight.chunk(3, 0) as [nb.Tensor, nb.Tensor, nb.Tensor];
    return [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!];
  }

  private check(query: nb.Tensor, key: nb.Tensor, value: nb.Tensor, o: MhaForwardOptions): void {
    const bad = (rule: string): never => {
      throw new nb.ShapeError(
        `MultiheadAttention: query ${shp(query.shape)}, key ${shp(key.shape)}, value ${shp(value.shape)}: ${rule}`,
      );
    };
    const nd = query.ndim;
    if (nd !== 2 && nd !== 3)
      bad(`query must be 3-D (${this.batchFirst ? "[N, L, E]" : "[L, N, E]"}) or 2-D [L, E] (unbatched)`);
    if (key.ndim !== nd || value.ndim !== nd) bad("key and value must have as many dims as query");
    if (query.shape.at(-1) !== this.embedDim) bad(`query's last dim must be embedDim = ${this.embedDim}`);
    if (key.shape.at(-1) !== this.kdim) bad(`key's last dim must be kdim = ${this.kdim}`);
    if (value.shape.at(-1) !== this.vdim) bad(`value's last dim must be vdim = ${this.vdim}`);
    if (key.shape.slice(0, -1).join() !== value.shape.slice(0, -1).join())
      bad("key and value must have the same batch and length");
    const nDim = this.batchFirst ? 0 : 1;
    if (nd === 3 && key.shape[nDim] !== query.shape[nDim])
      bad("query, key and value must have the same batch size");
    const N = nd === 3 ? query.shape[nDim]! : 1;
    const L = query.shape[nd === 3 && this.batchFirst ? 1 : 0]!;
    const S = key.shape[nd === 3 && this.batchFirst ? 1 : 0]!;
    const kpm = o.keyPaddingMask;
    const kpmShape = nd === 3 ? [N, S] : [S];
    if (kpm && kpm.shape.join() !== kpmShape.join())
      bad(`keyPaddingMask ${shp(kpm.shape)} must be ${shp(kpmShape)} (batch, key length)`);
    const am = o.attnMask;
    const H = this.numHeads;
    if (am && !(am.shape.join() === [L, S].join() || am.shape.join() === [nd === 3 ? N * H : H, L, S].join()))
      bad(
        `attnMask ${shp(am.shape)} must be ${shp([L, S])} or ${shp([nd === 3 ? N * H : H, L, S])} (${nd === 3 ? "batch·numHeads" : "numHeads"}, query length, key length)`,
      );
  }

  /**
   * Returns [output, weights]: output like query ([N, L, E] batch first, [L, N, E] otherwise, or
   * [L, E] unbatched); weights [N, L, S] averaged over heads (or [N, numHeads, L, S]), or null
   * when needWeights is false.
   */
  forward(
    query: nb.Tensor,
    key: nb.Tensor,
    value: nb.Tensor,
    o: MhaForwardOptions = {},
  ): [nb.Tensor, nb.Tensor | null] {
    this.check(query, key, value, o);
    const bf = this.batchFirst;
    const unbatched = query.ndim === 2;
    const batch = (x: nb.Tensor) => (unbatched ? x.unsqueeze(0) : bf ? x : x.transpose(0, 1)); // → [N, T, ·]
    const [q, k, v] = [batch(query), batch(key), batch(value)];
    const [N, L, E] = q.shape as [number, number, number];
    const S = k.shape[1]!;
    const H = this.numHeads;
    const D = this.headDim;
    const [wq, wk, wv] = this.projections();
    const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3, 0) : [null, null, null];
    const heads = (x: nb.Tensor, T: number) => x.reshape(N, T, H, D).transpose(1, 2); // [N, H, T, D]
    const qh = heads(F.linear(q, wq, bq), L);
    const kh = heads(F.linear(k, wk, bk), S);
    const vh = heads(F.linear(v, wv, bv), S);
    // every mask becomes additive float and they sum: [N or 1, H or 1, L or 1, S]
    let mask: nb.Tensor | null = null;
    const toFloat = (m: nb.Tensor) => (m.dtype === "bool" ? nb.where(m, -Infinity, 0).to(qh.dtype) : m);
    const addMask = (m: nb.Tensor) => (mask = mask ? mask.add(m) : m);
    if (o.attnMask) addMask(toFloat(o.attnMask.ndim === 3 ? o.attnMask.reshape(N, H, L, S) : o.attnMask));
    if (o.isCausal) addMask(toFloat(causalMask(L, S, 0).logicalNot()));
    if (o.keyPaddingMask) addMask(toFloat(o.keyPaddingMask).reshape(N, 1, 1, S));
    const p = this.training ? this.dropout : 0;
    const { output, weights } = attention(qh, kh, vh, {
      attnMask: mask,
      dropoutP: p,
      generator: this.generator,
    });
    let out = this.outProj.forward(output.transpose(1, 2).reshape(N, L, E)); // [N, L, E]
    out = unbatched ? out.squeeze(0) : bf ? out : out.transpose(0, 1);
    if (!(o.needWeights ?? true)) return [out, null];
    let w = (o.averageAttnWeights ?? true) ? weights.mean(1) : weights; // [N, L, S] or [N, H, L, S]
    if (unbatched) w = w.squeeze(0);
    return [out, w];
  }

  protected override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}`;
  }
}
