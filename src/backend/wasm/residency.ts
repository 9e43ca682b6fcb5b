// Which buffers' values live in the WebAssembly heap. JavaScript gives no way to learn, inside a
// synchronous loop, that a tensor became unreachable: finalizers only run between ticks of the
// event loop, and a training loop written as in PyTorch never yields. So the heap is a cache with
// a budget: every live buffer is a Slot in least-recently-used order, and when an allocation would
// pass the budget the oldest slot moves out (its bytes copied into an ordinary ArrayBuffer, which
// the JS engine frees with the tensor when the tensor is garbage) and its block is reused. A slot
// moved out comes back when a kernel next touches it. Slots touched by the kernel call in
// progress are pinned. Buffers the collector does find dead between ticks go back without a copy
// (finalizer), and `free` (dispose) returns a block at once.
import type { Heap } from "./memory.js";

export class Slot {
  /** Byte address in the heap while resident; -1 when moved out or freed. */
  ptr = -1;
  /** The block's size in the heap (what release needs back). */
  block = 0;
  /** The values while moved out of the heap. */
  store: Uint8Array | null = null;
  /** The kernel call that last touched it. */
  used = 0;
  /** The kernel call current when it took its place in the queue (see evictOldest). */
  queued = 0;
  freed = false;
  /** Whether the finalizer will free it when its owner is collected (large slots only). */
  watched = false;
  constructor(readonly bytes: number) {}
}

/**
 * Slots at least this large are watched by the finalizer (so an async program's garbage goes back
 * without a copy); smaller ones, where registering would cost about what a copy does, move out.
 */
const WATCH_MIN_BYTES = 1 << 16;

export class Residency {
  /** Resident slots in the order they were queued: roughly least recently used first. */
  private readonly lru = new Set<Slot>();
  /** Increases with every kernel call; slots touched in the current one are pinned. */
  private epoch = 1;
  private readonly finalizer: FinalizationRegistry<Slot>;
  /** Slots moved out and brought back, and bytes copied each way, since the backend started. */
  readonly moved = { out: 0, in: 0, bytesOut: 0, bytesIn: 0 };

  constructor(
    private readonly heap: Heap,
    private readonly what: (slot: Slot) => string,
  ) {
    this.finalizer = new FinalizationRegistry((slot) => {
      slot.watched = false;
      if (slot.ptr >= 0) this.release(slot);
    });
    heap.evictor = () => this.evictOldest();
  }

  /** Places a new slot in the heap (zero-filled unless `zero` is false); `owner`'s collection frees it. */
  create(owner: object, bytes: number, what: string, zero = true): Slot {
    const slot = new Slot(bytes);
    const { ptr, size } = this.heap.alloc(bytes, what, zero);
    this.settle(owner, slot, ptr, size);
    return slot;
  }

  /** Starts a kernel call: slots touched from now until the next call are pinned. */
  begin(): void {
    this.epoch++;
  }

  /**
   * Makes `slot` resident (bringing it back if it moved out) and marks it used by this call. It
   * keeps its place in the queue (reordering a large Set on every kernel call cost more than the
   * kernels of small ops); eviction gives it a second chance instead.
   */
  touch(owner: object, slot: Slot): void {
    if (slot.ptr < 0) this.bringBack(owner, slot);
    slot.used = this.epoch;
  }

  /** Returns the slot's block now; the slot cannot be used again. */
  free(slot: Slot): void {
    if (slot.ptr >= 0) {
      this.unwatch(slot);
      this.release(slot);
    }
    slot.store = null;
    slot.freed = true;
  }

  /** Slots in the heap now. */
  get residentCount(): number {
    return this.lru.size;
  }

  private settle(owner: object, slot: Slot, ptr: number, size: number): void {
    slot.ptr = ptr;
    slot.block = size;
    slot.used = slot.queued = this.epoch;
    this.lru.add(slot);
    if (slot.bytes >= WATCH_MIN_BYTES) {
      this.finalizer.register(owner, slot, slot);
      slot.watched = true;
    }
  }

  private unwatch(slot: Slot): void {
    if (!slot.watched) return;
    this.finalizer.unregister(slot);
    slot.watched = false;
  }

  private release(slot: Slot): void {
    this.heap.release(slot.ptr, slot.block);
    this.lru.delete(slot);
    slot.ptr = -1;
  }

  /**
   * Moves the least recently used unpinned slot out of the heap; false when every slot is pinned.
   * Second chance (CLOCK): from the front of the queue, a slot used since it was queued, or pinned
   * by the current call, goes to the back; the first that was not is the one.
   */
  private evictOldest(): boolean {
    // a slot sent back comes round again (the Set's iterator visits what is added behind it), so
    // two rounds see each slot twice: the second time only pinned ones are sent back
    let looked = 2 * this.lru.size;
    for (const slot of this.lru) {
      if (looked-- === 0) return false; // all pinned
      if (slot.used === this.epoch || slot.used > slot.queued) {
        this.lru.delete(slot);
        this.lru.add(slot);
        slot.queued = this.epoch;
        continue;
      }
      slot.store = this.heap.u8.slice(slot.ptr, slot.ptr + slot.bytes);
      this.unwatch(slot);
      this.release(slot);
      this.moved.out++;
      this.moved.bytesOut += slot.bytes;
      return true;
    }
    return false;
  }

  private bringBack(owner: object, slot: Slot): void {
    if (slot.freed) throw new Error(`wasm backend: a buffer was used after free() (${this.what(slot)})`);
    const { ptr, size } = this.heap.alloc(slot.bytes, this.what(slot), false);
    this.heap.u8.set(slot.store!, ptr);
    slot.store = null;
    this.settle(owner, slot, ptr, size);
    this.moved.in++;
    this.moved.bytesIn += slot.bytes;
  }
}
