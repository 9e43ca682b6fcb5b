// The tiny-GPT page's model and training loop, with no DOM: a character tokenizer over the text,
// nabla's GPT (src/models/gpt.ts) trained with AdamW on random windows of it, sampling with the
// KV cache (sliding the context when the text outgrows the block), and the attention weights of
// every layer and head for a prompt. Runs in a Web Worker, on the main thread, or in Node's tests.
import * as nb from "../../index.js";
import * as optim from "../../optim/index.js";
import { GPT, defaultGPTConfig, generate } from "../../models/gpt.js";
import { CharTokenizer, unigramBaseline } from "../../text/browser.js";
import { checkSettings, type GptSettings } from "./settings.js";

export interface AttentionMaps {
  /** The prompt's characters, one per position. */
  tokens: string[];
  nLayer: number;
  nHead: number;
  /** maps[layer][head] is T×T, row q (the attending position) then column k. */
  maps: Float32Array[][];
}

export class GptTrainer {
  readonly tokenizer: CharTokenizer;
  readonly model: GPT;
  readonly data: Int32Array;
  /** Cross-entropy of the text under its own character frequencies: what a context-blind model scores. */
  readonly unigramLoss: number;
  private readonly optimizer: optim.AdamW;
  private readonly generator: nb.Generator;
  steps = 0;

  constructor(
    text: string,
    readonly settings: GptSettings,
  ) {
    const problem = checkSettings(text, settings);
    if (problem) throw new nb.NablaError(problem);
    nb.manualSeed(settings.seed); // GPT's initialisation draws from the default generator
    this.generator = new nb.Generator(settings.seed);
    this.tokenizer = CharTokenizer.fromText(text);
    this.data = Int32Array.from(this.tokenizer.encode(text));
    this.unigramLoss = unigramBaseline(this.data, this.data, { alpha: 0 });
    this.model = new GPT(
      defaultGPTConfig({
        vocabSize: this.tokenizer.vocabSize,
        blockSize: settings.blockSize,
        nLayer: settings.nLayer,
        nHead: settings.nHead,
        nEmbd: settings.nEmbd,
      }),
    );
    this.optimizer = new optim.AdamW([...this.model.parameters()], { lr: settings.lr, weightDecay: 0.01 });
  }

  /** One AdamW step on a batch of random windows; returns the batch's loss (nats per character). */
  step(): number {
    const { batchSize: B, blockSize: T } = this.settings;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const start = Math.floor(this.generator.random() * (this.data.length - T - 1));
      x.set(this.data.subarray(start, start + T), b * T);
      y.set(this.data.subarray(start + 1, start + T + 1), b * T);
    }
    this.model.train();
    this.optimizer.zeroGrad();
    const { loss } = this.model.forward(nb.fromArray(x, [B, T]), { targets: nb.fromArray(y, [B, T]) });
    loss!.backward();
    optim.clipGradNorm_(this.model.parameters(), 1);
    this.optimizer.step();
    this.steps++;
    return loss!.item();
  }

  /** The ids of a prompt; throws naming a character the text never had. */
  encode(prompt: string): number[] {
    return this.tokenizer.encode(prompt);
  }

  /**
   * Continues `prompt` by `length` characters. Past the block size, the context slides: each chunk
   * starts from the last half-block of characters and fills the rest of the block with the cache.
   */
  sample(prompt: string, length: number, temperature: number): string {
    const ids = prompt === "" ? [this.data[0]!] : this.encode(prompt);
    const T = this.settings.blockSize;
    const out: number[] = [];
    let context = ids.slice(-T + 1);
    while (out.length < length) {
      const n = Math.min(length - out.length, T - context.length);
      const next = generate(this.model, context, { maxNewTokens: n, temperature, generator: this.generator });
      out.push(...next);
      context = [...context, ...next].slice(-Math.max(1, Math.floor(T / 2)));
    }
    return this.tokenizer.decode(out);
  }

  /** The attention weights of every layer and head over the prompt (its last blockSize characters). */
  attention(prompt: string): AttentionMaps {
    const ids = this.encode(prompt).slice(-this.settings.blockSize);
    if (ids.length === 0) throw new nb.NablaError("the prompt is empty");
    const T = ids.length;
    const { nLayer, nHead } = this.settings;
    const weights: nb.Tensor[][] = [];
    const wasTraining = this.model.training;
    this.model.eval();
    nb.noGrad(() => this.model.forward(nb.fromArray(Int32Array.from(ids), [1, T]), { attention: weights }));
    this.model.train(wasTraining);
    const maps = weights.map(([w]) => {
      const all = Float32Array.from(w!.dataSync()); // [1, nh, T, T]
      return Array.from({ length: nHead }, (_, h) => all.slice(h * T * T, (h + 1) * T * T));
    });
    return { tokens: ids.map((id) => this.tokenizer.chars[id]!), nLayer, nHead, maps };
  }
}
