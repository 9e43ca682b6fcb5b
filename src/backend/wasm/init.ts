// Loading the WebAssembly backend: `await nb.initWasm()` compiles the kernels (asynchronously, as
// browsers require), registers the backend as "wasm", and `nb.setBackend("wasm")` then selects it.
// The kernels and their JS glue are imported dynamically, so programs that never call initWasm
// never load them.
import type { Backend } from "../interface.js";
import { getBackend, listBackends, registerBackend } from "../registry.js";
import type { LoadOptions } from "./loader.js";
import type { WasmBackend } from "./backend.js";

export { OutOfMemoryError } from "./errors.js";

export interface WasmOptions extends LoadOptions {
  /** The name to register the backend under (default "wasm"). */
  name?: string;
  /** Threads for large matmuls (default 1; more start Node worker threads on the shared heap). */
  threads?: number;
}

/** A new WebAssembly backend with its own heap, not registered (for a second or smaller heap). */
export async function createWasmBackend(opts: WasmOptions = {}): Promise<WasmBackend> {
  const [{ loadKernels }, { WasmBackend }] = await Promise.all([
    import("./loader.js"),
    import("./backend.js"),
  ]);
  const backend = new WasmBackend(await loadKernels(opts), opts.name ?? "wasm");
  if ((opts.threads ?? 1) > 1) await backend.setThreads(opts.threads!);
  return backend;
}

const pending = new Map<string, Promise<Backend>>();

/**
 * Loads and registers the WebAssembly backend (once per name; later calls return the same one and
 * apply only `threads`: the heap's options are fixed once it exists, so call this before the first
 * op to choose them). Select it with `setBackend("wasm")`; it is already the default where the
 * runtime has SIMD.
 */
export async function initWasm(opts: WasmOptions = {}): Promise<Backend> {
  const name = opts.name ?? "wasm";
  if (listBackends().includes(name)) {
    const b = getBackend(name) as WasmBackend;
    if (opts.threads !== undefined && b.threads !== opts.threads) await b.setThreads(opts.threads);
    return b;
  }
  let p = pending.get(name);
  if (p) return p;
  p = createWasmBackend(opts).then(async (b) => {
    // the default backend may have been made (by an op) while this one compiled: keep that one
    if (listBackends().includes(name)) {
      await b.setThreads(1);
      return initWasm(opts);
    }
    registerBackend(b);
    return b;
  });
  p.catch(() => pending.delete(name));
  pending.set(name, p);
  return p;
}
