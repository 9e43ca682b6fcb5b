// GPT: a decoder-only Transformer in GPT-2's layout (token + learned position embeddings,
// pre-LayerNorm blocks of causal multi-head self-attention and a 4× GELU MLP, a final LayerNorm,
// the output head tied to the token embedding), with GPT-2's initialisation and a KV cache for
// generation. Options: rotary positions instead of learned ones, and mixture-of-experts MLPs in
// chosen blocks. Parameter names match GPT-2 checkpoints (see gpt2-hf.ts for loading them).
// Sampling lives in gpt-sample.ts. No node: imports, so the browser playground uses it too.
import * as nb from "../index.js";
import * as nn from "../nn/index.js";

export interface MoEConfig {
  /** indices of the blocks whose MLP is a mixture of experts */
  layers: number[];
  numExperts: number;
  topK: number;
  /** weight of the load-balancing loss added to the cross-entropy (0 to leave it out) */
  auxLossWeight: number;
}

export interface GPTConfig {
  vocabSize: number;
  /** the longest context (positions 0 … blockSize − 1) */
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  /** biases in the Linear layers and LayerNorms (GPT-2: true) */
  bias: boolean;
  /** "learned" (GPT-2's wpe) or "rope" (rotary embeddings on queries and keys, no wpe) */
  positional: "learned" | "rope";
  moe?: MoEConfig;
  /** LayerNorm epsilon (GPT-2: 1e-5) */
  layerNormEps?: number;
}

/** A config with nabla's small defaults (4 layers, 4 heads, width 128, block 64) and `over` on top. */
export const defaultGPTConfig = (over: Partial<GPTConfig> & { vocabSize: number }): GPTConfig => ({
  blockSize: 64,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  dropout: 0,
  bias: true,
  positional: "learned",
  ...over,
});

const isPosInt = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;

/** Throws a NablaError naming the first bad field of a GPT config. */
export function checkGPTConfig(cfg: GPTConfig): void {
  const bad = (m: string): never => {
    throw new nb.NablaError(`GPT config: ${m}`);
  };
  if (cfg === null || typeof cfg !== "object") bad("expected an object");
  for (const k of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const)
    if (!isPosInt(cfg[k])) bad(`${k} must be a positive integer, got ${JSON.stringify(cfg[k])}`);
  if (cfg.nEmbd % cfg.nHead !== 0) bad(`nEmbd ${cfg.nEmbd} must be divisible by nHead ${cfg.nHead}`);
  if (!(typeof cfg.dropout === "number" && cfg.dropout >= 0 && cfg.dropout < 1))
    bad(`dropout must be a number in [0, 1), got ${JSON.stringify(cfg.dropout)}`);
  if (typeof cfg.bias !== "boolean") bad(`bias must be true or false, got ${JSON.stringify(cfg.bias)}`);
  if (cfg.positional !== "learned" && cfg.positional !== "rope")
    bad(`positional must be "learned" or "rope", got ${JSON.stringify(cfg.positional)}`);
  if (cfg.positional === "rope" && (cfg.nEmbd / cfg.nHead) % 2 !== 0)
    bad(`rotary embeddings need an even head size, got nEmbd / nHead = ${cfg.nEmbd / cfg.nHead}`);
  if (cfg.layerNormEps !== undefined && !(cfg.layerNormEps > 0))
    bad(`layerNormEps must be a positive number, got ${JSON.stringify(cfg.layerNormEps)}`);
  const moe = cfg.moe;
  if (moe) {
    if (!isPosInt(moe.numExperts)) bad(`moe.numExperts must be a positive integer, got ${moe.numExperts}`);
    if (!(Number.isInteger(moe.topK) && moe.topK >= 1 && moe.topK <= moe.numExperts))
      bad(`moe.topK must be an integer in [1, ${moe.numExperts}], got ${moe.topK}`);
    if (
      !Array.isArray(moe.layers) ||
      moe.layers.some((l) => !Number.isInteger(l) || l < 0 || l >= cfg.nLayer)
    )
      bad(`moe.layers must list block indices in [0, ${cfg.nLayer}), got ${JSON.stringify(moe.layers)}`);
    if (!(moe.auxLossWeight >= 0)) bad(`moe.auxLossWeight must be ≥ 0, got ${moe.auxLossWeight}`);
  }
}

/** Keys and values of one attention layer for the positions seen so far: [B, nh, S, hs]. */
export interface LayerCache {
  k: nb.Tensor | null;
  v: nb.Tensor | null;
}
export type KVCache = LayerCache[];

export class CausalSelfAttention extends nn.Module {
  cAttn: nn.Linear;
  cProj: nn.Linear;
  residDropout: nn.Dropout;
  rotary: nn.RotaryEmbedding | null;

  constructor(readonly cfg: GPTConfig) {
    super();
    this.cAttn = new nn.Linear(cfg.nEmbd, 3 * cfg.nEmbd, { bias: cfg.bias });
    this.cProj = new nn.Linear(cfg.nEmbd, cfg.nEmbd, { bias: cfg.bias });
    this.residDropout = new nn.Dropout(cfg.dropout);
    this.rotary = cfg.positional === "rope" ? new nn.RotaryEmbedding(cfg.nEmbd / cfg.nHead) : null;
  }

  /**
   * x [B, T, C] at positions offset … offset+T−1 → [B, T, C]. With a cache, attends to the cached
   * keys and values as well and appends this step's. `keepWeights` receives the attention
   * weights [B, nh, T, S].
   */
  forward(
    x: nb.Tensor,
    cache?: LayerCache | null,
    offset = 0,
    keepWeights?: (w: nb.Tensor) => void,
  ): nb.Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.cfg.nHead;
    const hs = C / nh;
    const [q0, k0, v0] = this.cAttn.forward(x).split(C, 2);
    const heads = (t: nb.Tensor) => t.reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    let q = heads(q0!);
    let k = heads(k0!);
    let v = heads(v0!);
    if (this.rotary) {
      q = this.rotary.forward(q, offset);
      k = this.rotary.forward(k, offset);
    }
    if (cache) {
      if (cache.k && cache.v) {
        k = nb.cat([cache.k, k], 2);
        v = nb.cat([cache.v, v], 2);
      }
      // the cache outlives this call's scope (GPT.forward); what it held before is garbage now
      cache.k?.dispose();
      cache.v?.dispose();
      cache.k = nb.keep(k);
      cache.v = nb.keep(v);
    }
    const S = k.shape[2]!; // keys: the S − T cached positions, then these T
    const { output, weights } = nn.attention(q, k, v, {
      // query i sits at key position S − T + i and may see keys up to it (bottom-right aligned):
      // without a cache that is PyTorch's is_causal, applied inside the softmax kernel
      isCausal: T > 1 && S === T,
      attnMask: T > 1 && S > T ? nn.causalMask(T, S, S - T) : null,
      dropoutP: this.training ? this.cfg.dropout : 0,
    });
    keepWeights?.(weights);
    const y = output.transpose(1, 2).reshape(B, T, C); // re-assemble the heads
    return this.residDropout.forward(this.cProj.forward(y));
  }
}

export class MLP extends nn.Module {
  cFc: nn.Linear;
  cProj: nn.Linear;
  dropout: nn.Dropout;
  constructor(cfg: GPTConfig) {
    super();
    this.cFc = new nn.Linear(cfg.nEmbd, 4 * cfg.nEmbd, { bias: cfg.bias });
    this.cProj = new nn.Linear(4 * cfg.nEmbd, cfg.nEmbd, { bias: cfg.bias });
    this.dropout = new nn.Dropout(cfg.dropout);
  }
  /** [..., C] → [..., C]; GPT-2's GELU is the tanh approximation ("gelu_new"). */
  forward(x: nb.Tensor): nb.Tensor {
    return this.dropout.forward(this.cProj.forward(nb.gelu(this.cFc.forward(x), { approximate: "tanh" })));
  }
}

export class Block extends nn.Module {
  ln_1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: nn.LayerNorm;
  mlp: MLP | nn.MixtureOfExperts;
  constructor(cfg: GPTConfig, useMoe: boolean) {
    super();
    const eps = cfg.layerNormEps ?? 1e-5;
    this.ln_1 = new nn.LayerNorm(cfg.nEmbd, { eps, bias: cfg.bias });
    this.attn = new CausalSelfAttention(cfg);
    this.ln_2 = new nn.LayerNorm(cfg.nEmbd, { eps, bias: cfg.bias });
    this.mlp =
      useMoe && cfg.moe
        ? new nn.MixtureOfExperts(cfg.nEmbd, () => new MLP(cfg), {
            numExperts: cfg.moe.numExperts,
            topK: cfg.moe.topK,
          })
        : new MLP(cfg);
  }
  forward(
    x: nb.Tensor,
    cache?: LayerCache | null,
    offset = 0,
    keepWeights?: (w: nb.Tensor) => void,
  ): nb.Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x), cache, offset, keepWeights));
    return x.add(this.mlp.forward(this.ln_2.forward(x)));
  }
}

export interface GPTOutput {
  /** [B, T, vocabSize] */
  logits: nb.Tensor;
  /** mean cross-entropy over the targets (plus the weighted MoE load-balancing loss), or null */
  loss: nb.Tensor | null;
}

export interface GPTForwardOptions {
  /** int32 [B, T]: the next token at every position */
  targets?: nb.Tensor | null;
  /** continue after the positions in this cache (from newCache()), appending to it */
  cache?: KVCache | null;
  /** filled with each layer's attention weights: attention[layer] = [[B, nh, T, S]] */
  attention?: nb.Tensor[][];
}

export class GPT extends nn.Module {
  wte: nn.Embedding;
  wpe: nn.Embedding | null;
  drop: nn.Dropout;
  h: nn.ModuleList<Block>;
  lnF: nn.LayerNorm;

  constructor(readonly config: GPTConfig) {
    super();
    checkGPTConfig(config);
    const cfg = config;
    this.wte = new nn.Embedding(cfg.vocabSize, cfg.nEmbd);
    this.wpe = cfg.positional === "learned" ? new nn.Embedding(cfg.blockSize, cfg.nEmbd) : null;
    this.drop = new nn.Dropout(cfg.dropout);
    this.h = new nn.ModuleList(
      Array.from({ length: cfg.nLayer }, (_, i) => new Block(cfg, cfg.moe?.layers.includes(i) ?? false)),
    );
    this.lnF = new nn.LayerNorm(cfg.nEmbd, { eps: cfg.layerNormEps ?? 1e-5, bias: cfg.bias });
    this.initWeights();
  }

  /**
   * GPT-2's initialisation: weights N(0, 0.02), biases 0, LayerNorms 1 and 0, and the projections
   * that write into the residual stream (c_proj) N(0, 0.02/√(2·nLayer)), so the stream's variance
   * does not grow with depth.
   */
  private initWeights(): void {
    const std = 0.02;
    for (const [name, p] of this.namedParameters()) {
      if (/(^|\.)ln_(\d|f)\./.test(name)) continue; // LayerNorms start at 1 and 0 already
      if (name.endsWith(".bias")) nn.init.zeros_(p);
      else
        nn.init.normal_(p, 0, name.endsWith("c_proj.weight") ? std / Math.sqrt(2 * this.config.nLayer) : std);
    }
  }

  /** Parameters counted once (the tied output head is the token embedding). */
  numParameters(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.numel();
    return n;
  }

  /**
   * idx int32 [B, T] → logits [B, T, vocab]; with targets [B, T] also the loss. With a cache,
   * positions continue after the cached ones, and the cache grows by T.
   */
  forward(idx: nb.Tensor, opts: GPTForwardOptions = {}): GPTOutput {
    const cfg = this.config;
    if (idx.ndim !== 2 || idx.dtype !== "int32")
      throw new nb.ShapeError(`GPT: expected int32 token ids [B, T], got ${idx.dtype} [${idx.shape}]`);
    const T = idx.shape[1]!;
    const offset = opts.cache?.[0]?.k?.shape[2] ?? 0;
    if (T === 0) throw new nb.ShapeError("GPT: the input has no positions (T = 0)");
    if (offset + T > cfg.blockSize)
      throw new nb.NablaError(
        `GPT: ${offset + T} positions${offset ? ` (${offset} cached + ${T} new)` : ""} exceed the block size ${cfg.blockSize}`,
      );
    if (opts.cache && opts.cache.length !== cfg.nLayer)
      throw new nb.NablaError(`GPT: the cache has ${opts.cache.length} layers, the model ${cfg.nLayer}`);
    // the intermediates are disposed as the scope closes: those backward needs stay (the graph
    // holds them) until backward has run, the others go at once, so memory is reused at once
    return nb.scope(() => this.run(idx, opts, offset, T));
  }

  private run(idx: nb.Tensor, opts: GPTForwardOptions, offset: number, T: number): GPTOutput {
    const cfg = this.config;
    let x = this.wte.forward(idx); // (B, T, C)
    if (this.wpe) x = x.add(this.wpe.forward(nb.arange(offset, offset + T)));
    x = this.drop.forward(x);
    let layer = 0;
    for (const block of this.h) {
      const l = layer++;
      const keep = opts.attention ? (w: nb.Tensor) => void (opts.attention![l] = [nb.keep(w)]) : undefined;
      x = block.forward(x, opts.cache?.[l] ?? null, offset, keep);
    }
    x = this.lnF.forward(x);
    const logits = x.matmul(this.wte.weight.T); // tied output head: (B, T, V)
    let loss: nb.Tensor | null = null;
    if (opts.targets) {
      const t = opts.targets;
      if (t.dtype !== "int32" || t.shape.join() !== idx.shape.join())
        throw new nb.ShapeError(
          `GPT: targets must be int32 [${idx.shape}] like the input, got ${t.dtype} [${t.shape}]`,
        );
      loss = nn.functional.crossEntropy(logits.reshape(-1, cfg.vocabSize), t.reshape(-1));
      if (cfg.moe && cfg.moe.auxLossWeight > 0)
        for (const b of this.h)
          if (b.mlp instanceof nn.MixtureOfExperts && b.mlp.auxLoss)
            loss = loss.add(b.mlp.auxLoss.mul(cfg.moe.auxLossWeight));
    }
    return { logits, loss };
  }

  /** An empty KV cache for generate(): one entry per layer. */
  newCache(): KVCache {
    return Array.from({ length: this.config.nLayer }, () => ({ k: null, v: null }));
  }
}

// Sampling was defined here first; it lives in gpt-sample.ts now.
export { generate, sampleToken, type SampleOptions } from "./gpt-sample.js";
