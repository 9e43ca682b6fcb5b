// The WebAssembly backend's heap: one WebAssembly.Memory (shared when the platform allows, so
// worker threads can run kernels on the same buffers) and an allocator in JS. Blocks are 64-byte
// aligned and rounded to size classes (4 steps per power of two, so at most 25% is lost beyond
// 256 bytes). Freed blocks of at least 64 KiB merge with free neighbours of that kind and are
// reused best-fit (split when larger); smaller ones stay in their size class, where a loop's next
// request of that size finds them at once. Otherwise the heap bumps upward. Past its soft `budget` the heap first asks its evictor (see
// residency.ts) to move least-recently-used buffers out, and only grows when nothing can move.
import { OutOfMemoryError } from "./errors.js";

const PAGE = 65536;
const ALIGN = 64;
/** Free blocks from this size up merge with free neighbours; smaller ones keep their class. */
const MERGE_MIN = 1 << 16;

/** The size class of a request: a multiple of 64 bytes, at most 25% (or 63 bytes) above `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const step = Math.max(ALIGN, 2 ** (Math.floor(Math.log2(bytes)) - 2));
  return Math.ceil(bytes / step) * step;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** Frees at least some heap memory (false when nothing more can be freed). */
export type Evictor = () => boolean;

export class Heap {
  /** Bytes below `base` belong to the kernels module's static data. */
  readonly base: number;
  private top: number;
  /** Memory in [top, dirtyTop) was handed out before and may hold old values. */
  private dirtyTop: number;
  /** Free blocks: addresses per size; for mergeable ones also size per start and start per end. */
  private readonly bySize = new Map<number, Set<number>>();
  private readonly sizeAt = new Map<number, number>();
  private readonly startEndingAt = new Map<number, number>();
  private freeBytes = 0;
  private buffer: ArrayBufferLike;
  private u8View: Uint8Array;
  /** Called when an allocation would take the heap past `budget`. */
  evictor: Evictor | null = null;
  /** Bytes the heap grows to before it evicts (it still grows, up to maxBytes, when nothing can move). */
  budget: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
    /** The most the memory may grow to, in bytes. */
    readonly maxBytes: number,
    /** Zero-fills a range (in wasm: JS's TypedArray.fill on shared memory is many times slower). */
    private readonly zero: (ptr: number, bytes: number) => void,
  ) {
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.top = this.base;
    this.dirtyTop = this.base;
    this.buffer = memory.buffer;
    this.u8View = new Uint8Array(this.buffer);
    this.budget = maxBytes;
  }

  /** The memory's current bytes (a fresh view after growth: never keep it across allocations). */
  get u8(): Uint8Array {
    const b = this.memory.buffer;
    if (b !== this.buffer || b.byteLength !== this.u8View.byteLength) {
      this.buffer = b;
      this.u8View = new Uint8Array(b);
    }
    return this.u8View;
  }
  get bytes(): ArrayBufferLike {
    return this.u8.buffer;
  }

  /** Current size of the memory, the bytes handed out and not freed, and the bytes free below the top. */
  stats(): { heapBytes: number; usedBytes: number; freeBytes: number; maxBytes: number } {
    const heapBytes = this.memory.buffer.byteLength;
    return {
      heapBytes,
      usedBytes: this.top - this.base - this.freeBytes,
      freeBytes: this.freeBytes,
      maxBytes: this.maxBytes,
    };
  }

  /**
   * A block of at least `bytes` bytes, zero-filled unless `zero` is false (the caller overwrites
   * it); returns its address and its size (what `release` needs back). `what` describes the
   * request for the out-of-memory message.
   */
  alloc(bytes: number, what: string, zero = true): { ptr: number; size: number } {
    const size = sizeClass(bytes);
    const budget = Math.min(this.budget, this.maxBytes);
    for (;;) {
      const got =
        this.takeExact(size, zero) ??
        (size >= MERGE_MIN ? this.takeLarger(size, zero) : null) ??
        this.bump(size, budget, zero);
      if (got) return got;
      if (!this.evictor || !this.evictor()) break;
    }
    const got = this.takeLarger(size, zero) ?? this.bump(size, this.maxBytes, zero);
    if (got) return got;
    const s = this.stats();
    throw new OutOfMemoryError(
      `wasm backend: out of memory allocating ${bytes} bytes (${what}): the heap is ${mib(s.heapBytes)} ` +
        `of at most ${mib(this.maxBytes)}, ${mib(s.usedBytes)} in use and ${mib(s.freeBytes)} free in ` +
        `pieces too small. Raise initWasm({ maxMemoryMiB }), use smaller batches, or dispose() tensors ` +
        `you no longer need.`,
    );
  }

  /** Returns a block (merging it with free neighbours, or lowering the top when it is the last). */
  release(ptr: number, size: number): void {
    if (size >= MERGE_MIN) {
      const before = this.startEndingAt.get(ptr);
      if (before !== undefined) {
        size += ptr - before;
        this.unlink(before, ptr - before);
        ptr = before;
      }
      const afterSize = this.sizeAt.get(ptr + size);
      if (afterSize !== undefined) {
        this.unlink(ptr + size, afterSize);
        size += afterSize;
      }
    }
    if (ptr + size !== this.top) return this.link(ptr, size);
    this.dirtyTop = Math.max(this.dirtyTop, this.top);
    this.top = ptr;
    // a mergeable free block that now ends at the top goes back to it too
    const below = this.startEndingAt.get(ptr);
    if (below !== undefined) {
      this.unlink(below, ptr - below);
      this.top = below;
    }
  }

  /** One temporary block holding the given int32 arrays (then `extra` bytes); their addresses in `at`. */
  temp(arrays: Int32Array[], extra: number): { ptr: number; block: number; at: number[] } {
    const sizes = arrays.map((a) => Math.ceil((a.length * 4) / 16) * 16);
    const total = sizes.reduce((s, x) => s + x, 0) + extra;
    const { ptr, size: block } = this.alloc(total, "kernel scratch");
    const at: number[] = [];
    let p = ptr;
    arrays.forEach((a, i) => {
      at.push(p);
      new Int32Array(this.bytes, p, a.length).set(a);
      p += sizes[i]!;
    });
    at.push(p);
    return { ptr, block, at };
  }

  /** A free block of exactly `size`. */
  private takeExact(size: number, zero: boolean): { ptr: number; size: number } | null {
    const set = this.bySize.get(size);
    if (!set) return null;
    const ptr = set.values().next().value as number;
    this.unlink(ptr, size);
    if (zero) this.zero(ptr, size);
    return { ptr, size };
  }

  /** The smallest free block larger than `size`, split (the rest stays free). */
  private takeLarger(size: number, zero: boolean): { ptr: number; size: number } | null {
    let best = Infinity;
    for (const s of this.bySize.keys()) if (s > size && s < best) best = s;
    if (best === Infinity) return null;
    const ptr = this.bySize.get(best)!.values().next().value as number;
    this.unlink(ptr, best);
    this.link(ptr + size, best - size);
    if (zero) this.zero(ptr, size);
    return { ptr, size };
  }

  /** A block from the top of the heap, growing the memory up to `limit`; null when it would pass it. */
  private bump(size: number, limit: number, zero: boolean): { ptr: number; size: number } | null {
    const end = this.top + size;
    if (end > limit) return null;
    if (end > this.memory.buffer.byteLength && !this.grow(end, limit)) return null;
    const ptr = this.top;
    this.top = end;
    if (zero && ptr < this.dirtyTop) this.zero(ptr, Math.min(end, this.dirtyTop) - ptr);
    return { ptr, size };
  }

  private link(ptr: number, size: number): void {
    let set = this.bySize.get(size);
    if (!set) this.bySize.set(size, (set = new Set()));
    set.add(ptr);
    if (size >= MERGE_MIN) {
      this.sizeAt.set(ptr, size);
      this.startEndingAt.set(ptr + size, ptr);
    }
    this.freeBytes += size;
  }

  private unlink(ptr: number, size: number): void {
    const set = this.bySize.get(size)!;
    set.delete(ptr);
    if (!set.size) this.bySize.delete(size);
    if (size >= MERGE_MIN) {
      this.sizeAt.delete(ptr);
      this.startEndingAt.delete(ptr + size);
    }
    this.freeBytes -= size;
  }

  /** Grows the memory to hold `end` bytes (by at least a quarter, within `limit`); false if it cannot. */
  private grow(end: number, limit: number): boolean {
    const have = this.memory.buffer.byteLength;
    const want = Math.min(limit, this.maxBytes, Math.max(end, have + have / 4));
    try {
      this.memory.grow(Math.ceil((want - have) / PAGE));
      return true;
    } catch {
      // the engine could not reserve `want`: try exactly what is needed
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
        return true;
      } catch {
        return false;
      }
    }
  }
}
