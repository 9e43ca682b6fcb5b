// Loads the kernels module: picks the variant this runtime runs (relaxed SIMD when it validates,
// shared memory when SharedArrayBuffer is available), compiles it asynchronously (which browsers
// require for modules of this size) and instantiates it over a fresh WebAssembly.Memory.
import type { KernelExports } from "./abi.js";

export interface LoadOptions {
  /** Use relaxed SIMD's fused multiply-add: true, false, or "auto" (when the runtime validates it). */
  relaxedSimd?: boolean | "auto";
  /** Back the heap with shared memory (for worker threads): true, false or "auto". */
  shared?: boolean | "auto";
  /** The most the heap may grow to, in MiB (default and maximum 4096, wasm32's limit). */
  maxMemoryMiB?: number;
  /** The heap's initial size in MiB (default 16). */
  initialMemoryMiB?: number;
  /**
   * How large the heap grows before the least recently used buffers move out to ordinary JS memory
   * (default 512 MiB, at most maxMemoryMiB); it grows past this only while every buffer is in use.
   */
  residentMiB?: number;
}

export interface Loaded {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: KernelExports;
  relaxedSimd: boolean;
  shared: boolean;
  maxBytes: number;
  residentBytes: number;
}

const PAGE = 65536;
const MAX_PAGES = 65536;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function makeMemory(initial: number, maximum: number, shared: boolean): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial, maximum, shared });
  } catch {
    return null;
  }
}

type Variants = typeof import("./generated/kernels.js");

/** What to instantiate: the variant's bytes and a memory for it. */
function prepare(
  variants: Variants,
  opts: LoadOptions,
): {
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  relaxed: boolean;
  shared: boolean;
  maxPages: number;
} {
  const simd = decode(variants.SIMD);
  if (!WebAssembly.validate(simd))
    throw new Error("initWasm: this JavaScript runtime does not support WebAssembly SIMD128");
  const relaxedBytes = decode(variants.RELAXED);
  const relaxedOk = WebAssembly.validate(relaxedBytes);
  const relaxed =
    opts.relaxedSimd === "auto" || opts.relaxedSimd === undefined ? relaxedOk : opts.relaxedSimd;
  if (relaxed && !relaxedOk)
    throw new Error(
      "initWasm: relaxed SIMD was requested but this runtime does not validate it (Node 20 needs --experimental-wasm-relaxed-simd)",
    );

  const maxPages = Math.min(MAX_PAGES, Math.ceil(((opts.maxMemoryMiB ?? 4096) * 2 ** 20) / PAGE));
  const initial = Math.min(maxPages, Math.ceil(((opts.initialMemoryMiB ?? 16) * 2 ** 20) / PAGE));
  const wantShared = opts.shared ?? "auto";
  let memory: WebAssembly.Memory | null = null;
  let shared = false;
  if (wantShared !== false && typeof SharedArrayBuffer !== "undefined") {
    memory = makeMemory(initial, maxPages, true);
    shared = memory !== null;
  }
  if (!memory) {
    if (wantShared === true) throw new Error("initWasm: shared WebAssembly memory is not available here");
    memory = makeMemory(initial, maxPages, false);
    if (!memory) throw new Error(`initWasm: cannot create a WebAssembly.Memory of ${initial} pages`);
  }
  const bytes = relaxed
    ? shared
      ? decode(variants.RELAXED_SHARED)
      : relaxedBytes
    : shared
      ? decode(variants.SIMD_SHARED)
      : simd;
  return { bytes, memory, relaxed, shared, maxPages };
}

function loaded(
  p: ReturnType<typeof prepare>,
  module: WebAssembly.Module,
  instance: WebAssembly.Instance,
  opts: LoadOptions,
): Loaded {
  return {
    module,
    memory: p.memory,
    exports: instance.exports as unknown as KernelExports,
    relaxedSimd: p.relaxed,
    shared: p.shared,
    maxBytes: p.maxPages * PAGE,
    residentBytes: Math.min(p.maxPages * PAGE, (opts.residentMiB ?? 512) * 2 ** 20),
  };
}

/** Compiles asynchronously (as browsers require of large modules on their main thread). */
export async function loadKernels(opts: LoadOptions = {}): Promise<Loaded> {
  let variants: Variants;
  try {
    variants = await import("./generated/kernels.js");
  } catch (e) {
    throw new Error(
      `initWasm: the WebAssembly kernels are not built (${(e as Error).message}); run \`npm run build:wasm\``,
      { cause: e },
    );
  }
  const p = prepare(variants, opts);
  const module = await WebAssembly.compile(p.bytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory: p.memory } });
  return loaded(p, module, instance, opts);
}

/**
 * Compiles synchronously, for the default backend chosen at the first op (the module is 50 kB:
 * a few milliseconds; a browser's main thread may refuse, and the caller falls back).
 */
export function loadKernelsSync(variants: Variants, opts: LoadOptions = {}): Loaded {
  const p = prepare(variants, opts);
  const module = new WebAssembly.Module(p.bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory: p.memory } });
  return loaded(p, module, instance, opts);
}
