// The WebAssembly backend's heap: one WebAssembly.Memory (shared when the platform allows, so
// worker threads can later run kernels on the same buffers) and a size-class allocator in JS.
// Blocks are 64-byte aligned; freed blocks go to a free list per size class (sizes rounded up to
// 4 steps per power of two, so at most 25% is lost to rounding beyond 256 bytes) and are reused first; otherwise
// the heap bumps upward, growing the memory on demand up to its maximum.
import { OutOfMemoryError } from "./errors.js";

const PAGE = 65536;
const ALIGN = 64;

/** The size class of a request: a multiple of 64 bytes, at most 25% (or 63 bytes) above `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const step = Math.max(ALIGN, 2 ** (Math.floor(Math.log2(bytes)) - 2));
  return Math.ceil(bytes / step) * step;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export class Heap {
  /** Bytes below `base` belong to the kernels module's static data. */
  readonly base: number;
  private top: number;
  /** Memory in [top, dirtyTop) was handed out before and may hold old values. */
  private dirtyTop: number;
  private readonly free = new Map<number, number[]>();
  private freeBytes = 0;
  private buffer: ArrayBufferLike;
  private u8View: Uint8Array;

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

  /** Current size of the memory, the bytes handed out and not freed, and the bytes in free lists. */
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
   * A zero-filled block of at least `bytes` bytes; returns its address and its class size (what
   * `release` needs back). `what` describes the request for the out-of-memory message.
   */
  alloc(bytes: number, what: string): { ptr: number; size: number } {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    if (list && list.length) {
      const ptr = list.pop()!;
      this.freeBytes -= size;
      this.zero(ptr, size);
      return { ptr, size };
    }
    if (this.top + size > this.memory.buffer.byteLength && !this.grow(this.top + size)) {
      // no room to bump: take the smallest free block that is large enough, whatever its class
      const spare = this.takeLarger(size);
      if (spare) return spare;
      const s = this.stats();
      throw new OutOfMemoryError(
        `wasm backend: out of memory allocating ${bytes} bytes (${what}): the heap is ${mib(s.heapBytes)} ` +
          `of at most ${mib(this.maxBytes)}, ${mib(s.usedBytes)} in use and ${mib(s.freeBytes)} in free ` +
          `lists. Buffers of unreachable tensors are freed after garbage collection, between ticks of ` +
          `the event loop; raise initWasm({ maxMemoryMiB }) or free memory sooner.`,
      );
    }
    const ptr = this.top;
    this.top += size;
    if (ptr < this.dirtyTop) this.zero(ptr, Math.min(this.top, this.dirtyTop) - ptr);
    return { ptr, size };
  }

  /** Returns a block to its size class's free list (or to the bump region when it is the last). */
  release(ptr: number, size: number): void {
    if (ptr + size === this.top) {
      this.top = ptr;
      this.dirtyTop = Math.max(this.dirtyTop, ptr + size);
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
    this.freeBytes += size;
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

  private takeLarger(size: number): { ptr: number; size: number } | null {
    let best = Infinity;
    for (const [s, l] of this.free) if (s >= size && s < best && l.length) best = s;
    if (best === Infinity) return null;
    const ptr = this.free.get(best)!.pop()!;
    this.freeBytes -= best;
    this.zero(ptr, best);
    return { ptr, size: best };
  }

  /** Grows the memory to hold `end` bytes (by at least a quarter, to grow rarely); false if it cannot. */
  private grow(end: number): boolean {
    if (end > this.maxBytes) return false;
    const have = this.memory.buffer.byteLength;
    const want = Math.min(this.maxBytes, Math.max(end, have + have / 4));
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
