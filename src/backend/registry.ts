// Which backend runs new tensors: the default (chosen at the first op; wasm/default.ts makes it
// the WebAssembly backend where it can) unless `setBackend` chose another.
import type { Backend, MemoryStats } from "./interface.js";
import { ReferenceBackend } from "./reference/backend.js";

const backends = new Map<string, Backend>([["reference", new ReferenceBackend()]]);
let current: Backend | null = null;
let chooseDefault: () => Backend = () => backends.get("reference")!;

/** Sets how the default backend is chosen, at the first op that needs one. */
export function setDefaultChooser(choose: () => Backend): void {
  chooseDefault = choose;
}

/** How to load the backends that are registered on demand. */
const HINTS: Record<string, string> = { wasm: " (load it first with `await nb.initWasm()`)" };

export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

export function getBackend(name?: string): Backend {
  if (name === undefined) return (current ??= chooseDefault());
  const b = backends.get(name);
  if (!b)
    throw new Error(
      `setBackend: unknown backend '${name}'; available: ${[...backends.keys()].join(", ")}${HINTS[name] ?? ""}`,
    );
  return b;
}

export function setBackend(name: string): void {
  current = getBackend(name);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/**
 * The current (or named) backend's memory: heap size, bytes in use, buffers moved out and back
 * (see the README's "Memory" section); null for backends whose memory is the JS engine's own.
 */
export function memory(name?: string): (MemoryStats & { backend: string }) | null {
  const b = getBackend(name);
  const m = b.memory?.();
  return m ? { backend: b.name, ...m } : null;
}
