// Byte-level BPE: tokens 0–255 are the bytes of the text's WTF-8 encoding (see wtf8.ts), token
// 256 + r the r-th learned merge. decode(encode(s)) === s for every JS string, lone surrogates too.
//
// Encoding pre-splits the text as training did, then applies the merges to each chunk in rank
// order, each rank left to right, in O(m log m) for a chunk of m bytes (a min-heap of candidate
// pairs over a linked list), and caches the ids of recent chunks. Decoding joins the tokens' bytes
// and decodes them; bytes that are not valid (W)UTF-8, as an arbitrary id sequence may give, come
// out as U+FFFD.
import { NablaError } from "../index.js";
import { learnMerges, MAX_VOCAB } from "./bpe-train.js";
import { PRE_SPLITS, preSplit, type PreSplit } from "./presplit.js";
import { checkIds, JsonReader, type BpeTokenizerJSON, type Tokenizer } from "./tokenizer.js";
import { wtf8Decode, wtf8Encode } from "./wtf8.js";

export interface BpeTrainOptions {
  /**
   * "words" (the default): cut the text into words, numbers, punctuation runs and whitespace first,
   * a word taking the space before it, so merges never cross a word; "none": merge across anything.
   */
  preSplit?: PreSplit;
  /** Stop merging once the most frequent pair occurs fewer times than this; 2 by default. */
  minFrequency?: number;
}

const CACHE_LIMIT = 50_000;

export class BpeTokenizer implements Tokenizer {
  readonly type = "bpe" as const;
  readonly preSplit: PreSplit;
  /** merges[r] = [a, b]: the pair token 256 + r replaces. */
  readonly merges: readonly (readonly [number, number])[];
  private readonly ranks = new Map<number, number>(); // a * MAX_VOCAB + b → r
  private readonly bytes: Uint8Array[]; // token id → its bytes
  private readonly cache = new Map<string, number[]>();

  /** Use `BpeTokenizer.train` or `fromJSON`; merges must only refer to earlier tokens. */
  constructor(merges: readonly (readonly [number, number])[], preSplit: PreSplit = "words") {
    const op = "BpeTokenizer";
    if (!PRE_SPLITS.includes(preSplit))
      throw new NablaError(`${op}: preSplit must be "words" or "none", got ${JSON.stringify(preSplit)}`);
    if (256 + merges.length > MAX_VOCAB)
      throw new NablaError(`${op}: at most ${MAX_VOCAB - 256} merges, got ${merges.length}`);
    if (!Array.isArray(merges)) throw new NablaError(`${op}: merges must be an array of [a, b] pairs`);
    this.bytes = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
    merges.forEach((pair, r) => {
      const id = 256 + r;
      const ok =
        Array.isArray(pair) &&
        pair.length === 2 &&
        pair.every((x) => Number.isInteger(x) && x >= 0 && x < id);
      if (!ok)
        throw new NablaError(
          `${op}: merges[${r}] = ${JSON.stringify(pair)} must pair two tokens below ${id}`,
        );
      const [a, b] = pair;
      const key = a * MAX_VOCAB + b;
      if (this.ranks.has(key))
        throw new NablaError(`${op}: merges[${r}] = [${a}, ${b}] repeats an earlier merge`);
      this.ranks.set(key, r);
      const joined = new Uint8Array(this.bytes[a]!.length + this.bytes[b]!.length);
      joined.set(this.bytes[a]!);
      joined.set(this.bytes[b]!, this.bytes[a]!.length);
      this.bytes.push(joined);
    });
    this.merges = Object.freeze(merges.map(([a, b]) => Object.freeze([a, b] as const)));
    this.preSplit = preSplit;
  }

  /**
   * Learns merges from `text` until the vocabulary has `vocabSize` tokens (256 bytes + merges), or
   * fewer when no pair occurs `minFrequency` times any more.
   */
  static train(text: string, vocabSize: number, opts: BpeTrainOptions = {}): BpeTokenizer {
    const op = "BpeTokenizer.train";
    if (typeof text !== "string") throw new NablaError(`${op}: text must be a string, got ${typeof text}`);
    if (!(Number.isInteger(vocabSize) && vocabSize >= 256 && vocabSize <= MAX_VOCAB))
      throw new NablaError(
        `${op}: vocabSize must be an integer from 256 (the bytes) to ${MAX_VOCAB}, got ${vocabSize}`,
      );
    const mode = opts.preSplit ?? "words";
    if (!PRE_SPLITS.includes(mode))
      throw new NablaError(`${op}: preSplit must be "words" or "none", got ${JSON.stringify(mode)}`);
    const minFrequency = opts.minFrequency ?? 2;
    if (!(Number.isFinite(minFrequency) && minFrequency >= 1))
      throw new NablaError(`${op}: minFrequency must be a number ≥ 1, got ${minFrequency}`);
    return new BpeTokenizer(learnMerges(text, vocabSize - 256, { preSplit: mode, minFrequency }), mode);
  }

  get vocabSize(): number {
    return this.bytes.length;
  }

  /** The bytes token `id` stands for. */
  tokenBytes(id: number): Uint8Array {
    checkIds("BpeTokenizer.tokenBytes", [id], this.bytes.length);
    return this.bytes[id]!.slice();
  }

  encode(text: string): number[] {
    if (typeof text !== "string")
      throw new NablaError(`BpeTokenizer.encode: text must be a string, got ${typeof text}`);
    const out: number[] = [];
    for (const chunk of preSplit(text, this.preSplit)) {
      let ids = this.cache.get(chunk);
      if (!ids) {
        ids = this.encodeChunk(wtf8Encode(chunk));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        if (chunk.length <= 256) this.cache.set(chunk, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Applies the merges to one chunk's bytes by rank, equal ranks left to right. */
  private encodeChunk(bytes: Uint8Array): number[] {
    const m = bytes.length;
    const sym = Int32Array.from(bytes);
    const next = new Int32Array(m);
    const prev = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      next[i] = i + 1 < m ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Min-heap of candidate merges keyed rank * m + position: lowest rank first, then leftmost.
    const heap: number[] = [];
    const push = (pos: number): void => {
      const n = next[pos]!;
      if (n === -1) return;
      const r = this.ranks.get(sym[pos]! * MAX_VOCAB + sym[n]!);
      if (r === undefined) return;
      heap.push(r * m + pos);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= heap[i]!) break;
        [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
        i = parent;
      }
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          let best = i;
          if (l < heap.length && heap[l]! < heap[best]!) best = l;
          if (l + 1 < heap.length && heap[l + 1]! < heap[best]!) best = l + 1;
          if (best === i) break;
          [heap[best], heap[i]] = [heap[i]!, heap[best]!];
          i = best;
        }
      }
      return top;
    };
    for (let i = 0; i + 1 < m; i++) push(i);
    while (heap.length > 0) {
      const top = pop();
      const r = Math.floor(top / m);
      const pos = top - r * m;
      const n = next[pos]!;
      if (sym[pos]! < 0 || n === -1) continue; // merged away since it was pushed
      const [a, b] = this.merges[r]!;
      if (sym[pos] !== a || sym[n] !== b) continue;
      sym[pos] = 256 + r;
      sym[n] = -1;
      next[pos] = next[n]!;
      if (next[n] !== -1) prev[next[n]!] = pos;
      if (prev[pos] !== -1) push(prev[pos]!);
      push(pos);
    }
    const ids: number[] = [];
    for (let i = m > 0 ? 0 : -1; i !== -1; i = next[i]!) ids.push(sym[i]!);
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    checkIds("BpeTokenizer.decode", ids, this.bytes.length);
    let len = 0;
    for (let i = 0; i < ids.length; i++) len += this.bytes[ids[i]!]!.length;
    const all = new Uint8Array(len);
    for (let i = 0, o = 0; i < ids.length; i++) {
      const b = this.bytes[ids[i]!]!;
      all.set(b, o);
      o += b.length;
    }
    return wtf8Decode(all);
  }

  toJSON(): BpeTokenizerJSON {
    return { type: "bpe", version: 1, preSplit: this.preSplit, merges: this.merges.map(([a, b]) => [a, b]) };
  }

  /** Rebuilds a tokenizer from `toJSON()`'s object; a malformed one is a FileFormatError naming `source`. */
  static fromJSON(json: unknown, source = "tokenizer JSON"): BpeTokenizer {
    const r: JsonReader = new JsonReader("BpeTokenizer.fromJSON", source);
    const obj = r.object(json, "the tokenizer");
    if (obj.type !== "bpe") r.fail(`type must be "bpe", got ${JSON.stringify(obj.type)}`);
    r.version(obj, [1]);
    if (!PRE_SPLITS.includes(obj.preSplit as PreSplit))
      r.fail(`"preSplit" must be "words" or "none", got ${JSON.stringify(obj.preSplit)}`);
    const merges = r.array(obj.merges, `"merges"`);
    if (256 + merges.length > MAX_VOCAB)
      r.fail(`"merges" has ${merges.length} entries, more than ${MAX_VOCAB - 256}`);
    const seen = new Set<number>();
    merges.forEach((pair, i) => {
      const id = 256 + i;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        !pair.every((x) => Number.isInteger(x) && x >= 0 && x < id)
      )
        r.fail(`merges[${i}] must be a pair [a, b] of token ids below ${id}, got ${JSON.stringify(pair)}`);
      const key = pair[0] * MAX_VOCAB + pair[1];
      if (seen.has(key)) r.fail(`merges[${i}] = ${JSON.stringify(pair)} repeats an earlier merge`);
      seen.add(key);
    });
    return new BpeTokenizer(merges as [number, number][], obj.preSplit as PreSplit);
  }
}
