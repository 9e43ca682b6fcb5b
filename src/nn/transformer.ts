// Transformer blocks with PyTorch's structure and state-dict keys (self_attn, linear1, norm1, …):
// the encoder and decoder layers, post-norm (the original Transformer) or pre-norm (normFirst,
// GPT-style), and the stacks TransformerEncoder/TransformerDecoder.
import * as nb from "../index.js";
import { MultiheadAttention } from "./attention.js";
import { ModuleList } from "./containers.js";
import { Dropout, Linear } from "./layers.js";
import { Module } from "./module.js";
import { LayerNorm } from "./norm.js";

export interface TransformerLayerOptions {
  /** hidden size of the feed-forward MLP (default 2048, as PyTorch) */
  dimFeedforward?: number;
  dropout?: number;
  /** "relu" (default), "gelu" (exact), or any function or module of one tensor */
  activation?: "relu" | "gelu" | ((x: nb.Tensor) => nb.Tensor) | Module;
  layerNormEps?: number;
  /** [N, T, E] when true; [T, N, E] when false (PyTorch's default) */
  batchFirst?: boolean;
  /** pre-norm (GPT-style) when true; post-norm (the original Transformer, PyTorch's default) when false */
  normFirst?: boolean;
  bias?: boolean;
  dtype?: nb.DType;
  generator?: nb.Generator;
}

export interface EncoderForwardOptions {
  /** attention mask for the sequence: [T, T] or [N·nhead, T, T], bool true = not allowed, or float added */
  srcMask?: nb.Tensor | null;
  /** [N, T]: true = padding, ignored as a key */
  srcKeyPaddingMask?: nb.Tensor | null;
  /** mask future positions (nabla builds the causal mask) */
  isCausal?: boolean;
}

function activationFn(a: TransformerLayerOptions["activation"]): (x: nb.Tensor) => nb.Tensor {
  if (a === undefined || a === "relu") return (x) => nb.relu(x);
  if (a === "gelu") return (x) => nb.gelu(x);
  if (a instanceof Module) return (x) => a.forward(x) as nb.Tensor;
  if (typeof a === "function") return a;
  throw new nb.NablaError(
    `Transformer layer: activation must be "relu", "gelu" or a function, got ${String(a)}`,
  );
}

/** The parts every Transformer layer has: self-attention, the MLP and their norms and dropouts. */
abstract class LayerParts extends Module {
  selfAttn: MultiheadAttention;
  protected act: (x: nb.Tensor) => nb.Tensor;
  readonly normFirst: boolean;
  constructor(
    readonly dModel: number,
    readonly nhead: number,
    opts: TransformerLayerOptions,
  ) {
    super();
    const { dropout = 0.1, bias = true, dtype, generator } = opts;
    this.selfAttn = new MultiheadAttention(dModel, nhead, {
      dropout,
      bias,
      batchFirst: opts.batchFirst ?? false,
      dtype,
      generator,
    });
    this.normFirst = opts.normFirst ?? false;
    this.act = activationFn(opts.activation);
  }
}

function mlp(dModel: number, opts: TransformerLayerOptions) {
  const { dimFeedforward = 2048, dropout = 0.1, bias = true, dtype, generator } = opts;
  return {
    linear1: new Linear(dModel, dimFeedforward, { bias, dtype, generator }),
    dropout: new Dropout(dropout, { generator }),
    linear2: new Linear(dimFeedforward, dModel, { bias, dtype, generator }),
  };
}
const norm = (dModel: number, o: TransformerLayerOptions) =>
  new LayerNorm(dModel, { eps: o.layerNormEps ?? 1e-5, bias: o.bias ?? true, dtype: o.dtype });

/** Self-attention and a feed-forward MLP, each with a residual connection and LayerNorm. */
export class TransformerEncoderLayer extends LayerParts {
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    ({ linear1: this.linear1, dropout: this.dropout, linear2: this.linear2 } = mlp(dModel, opts));
    this.norm1 = norm(dModel, opts);
    this.norm2 = norm(dModel, opts);
    this.dropout1 = new Dropout(opts.dropout ?? 0.1, { generator: opts.generator });
    this.dropout2 = new Dropout(opts.dropout ?? 0.1, { generator: opts.generator });
  }

  /** src [N, T, E] (batch first) or [T, N, E], or [T, E] unbatched → the same shape. */
  forward(src: nb.Tensor, o: EncoderForwardOptions = {}): nb.Tensor {
    const sa = (x: nb.Tensor) => {
      const [y] = this.selfAttn.forward(x, x, x, {
        attnMask: o.srcMask,
        keyPaddingMask: o.srcKeyPaddingMask,
        needWeights: false,
        isCausal: o.isCausal,
      });
      return this.dropout1.forward(y);
    };
    const ff = (x: nb.Tensor) =>
      this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    if (this.normFirst) {
      const x = src.add(sa(this.norm1.forward(src)));
      return x.add(ff(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(sa(src)));
    return this.norm2.forward(x.add(ff(x)));
  }
}

export interface DecoderForwardOptions {
  tgtMask?: nb.Tensor | null;
  memoryMask?: nb.Tensor | null;
  tgtKeyPaddingMask?: nb.Tensor | null;
  memoryKeyPaddingMask?: nb.Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/** Self-attention, cross-attention over the encoder's memory, and the MLP, each with residual and LayerNorm. */
export class TransformerDecoderLayer extends LayerParts {
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    const { dropout = 0.1, bias = true, dtype, generator } = opts;
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, {
      dropout,
      bias,
      batchFirst: opts.batchFirst ?? false,
      dtype,
      generator,
    });
    ({ linear1: this.linear1, dropout: this.dropout, linear2: this.linear2 } = mlp(dModel, opts));
    this.norm1 = norm(dModel, opts);
    this.norm2 = norm(dModel, opts);
    this.norm3 = norm(dModel, opts);
    this.dropout1 = new Dropout(dropout, { generator });
    this.dropout2 = new Dropout(dropout, { generator });
    this.dropout3 = new Dropout(dropout, { generator });
  }

  /** tgt [N, T, E] and memory [N, S, E] (batch first; else [T, N, E], [S, N, E]) → like tgt. */
  forward(tgt: nb.Tensor, memory: nb.Tensor, o: DecoderForwardOptions = {}): nb.Tensor {
    const sa = (x: nb.Tensor) => {
      const [y] = this.selfAttn.forward(x, x, x, {
        attnMask: o.tgtMask,
        keyPaddingMask: o.tgtKeyPaddingMask,
        needWeights: false,
        isCausal: o.tgtIsCausal,
      });
      return this.dropout1.forward(y);
    };
    const ca = (x: nb.Tensor) => {
      const [y] = this.multiheadAttn.forward(x, memory, memory, {
        attnMask: o.memoryMask,
        keyPaddingMask: o.memoryKeyPaddingMask,
        needWeights: false,
        isCausal: o.memoryIsCausal,
      });
      return this.dropout2.forward(y);
    };
    const ff = (x: nb.Tensor) =>
      this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(ca(this.norm2.forward(x)));
      return x.add(ff(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    x = this.norm2.forward(x.add(ca(x)));
    return this.norm3.forward(x.add(ff(x)));
  }
}

/** numLayers encoder layers (made by makeLayer(i)) run in turn, then an optional final norm. */
export class TransformerEncoder extends Module {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: Module | null;
  constructor(
    makeLayer: (i: number) => TransformerEncoderLayer,
    numLayers: number,
    opts: { norm?: Module | null } = {},
  ) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, (_, i) => makeLayer(i)));
    this.norm = opts.norm ?? null;
  }
  forward(src: nb.Tensor, o: EncoderForwardOptions = {}): nb.Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, o);
    return this.norm ? (this.norm.forward(x) as nb.Tensor) : x;
  }
}

/** numLayers decoder layers (made by makeLayer(i)) run in turn over the same memory, then an optional final norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList<TransformerDecoderLayer>;
  norm: Module | null;
  constructor(
    makeLayer: (i: number) => TransformerDecoderLayer,
    numLayers: number,
    opts: { norm?: Module | null } = {},
  ) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, (_, i) => makeLayer(i)));
    this.norm = opts.norm ?? null;
  }
  forward(tgt: nb.Tensor, memory: nb.Tensor, o: DecoderForwardOptions = {}): nb.Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, o);
    return this.norm ? (this.norm.forward(x) as nb.Tensor) : x;
  }
}
