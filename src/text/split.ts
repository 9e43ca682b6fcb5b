// Corpus helpers for language-model training: a train/validation split that never cuts a character
// in half, and the unigram baseline a model's validation loss should beat.
import { NablaError } from "../index.js";

export interface TrainValSplit {
  train: string;
  val: string;
}

/**
 * The first `fraction` of the text (by length) for training and the rest for validation, cut
 * between two characters (never inside a surrogate pair).
 */
export function trainValSplit(text: string, fraction = 0.9): TrainValSplit {
  const op = "trainValSplit";
  if (typeof text !== "string") throw new NablaError(`${op}: text must be a string, got ${typeof text}`);
  if (!(typeof fraction === "number" && fraction >= 0 && fraction <= 1))
    throw new NablaError(`${op}: fraction must be a number from 0 to 1, got ${fraction}`);
  let cut = Math.floor(text.length * fraction);
  const hi = text.charCodeAt(cut - 1);
  const lo = text.charCodeAt(cut);
  if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) cut++;
  return { train: text.slice(0, cut), val: text.slice(cut) };
}

export interface UnigramOptions {
  /**
   * Add-α smoothing: p(s) = (count(s) + α) / (N + α·V), so a symbol of the validation text that
   * training never saw costs log(N/α + V) nats instead of infinity. 1 by default; 0 for the raw
   * frequencies (then an unseen symbol gives Infinity).
   */
  alpha?: number;
  /** V, the number of symbols; the distinct symbols of both texts by default. */
  vocabSize?: number;
}

/**
 * The cross-entropy, in nats per symbol, of `val` under the unigram (symbol frequency) distribution of
 * `train`: -mean(log p(s)) over the symbols of `val`. Strings count characters (code points); arrays
 * of token ids count tokens. A language model that learned anything beyond symbol frequencies has a
 * validation loss below it.
 */
export function unigramBaseline<T>(train: Iterable<T>, val: Iterable<T>, opts: UnigramOptions = {}): number {
  const op = "unigramBaseline";
  const alpha = opts.alpha ?? 1;
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new NablaError(`${op}: alpha must be ≥ 0, got ${alpha}`);
  const counts = new Map<T, number>();
  let n = 0;
  for (const s of train) {
    counts.set(s, (counts.get(s) ?? 0) + 1);
    n++;
  }
  const valCounts = new Map<T, number>();
  let m = 0;
  for (const s of val) {
    valCounts.set(s, (valCounts.get(s) ?? 0) + 1);
    m++;
  }
  if (m === 0) throw new NablaError(`${op}: the validation text is empty`);
  const distinct = new Set([...counts.keys(), ...valCounts.keys()]).size;
  const v = opts.vocabSize ?? distinct;
  if (!(Number.isInteger(v) && v >= distinct))
    throw new NablaError(`${op}: vocabSize must be an integer ≥ the ${distinct} distinct symbols, got ${v}`);
  const denom = n + alpha * v;
  if (denom === 0) throw new NablaError(`${op}: the training text is empty and alpha is 0`);
  let total = 0;
  for (const [s, k] of valCounts) total -= k * Math.log(((counts.get(s) ?? 0) + alpha) / denom);
  return total / m;
}
