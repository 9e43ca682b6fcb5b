// nabla's character GPT written in TensorFlow.js ops, for the suite's TF.js engine: GPT-2's layout
// as src/models/gpt.ts (token + learned position embeddings, pre-LayerNorm blocks of causal
// multi-head attention and a 4× tanh-GELU MLP, final LayerNorm, head tied to the token embedding),
// trained with AdamW (decay on matrices only) and global-norm clipping as src/models/lm-train.ts,
// and sampled one token at a time with a KV cache.
import type { Tf, TfTensor as T, TfVariable } from "./tf-api.js";

export interface GptShape {
  vocab: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** Keys and values of one layer for the positions so far: [B, nh, S, hs]. */
type Cache = { k: T | null; v: T | null }[];

export class TfGPT {
  readonly params: TfVariable[] = [];
  private readonly p = new Map<string, TfVariable>();
  /** [blockSize, blockSize]: 0 where a query may see a key, −1e9 above the diagonal */
  private readonly causal: T;

  /**
   * `embedding: "onehot"` looks tokens up as onehot(idx) @ wte, for backends without gather's
   * gradient kernel (UnsortedSegmentSum: TF.js's wasm backend).
   */
  constructor(
    private readonly tf: Tf,
    readonly cfg: GptShape,
    readonly embedding: "gather" | "onehot" = "gather",
  ) {
    const { vocab, blockSize: T_, nLayer, nEmbd: C } = cfg;
    const std = 0.02;
    const projStd = std / Math.sqrt(2 * nLayer);
    this.add("wte", tf.randomNormal([vocab, C], 0, std));
    this.add("wpe", tf.randomNormal([T_, C], 0, std));
    for (let l = 0; l < nLayer; l++) {
      this.norm(`h${l}.ln1`);
      this.linear(`h${l}.attn`, C, 3 * C, std);
      this.linear(`h${l}.attnProj`, C, C, projStd);
      this.norm(`h${l}.ln2`);
      this.linear(`h${l}.fc`, C, 4 * C, std);
      this.linear(`h${l}.fcProj`, 4 * C, C, projStd);
    }
    this.norm("lnF");
    const mask = new Float32Array(T_ * T_).map((_, i) => (i % T_ > Math.floor(i / T_) ? -1e9 : 0));
    this.causal = tf.tensor(mask, [T_, T_]);
  }

  private add(name: string, init: T): void {
    const v = this.tf.variable(init, true);
    init.dispose();
    this.p.set(name, v);
    this.params.push(v);
  }
  private linear(name: string, nIn: number, nOut: number, std: number): void {
    this.add(`${name}.w`, this.tf.randomNormal([nIn, nOut], 0, std)); // x @ w, w [in, out]
    this.add(`${name}.b`, this.tf.zeros([nOut]));
  }
  private norm(name: string): void {
    this.add(`${name}.g`, this.tf.ones([this.cfg.nEmbd]));
    this.add(`${name}.b`, this.tf.zeros([this.cfg.nEmbd]));
  }
  private get(name: string): TfVariable {
    return this.p.get(name)!;
  }

  /** x [N, in] → [N, out] */
  private dense(name: string, x: T): T {
    return this.tf.add(this.tf.matMul(x, this.get(`${name}.w`)), this.get(`${name}.b`));
  }
  private layerNorm(name: string, x: T): T {
    const tf = this.tf;
    const mu = tf.mean(x, -1, true);
    const d = tf.sub(x, mu);
    const inv = tf.div(1, tf.sqrt(tf.add(tf.mean(tf.square(d), -1, true), 1e-5)));
    return tf.add(tf.mul(tf.mul(d, inv), this.get(`${name}.g`)), this.get(`${name}.b`));
  }
  /** GPT-2's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
  private gelu(x: T): T {
    const tf = this.tf;
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.square(x)))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  }

  /** x [B·T, C] of B sequences at positions offset…offset+T−1 → [B·T, C]; appends to the cache. */
  private attention(l: number, x: T, B: number, T_: number, cache: Cache | null): T {
    const tf = this.tf;
    const { nHead: nh, nEmbd: C } = this.cfg;
    const hs = C / nh;
    const heads = (t: T) => tf.transpose(tf.reshape(t, [B, T_, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const [q0, k0, v0] = tf.split(this.dense(`h${l}.attn`, x), 3, 1);
    const q = heads(q0!);
    let k = heads(k0!);
    let v = heads(v0!);
    const c = cache?.[l];
    if (c) {
      if (c.k && c.v) [k, v] = [tf.concat([c.k, k], 2), tf.concat([c.v, v], 2)];
      [c.k, c.v] = [tf.keep(k), tf.keep(v)];
    }
    let att = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)); // (B, nh, T, S)
    if (T_ > 1) att = tf.add(att, tf.slice(this.causal, [0, 0], [T_, T_])); // no cache here: S = T
    const y = tf.matMul(tf.softmax(att, -1), v); // (B, nh, T, hs)
    return this.dense(`h${l}.attnProj`, tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T_, C]));
  }

  /** idx int32 [B, T] → logits [B·T, vocab]; with a cache, positions continue after it. */
  forward(idx: T, cache: Cache | null = null, offset = 0): T {
    const tf = this.tf;
    const [B, T_] = idx.shape as [number, number];
    const C = this.cfg.nEmbd;
    const pos = tf.slice(this.get("wpe"), [offset, 0], [T_, C]); // (T, C)
    const wte = this.get("wte");
    const tok =
      this.embedding === "gather"
        ? tf.gather(wte, tf.reshape(idx, [-1]))
        : tf.matMul(tf.oneHot(tf.reshape(idx, [-1]), this.cfg.vocab), wte); // (B·T, C)
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T_, C]), pos), [B * T_, C]);
    for (let l = 0; l < this.cfg.nLayer; l++) {
      x = tf.add(x, this.attention(l, this.layerNorm(`h${l}.ln1`, x), B, T_, cache));
      const h = this.gelu(this.dense(`h${l}.fc`, this.layerNorm(`h${l}.ln2`, x)));
      x = tf.add(x, this.dense(`h${l}.fcProj`, h));
    }
    return tf.matMul(this.layerNorm("lnF", x), this.get("wte"), false, true); // tied head
  }

  /** Mean cross-entropy of the next tokens targets [B, T]. */
  loss(idx: T, targets: T): T {
    const tf = this.tf;
    const logits = this.forward(idx);
    const onehot = tf.oneHot(tf.reshape(targets, [-1]), this.cfg.vocab);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits, -1)), -1)));
  }

  newCache(): Cache {
    return Array.from({ length: this.cfg.nLayer }, () => ({ k: null, v: null }));
  }
}

export interface AdamWOptions {
  lr: number;
  betas: readonly [number, number];
  weightDecay: number;
  gradClip: number;
}

/** AdamW as PyTorch defines it (decoupled decay, bias correction, eps 1e-8) after global-norm clipping. */
export class TfAdamW {
  private readonly m: TfVariable[];
  private readonly v: TfVariable[];
  private t = 0;

  constructor(
    private readonly tf: Tf,
    private readonly params: TfVariable[],
    private readonly o: AdamWOptions,
  ) {
    this.m = params.map((p) => tf.variable(tf.zeros(p.shape), false));
    this.v = params.map((p) => tf.variable(tf.zeros(p.shape), false));
  }

  step(grads: Record<string, T>): void {
    const tf = this.tf;
    const [b1, b2] = this.o.betas;
    this.t++;
    tf.tidy(() => {
      const gs = this.params.map((p) => grads[p.name]!);
      const norm = tf.sqrt(gs.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
      const scale = tf.minimum(1, tf.div(this.o.gradClip, tf.add(norm, 1e-6))); // as clip_grad_norm_
      this.params.forEach((p, i) => {
        const g = tf.mul(gs[i]!, scale);
        const m = tf.add(tf.mul(b1, this.m[i]!), tf.mul(1 - b1, g));
        const v = tf.add(tf.mul(b2, this.v[i]!), tf.mul(1 - b2, tf.square(g)));
        const mHat = tf.div(m, 1 - b1 ** this.t);
        const vHat = tf.div(v, 1 - b2 ** this.t);
        const decay = p.shape.length >= 2 ? this.o.lr * this.o.weightDecay : 0;
        const update = tf.div(tf.mul(this.o.lr, mHat), tf.add(tf.sqrt(vHat), 1e-8));
        p.assign(tf.sub(tf.mul(p, 1 - decay), update));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
      });
    });
  }
}
