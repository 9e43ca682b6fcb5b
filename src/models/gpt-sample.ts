// Sampling from a GPT: choosing a token from logits (temperature, top-k, nucleus/top-p), generating
// a continuation with the KV cache or by full recomputation (the same tokens either way), sliding
// the context past the block size on request, and turning token ids into text as they come
// (TextStream holds back the bytes of a character that is not complete yet).
import * as nb from "../index.js";
import { wtf8Decode } from "../text/wtf8.js";
import type { GPT } from "./gpt.js";

export interface SampleTokenOptions {
  /** 0 picks the most likely token (greedy); 1 samples the model's distribution as is */
  temperature?: number;
  /** sample among the k most likely tokens only */
  topK?: number;
  /** sample among the most likely tokens whose probabilities add up to at least p (nucleus) */
  topP?: number;
  generator?: nb.Generator;
}

export interface SampleOptions extends SampleTokenOptions {
  maxNewTokens: number;
  /** use the KV cache (default) or recompute the whole context at every step */
  useCache?: boolean;
  /**
   * Past the block size, restart the context from its last ⌊blockSize/2⌋ tokens (and keep going)
   * instead of throwing. A prompt longer than the block keeps its last blockSize tokens.
   */
  slide?: boolean;
  /** called with each new token id as soon as it is chosen */
  onToken?: (id: number) => void;
}

/** Throws a NablaError for a temperature, top-k or top-p out of range. */
export function checkSampleOptions(op: string, opts: SampleTokenOptions): void {
  const { temperature, topK, topP } = opts;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0))
    throw new nb.NablaError(`${op}: temperature must be a finite number ≥ 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1))
    throw new nb.NablaError(`${op}: topK must be a positive integer, got ${topK}`);
  if (topP !== undefined && !(topP > 0 && topP <= 1))
    throw new nb.NablaError(`${op}: topP must be in (0, 1], got ${topP}`);
}

/** Picks a token id from logits [V] with temperature, top-k and top-p filtering. */
export function sampleToken(logits: ArrayLike<number>, opts: SampleTokenOptions = {}): number {
  checkSampleOptions("sampleToken", opts);
  const { temperature = 1, topK, topP } = opts;
  const n = logits.length;
  if (n === 0) throw new nb.NablaError("sampleToken: no logits to sample from");
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  const max = logits[best]!;
  const rng = opts.generator ?? nb.defaultGenerator;
  const filtered = (topK !== undefined && topK < n) || (topP !== undefined && topP < 1);
  if (!filtered) {
    // the whole distribution: no need to sort
    const w = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i] = Math.exp((logits[i]! - max) / temperature);
    let r = rng.random() * total;
    for (let i = 0; i < n; i++) if ((r -= w[i]!) <= 0) return i;
    return best;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  let keep = Math.min(topK ?? n, n);
  const w = order.slice(0, keep).map((i) => Math.exp((logits[i]! - max) / temperature));
  if (topP !== undefined && topP < 1) {
    const total = w.reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let j = 0; j < keep; j++) {
      acc += w[j]! / total;
      if (acc >= topP) {
        keep = j + 1;
        break;
      }
    }
  }
  let total = 0;
  for (let j = 0; j < keep; j++) total += w[j]!;
  let r = rng.random() * total;
  for (let j = 0; j < keep; j++) if ((r -= w[j]!) <= 0) return order[j]!;
  return order[keep - 1]!;
}

/**
 * Continues a prompt of token ids and returns the new ids; runs without gradients in eval mode.
 * With the cache, each step feeds one token; without it, the whole window. Both see the same
 * window of context at every step, so they choose the same tokens.
 */
export function generate(model: GPT, prompt: readonly number[], opts: SampleOptions): number[] {
  const op = "generate";
  const { blockSize, vocabSize } = model.config;
  checkSampleOptions(op, opts);
  if (!(Number.isInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0))
    throw new nb.NablaError(`${op}: maxNewTokens must be an integer ≥ 0, got ${opts.maxNewTokens}`);
  if (prompt.length === 0) throw new nb.NablaError(`${op}: the prompt needs at least one token`);
  const badId = prompt.find((id) => !(Number.isInteger(id) && id >= 0 && id < vocabSize));
  if (badId !== undefined)
    throw new nb.NablaError(
      `${op}: prompt token ${badId} is not in the model's vocabulary (ids 0..${vocabSize - 1})`,
    );
  if (!opts.slide && prompt.length + opts.maxNewTokens > blockSize)
    throw new nb.NablaError(
      `${op}: the prompt (${prompt.length} tokens) plus ${opts.maxNewTokens} new tokens exceed the block size ${blockSize} (pass slide: true to slide the context)`,
    );
  const keep = Math.max(1, Math.floor(blockSize / 2));
  const useCache = opts.useCache ?? true;
  const context = [...prompt];
  let start = Math.max(0, context.length - blockSize); // the window is context[start …]
  let cache = useCache ? model.newCache() : null;
  let cached = 0; // how many window tokens the cache holds
  const out: number[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    nb.noGrad(() => {
      for (let s = 0; s < opts.maxNewTokens; s++) {
        if (context.length - start > blockSize) {
          start = context.length - keep;
          if (useCache) [cache, cached] = [model.newCache(), 0];
        }
        const feed = context.slice(start + cached);
        const idx = nb.fromArray(Int32Array.from(feed), [1, feed.length]);
        const { logits } = model.forward(idx, { cache });
        if (useCache) cached = context.length - start;
        const last = logits.select(1, -1).reshape(vocabSize).dataSync(); // (V)
        const id = sampleToken(last, opts);
        out.push(id);
        context.push(id);
        opts.onToken?.(id);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/** What TextStream needs of a tokenizer; `tokenBytes` (byte-level BPE has it) lets it work on bytes. */
export interface Decoder {
  readonly type: string;
  decode(ids: ArrayLike<number>): string;
  tokenBytes?(id: number): Uint8Array;
}

/** Where the incomplete UTF-8 character at the end of `bytes` starts (bytes.length when there is none). */
function completeLength(bytes: readonly number[]): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/**
 * Turns token ids into text one id at a time, for printing as they are sampled. A byte-level
 * token may end in the middle of a multi-byte character (an emoji is several GPT-2 tokens), and
 * decoding it alone would print U+FFFD; so the bytes of an unfinished character are held back
 * until it is complete (or the stream ends). What is returned never changes afterwards.
 */
export class TextStream {
  private pending: number[] = []; // ids (decode path) or bytes (tokenBytes path) not yet shown in full
  private shown = 0; // decode path: characters of decode(pending) already returned

  constructor(readonly tokenizer: Decoder) {}

  /** The new text that `id` completes (often "" while a character is unfinished). */
  push(id: number): string {
    const tok = this.tokenizer;
    if (tok.type === "char") return tok.decode([id]);
    if (tok.tokenBytes) {
      for (const b of tok.tokenBytes(id)) this.pending.push(b);
      const cut = completeLength(this.pending);
      const piece = wtf8Decode(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
      return piece;
    }
    // only text to go by: hold back a trailing U+FFFD, which may be a character still arriving
    this.pending.push(id);
    const text = tok.decode(this.pending);
    let end = text.length;
    while (end > this.shown && text.charCodeAt(end - 1) === 0xfffd) end--;
    const piece = text.slice(this.shown, end);
    if (end === text.length)
      [this.pending, this.shown] = [[], 0]; // a clean break: start afresh
    else this.shown = end;
    return piece;
  }

  /** Whatever is still held back (an incomplete character decodes as U+FFFD). */
  flush(): string {
    const rest = this.tokenizer.tokenBytes
      ? wtf8Decode(this.pending)
      : this.tokenizer.decode(this.pending).slice(this.shown);
    [this.pending, this.shown] = [[], 0];
    return rest;
  }
}
