// Which backend runs new tensors: the reference backend unless `setBackend` chose another.
import type { Backend } from "./interface.js";
import { ReferenceBackend } from "./reference/backend.js";

const backends = new Map<string, Backend>([["reference", new ReferenceBackend()]]);
let current: Backend = backends.get("reference")!;

/** How to load the backends that are registered on demand. */
const HINTS: Record<string, string> = { wasm: " (load it first with `await nb.initWasm()`)" };

export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

export function getBackend(name?: string): Backend {
  if (name === undefined) return current;
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
