// Garbage-collection pressure for the WebAssembly heap. The JS engine does not see the heap: a
// garbage tensor costs it a few small objects, so it may never collect them (and so never run the
// finalizer that frees their blocks) before the heap fills. Once 32 MiB were allocated with no
// finalizer run in between, new buffers hold "ballast" until one runs: an ArrayBuffer of their
// size, which the engine counts as external memory (prompting a collection) and which is never
// touched (so the OS backs it lazily); small buffers share one per MiB. A loop whose garbage the
// engine collects anyway pays nothing.

/** Bytes allocated with no finalizer run in between before new buffers carry ballast. */
const AFTER = 32 << 20;
/** Buffers smaller than this share their ballast (one ArrayBuffer per MiB of them). */
const CHUNK = 1 << 20;

export class GcPressure {
  private sinceCollected = 0;
  private shared = new ArrayBuffer(0);
  private sharedBytes = 0;

  /** Called for each new buffer of `bytes`: the ballast it should hold, if any. */
  allocated(bytes: number): ArrayBuffer | null {
    this.sinceCollected += bytes;
    if (this.sinceCollected <= AFTER) return null;
    if (bytes >= CHUNK) return new ArrayBuffer(bytes);
    this.sharedBytes += bytes;
    if (this.sharedBytes >= CHUNK) {
      this.shared = new ArrayBuffer(this.sharedBytes);
      this.sharedBytes = 0;
    }
    return this.shared;
  }

  /** Called when a finalizer freed a garbage buffer: the engine is collecting. */
  collected(): void {
    this.sinceCollected = 0;
  }
}
