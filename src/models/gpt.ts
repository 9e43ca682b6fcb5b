// GPT: a decoder-only Transformer in GPT-2's layout (token + learned position embeddings,
// pre-LayerNorm blocks of causal multi-head self-attention and a 4× GELU MLP, a final LayerNorm,
// the output head tied to the token embedding). Options: rotary positions instead of learned
// ones, and mixture-of-experts MLPs in chosen blocks. Parameter names match GPT-2 checkpoints.
import * as nb from "../index.js";
import * as nn from "../nn/index.js";

export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  bias: boolean;
  /** "learned" (GPT-2) or "rope" (rotary embeddings in every attention layer) */
  positional: "learned" | "rope";
  /** mixture-of-experts MLPs in the listed blocks */
  moe?: { layers: number[]; numExperts: number; topK: number; auxLossWeight: number };
  layerNormEps?: number;
}

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

/** Keys and values of one attention layer for the positions seen so far: [B, nh, S, hs]. */
export interface LayerCache {
  k: nb.Tensor | null;
  v: nb.Tensor | null;
}
export type KVCache = LayerCache[];

export class CausalSelfAttention extends nn.Module {
  cAttn: nn.Linear;
  cProj: nn.Linear;
  attnDropout: nn.Dropout;
  residDropout: nn.Dropout;
  rotary: nn.RotaryEmbedding | null;

  constructor(readonly cfg: GPTConfig) {
    super();
    if (cfg.nEmbd % cfg.nHead !== 0)
      throw new nb.NablaError(`GPT: nEmbd ${cfg.nEmbd} must be divisible by nHead ${cfg.nHead}`);
    this.cAttn = new nn.Linear(cfg.nEmbd, 3 * cfg.nEmbd, { bias: cfg.bias });
    this.cProj = new nn.Linear(cfg.nEmbd, cfg.nEmbd, { bias: cfg.bias });
    this.attnDropout = new nn.Dropout(cfg.dropout);
    this.residDropout = new nn.Dropout(cfg.dropout);
    this.rotary = cfg.positional === "rope" ? new nn.RotaryEmbedding(cfg.nEmbd / cfg.nHead) : null;
  }

  /** x [B, T, C] at positions offset…offset+T−1; appends to `cache` when given. */
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
    const heads = (t: nb.Tensor) => t.reshape(B, T, nh, hs).transpose(1, 2); // [B, nh, T, hs]
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
      cache.k = k;
      cache.v = v;
    }
    const S = k.shape[2]!;
    let att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs)); // [B, nh, T, S]
    if (T > 1) att = att.maskedFill(nn.causalMask(T, S).logicalNot(), -Infinity);
    att = nb.softmax(att, -1);
    keepWeights?.(att);
    att = this.attnDropout.forward(att);
    const y = att.matmul(v).transpose(1, 2).reshape(B, T, C);
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
  forward(x: nb.Tensor): nb.Tensor {
    return this.dropout.forward(this.cProj.forward(nb.gelu(this.cFc.forward(x), { approximate: "tanh" })));
  }
}

export class Block extends nn.Module {
  ln_1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: nn.LayerNorm;
  mlp: nn.Module;
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
    return x.add(this.mlp.forward(this.ln_2.forward(x)) as nb.Tensor);
  }
}

export interface GPTOutput {
  logits: nb.Tensor;
  loss: nb.Tensor | null;
}

export class GPT extends nn.Module {
  wte: nn.Embedding;
  wpe: nn.Embedding | null;
  drop: nn.Dropout;
  h: nn.ModuleList<Block>;
  lnF: nn.LayerNorm;

  constructor(readonly config: GPTConfig) {
    super();
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

  /** GPT-2's initialisation: N(0, 0.02) weights, zero biases, residual projections scaled by 1/√(2·nLayer). */
  private initWeights(): void {
    const std = 0.02;
    for (const [name, p] of this.namedParameters()) {
      if (name.endsWith(".bias") || /ln_\d|ln_f|lora_/.test(name)) continue;
      nn.init.normal_(p, 0, name.endsWith("c_proj.weight") ? std / Math.sqrt(2 * this.config.nLayer) : std);
    }
  }

  /** Parameters counted once (the tied head is the embedding). */
  numParameters(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.numel();
    return n;
  }

  /**
   * idx [B, T] int32 → logits [B, T, vocab]; with targets [B, T] also the mean cross-entropy (plus
   * the weighted MoE load-balancing loss). With a cache, positions continue after the cached ones.
   */
  forward(
    idx: nb.Tensor,
    opts: { targets?: nb.Tensor | null; cache?: KVCache | null; attention?: nb.Tensor[][] } = {},
  ): GPTOutput {
    if (idx.ndim !== 2 || idx.dtype !== "int32")
      throw new nb.ShapeError(`GPT: expected int32 token ids [B, T], got ${idx.dtype} [${idx.shape}]`);
    const T = idx.shape[1]!;
    const offset = opts.cache?.[0]?.k ? opts.cache[0].k.shape[2]! : 0;
    if (offset + T > this.config.blockSize)
      throw new nb.NablaError(`GPT: ${offset + T} positions exceed the block size ${this.config.blockSize}`);
    let x = this.wte.forward(idx);
    if (this.wpe) x = x.add(this.wpe.forward(nb.arange(offset, offset + T).to("int32")));
    x = this.drop.forward(x);
    this.h.at(0); // validates non-empty lists early
    let i = 0;
    for (const block of this.h) {
      const keep = opts.attention ? (w: nb.Tensor) => (opts.attention![i] = [w]) : undefined;
      x = block.forward(x, opts.cache?.[i] ?? null, offset, keep);
      i++;
    }
    x = this.lnF.forward(x);
    const logits = x.matmul(this.wte.weight.T); // tied output head
    let loss: nb.Tensor | null = null;
    if (opts.targets) {
      loss = nn.functional.crossEntropy(logits.reshape(-1, this.config.vocabSize), opts.targets.reshape(-1));
      const moe = this.config.moe;
      if (moe && moe.auxLossWeight > 0)
        for (const b of this.h)
          if (b.mlp instanceof nn.MixtureOfExperts && b.mlp.auxLoss)
            loss = loss.add(b.mlp.auxLoss.mul(moe.auxLossWeight));
    }
    return { logits, loss };
  }

  newCache(): KVCache {
    return Array.from({ length: this.config.nLayer }, () => ({ k: null, v: null }));
  }
}

export interface SampleOptions {
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  generator?: nb.Generator;
  /** use the KV cache (default) or recompute the whole context at every step */
  useCache?: boolean;
  /** called with each new token id as soon as it is chosen */
  onToken?: (id: number) => void;
}

/** Picks a token id from logits with temperature, top-k and top-p (nucleus) filtering. */
export function sampleToken(
  logits: ArrayLike<number>,
  opts: { temperature?: number; topK?: number; topP?: number; generator?: nb.Generator },
): number {
  const { temperature = 1, topK, topP } = opts;
  const n = logits.length;
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
  let keep = topK !== undefined ? Math.max(1, Math.min(topK, n)) : n;
  const max = logits[order[0]!]!;
  const w = order.map((i) => Math.exp((logits[i]! - max) / temperature));
  if (topP !== undefined && topP < 1) {
    const total = w.slice(0, keep).reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let j = 0; j < keep; j++) {
      acc += w[j]! / total;
      if (acc >= topP) {
        keep = j + 1;
        break;
      }
    }
  }
  const total = w.slice(0, keep).reduce((a, b) => a + b, 0);
  let r = (opts.generator ?? nb.defaultGenerator).random() * total;
  for (let j = 0; j < keep; j++) {
    r -= w[j]!;
    if (r <= 0) return order[j]!;
  }
  return order[keep - 1]!;
}

/** Continues a prompt of token ids; returns the new ids. Runs under noGrad in eval mode. */
export function generate(model: GPT, prompt: readonly number[], opts: SampleOptions): number[] {
  if (prompt.length === 0) throw new nb.NablaError("generate: the prompt needs at least one token");
  const total = prompt.length + opts.maxNewTokens;
  if (total > model.config.blockSize)
    throw new nb.NablaError(
      `generate: prompt (${prompt.length} tokens) plus ${opts.maxNewTokens} new tokens exceed the block size ${model.config.blockSize}`,
    );
  const wasTraining = model.training;
  model.eval();
  const out: number[] = [];
  try {
    nb.noGrad(() => {
      const useCache = opts.useCache ?? true;
      const cache = useCache ? model.newCache() : null;
      let context = [...prompt];
      let feed = context;
      for (let s = 0; s < opts.maxNewTokens; s++) {
        const idx = nb.tensor([feed], { dtype: "int32" });
        const { logits } = model.forward(idx, { cache });
        const V = model.config.vocabSize;
        const last = logits.select(1, -1).reshape(V).dataSync();
        const id = sampleToken(last, opts);
        out.push(id);
        opts.onToken?.(id);
        context = [...context, id];
        feed = useCache ? [id] : context;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/**
 * Copies a GPT-2 checkpoint in Hugging Face's layout (keys like "h.0.attn.c_attn.weight", maybe
 * prefixed "transformer."; Conv1D weights stored [in, out]) into the model, transposing them.
 */
export function loadGpt2StateDict(model: GPT, hf: Record<string, nb.Tensor>): void {
  const conv1d = /\.(c_attn|c_proj|c_fc)\.weight$/;
  const sd: Record<string, nb.Tensor> = {};
  for (const [rawKey, t] of Object.entries(hf)) {
    const key = rawKey.replace(/^transformer\./, "");
    if (/\.attn\.(bias|masked_bias)$/.test(key) || key === "lm_head.weight") continue; // causal-mask buffers; tied head
    sd[key] = conv1d.test(key) ? t.T.contiguous() : t;
  }
  model.loadStateDict(sd);
}
