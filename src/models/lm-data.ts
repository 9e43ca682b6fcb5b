// Data for language-model training: the corpus (a text file, or the default corpus), its
// tokenizer (character-level, or byte-level BPE learned from the training part), the token ids of
// the train and validation parts, random training windows and the fixed validation windows.
import { readFileSync } from "node:fs";
import * as nb from "../index.js";
import {
  BpeTokenizer,
  CharTokenizer,
  DEFAULT_CORPUS,
  loadDefaultCorpus,
  trainValSplit,
  unigramBaseline,
  type Tokenizer,
} from "../text/index.js";

export const TOKENIZERS = ["char", "bpe"] as const;
export type TokenizerKind = (typeof TOKENIZERS)[number];

export interface Corpus {
  text: string;
  /** what to call it in messages: the file's path, or the default corpus's title */
  label: string;
}

/** Reads a UTF-8 text file (a leading byte-order mark dropped), or the default corpus when `path` is null. */
export function readCorpus(path: string | null): Corpus {
  if (path === null)
    return { text: loadDefaultCorpus(), label: `${DEFAULT_CORPUS.title} (the default corpus)` };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new nb.NablaError(`cannot read the corpus ${path}: ${why}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) throw new nb.NablaError(`the corpus ${path} is empty`);
  return { text, label: path };
}

/**
 * A tokenizer for the corpus: characters of the whole text (so the validation part has no unknown
 * ones), or BPE merges learned from the training part up to `vocabSize` tokens.
 */
export function buildTokenizer(
  kind: TokenizerKind,
  text: string,
  train: string,
  vocabSize: number,
): Tokenizer {
  if (kind === "char") return CharTokenizer.fromText(text);
  if (kind === "bpe") return BpeTokenizer.train(train, vocabSize);
  throw new nb.NablaError(`unknown tokenizer "${String(kind)}" (choose ${TOKENIZERS.join(" or ")})`);
}

export interface LmData {
  train: Int32Array;
  val: Int32Array;
  /** cross-entropy of the validation tokens under the training tokens' frequencies (nats per token) */
  unigram: number;
}

/**
 * Splits the text (the first 1 − valFraction for training), encodes both parts and checks each
 * holds at least one window of blockSize + 1 tokens.
 */
export function encodeCorpus(
  corpus: Corpus,
  tokenizer: Tokenizer,
  valFraction: number,
  blockSize: number,
): LmData {
  const { train, val } = trainValSplit(corpus.text, 1 - valFraction);
  const ids = {
    train: Int32Array.from(tokenizer.encode(train)),
    val: Int32Array.from(tokenizer.encode(val)),
  };
  const need = blockSize + 1;
  for (const part of ["train", "val"] as const)
    if (ids[part].length < need)
      throw new nb.NablaError(
        `the corpus ${corpus.label} is too short: its ${part === "train" ? "training" : "validation"} part has ${ids[part].length} tokens, fewer than block size + 1 = ${need} (use a longer text, a smaller block size, or a different validation fraction)`,
      );
  const unigram = unigramBaseline(ids.train, ids.val, { vocabSize: tokenizer.vocabSize });
  return { ...ids, unigram };
}

/** Checks a split part of the corpus before building the tokenizer (so BPE does not train on nothing). */
export function splitCorpus(corpus: Corpus, valFraction: number): { train: string; val: string } {
  if (!(valFraction > 0 && valFraction < 1))
    throw new nb.NablaError(`the validation fraction must be between 0 and 1, got ${valFraction}`);
  return trainValSplit(corpus.text, 1 - valFraction);
}

/** B random windows of T + 1 tokens: inputs x and next-token targets y, int32 [B, T]. */
export function randomBatch(
  data: Int32Array,
  B: number,
  T: number,
  generator: nb.Generator,
): { x: nb.Tensor; y: nb.Tensor } {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = generator.integer(0, data.length - T); // start + T + 1 ≤ length
    x.set(data.subarray(start, start + T), b * T);
    y.set(data.subarray(start + 1, start + T + 1), b * T);
  }
  return { x: nb.fromArray(x, [B, T]), y: nb.fromArray(y, [B, T]) };
}

/**
 * The same `count` windows every time, spread evenly over the data (non-overlapping when the data
 * is long enough), so validation losses at different steps are comparable.
 */
export function evalBatches(
  data: Int32Array,
  count: number,
  B: number,
  T: number,
): { x: nb.Tensor; y: nb.Tensor }[] {
  const last = data.length - T - 1; // the last start that fits
  const n = Math.max(1, Math.min(count, last + 1));
  const starts = Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * last) / (n - 1))));
  const batches: { x: nb.Tensor; y: nb.Tensor }[] = [];
  for (let i = 0; i < starts.length; i += B) {
    const chunk = starts.slice(i, i + B);
    const x = new Int32Array(chunk.length * T);
    const y = new Int32Array(chunk.length * T);
    chunk.forEach((s, b) => {
      x.set(data.subarray(s, s + T), b * T);
      y.set(data.subarray(s + 1, s + T + 1), b * T);
    });
    batches.push({ x: nb.fromArray(x, [chunk.length, T]), y: nb.fromArray(y, [chunk.length, T]) });
  }
  return batches;
}
