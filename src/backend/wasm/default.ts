// The default backend: the WebAssembly backend where the runtime has SIMD128, made synchronously
// at the first op that needs a backend (so `import * as nb` and a first `nb.tensor(…)` need no
// await), and the reference backend where it cannot be made (no SIMD, a browser's main thread
// that refuses synchronous compilation, kernels not built) or where NABLA_BACKEND=reference.
// `nb.defaultBackendInfo()` says which was chosen and why.
import type { Backend } from "../interface.js";
import { getBackend, listBackends, registerBackend, setDefaultChooser } from "../registry.js";
import * as variants from "./generated/kernels.js";
import { loadKernelsSync } from "./loader.js";
import { WasmBackend } from "./backend.js";

export interface DefaultBackendInfo {
  /** The backend new tensors go to unless setBackend chose another. */
  name: string;
  /** Why it is not the WebAssembly backend, when it is not. */
  reason?: string;
}

let info: DefaultBackendInfo | null = null;

function envChoice(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NABLA_BACKEND || undefined;
}

function choose(): Backend {
  const wanted = envChoice();
  if (wanted && wanted !== "wasm") {
    info = { name: wanted, reason: `NABLA_BACKEND=${wanted}` };
    return getBackend(wanted);
  }
  if (listBackends().includes("wasm")) {
    info = { name: "wasm" };
    return getBackend("wasm");
  }
  try {
    const b = new WasmBackend(loadKernelsSync(variants), "wasm");
    registerBackend(b);
    info = { name: "wasm" };
    return b;
  } catch (e) {
    info = { name: "reference", reason: (e as Error).message };
    return getBackend("reference");
  }
}

setDefaultChooser(choose);

/** Which backend is the default and, when it is not WebAssembly, why (chooses it if no op has yet). */
export function defaultBackendInfo(): DefaultBackendInfo {
  if (!info) choose();
  return info!;
}
