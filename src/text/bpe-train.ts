// Learning byte-level BPE merges from a text: repeatedly merge the most frequent adjacent pair of
// tokens. Each merge touches only the places where its pair occurs, not the whole text.
//
// The text is pre-split into chunks (see presplit.ts) and identical chunks are stored once with a
// weight (their count), so a 1 MB English text becomes ~0.3 MB of distinct words. The tokens live in
// a doubly linked list over one Int32Array per field; `where` maps each pair to the positions it
// started at (stale entries are skipped when read), `count` holds the weighted pair counts, and a
// max-heap with lazy deletion finds the most frequent pair. Ties go to the smaller pair (a, then b),
// so training is deterministic.
import { wtf8Encode } from "./wtf8.js";
import { preSplit, type PreSplit } from "./presplit.js";

/** Pair keys are a * KEY + b; ids must stay below KEY. */
export const MAX_VOCAB = 2 ** 21;
const KEY = MAX_VOCAB;

export interface LearnOptions {
  preSplit: PreSplit;
  /** Stop when the most frequent pair occurs fewer times than this. */
  minFrequency: number;
}

/** A binary max-heap of (count, key), ties by smaller key; entries go stale and are checked on pop. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the top entry and returns it as [count, key]. */
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0]!, this.keys[0]!];
    const lastCount = this.counts.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.keys.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.keys.length && this.above(l, best)) best = l;
        if (r < this.keys.length && this.above(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/** Learns up to `numMerges` merges from `text`; fewer when no pair is frequent enough. */
export function learnMerges(text: string, numMerges: number, opts: LearnOptions): [number, number][] {
  // Distinct chunks with their counts, laid end to end as bytes; next/prev = -1 at chunk edges.
  const chunkCounts = new Map<string, number>();
  for (const chunk of preSplit(text, opts.preSplit))
    chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
  const encoded: [Uint8Array, number][] = [];
  let total = 0;
  for (const [chunk, n] of chunkCounts) {
    const bytes = wtf8Encode(chunk);
    encoded.push([bytes, n]);
    total += bytes.length;
  }
  const sym = new Int32Array(total);
  const next = new Int32Array(total);
  const prev = new Int32Array(total);
  const weight = new Float64Array(total);
  let p = 0;
  for (const [bytes, n] of encoded) {
    for (let j = 0; j < bytes.length; j++, p++) {
      sym[p] = bytes[j]!;
      weight[p] = n;
      prev[p] = j === 0 ? -1 : p - 1;
      next[p] = j === bytes.length - 1 ? -1 : p + 1;
    }
  }

  const count = new Map<number, number>();
  const where = new Map<number, number[]>();
  const touched = new Set<number>();
  const add = (key: number, delta: number, pos: number): void => {
    count.set(key, (count.get(key) ?? 0) + delta);
    touched.add(key);
    if (delta > 0) {
      const list = where.get(key);
      if (list) list.push(pos);
      else where.set(key, [pos]);
    }
  };
  for (let i = 0; i < total; i++) if (next[i] !== -1) add(sym[i]! * KEY + sym[next[i]!]!, weight[i]!, i);

  const heap = new PairHeap();
  const flush = (): void => {
    for (const key of touched) {
      const c = count.get(key)!;
      if (c > 0) heap.push(c, key);
      else {
        count.delete(key);
        where.delete(key);
      }
    }
    touched.clear();
  };
  flush();

  const merges: [number, number][] = [];
  while (merges.length < numMerges && heap.size > 0) {
    const [c, key] = heap.pop();
    if (count.get(key) !== c) continue; // stale: the pair's count changed since this entry
    if (c < opts.minFrequency) break;
    const a = Math.floor(key / KEY);
    const b = key % KEY;
    const z = 256 + merges.length;
    merges.push([a, b]);
    const positions = where.get(key)!.sort((x, y) => x - y); // left to right, as encoding does
    for (const pos of positions) {
      const n = next[pos]!;
      if (sym[pos] !== a || n === -1 || sym[n] !== b) continue; // merged away, or a stale entry
      const w = weight[pos]!;
      const before = prev[pos]!;
      const after = next[n]!;
      if (before !== -1) {
        add(sym[before]! * KEY + a, -w, before);
        add(sym[before]! * KEY + z, w, before);
      }
      if (after !== -1) {
        add(b * KEY + sym[after]!, -w, pos);
        add(z * KEY + sym[after]!, w, pos);
      }
      sym[pos] = z;
      sym[n] = -1;
      next[pos] = after;
      if (after !== -1) prev[after] = pos;
    }
    count.delete(key);
    where.delete(key);
    touched.delete(key);
    flush();
  }
  return merges;
}
