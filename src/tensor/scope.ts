// Deterministic release for those who want it: `nb.scope(fn)` disposes the tensors created while
// fn runs, except what fn returns, tensors passed to `nb.keep`, parameters (leaves that require
// grad) and what the library keeps as state (gradients, optimizer state). Nothing needs it: the
// engine frees backward's temporaries itself and the WebAssembly heap moves unused buffers out
// (see backend/wasm/residency.ts); a scope only makes release immediate.
import { NablaError } from "../util/errors.js";

/** What a scope needs of a tensor (tensor.ts registers each new one with `track`). */
export interface Disposable {
  dispose(): void;
  readonly isLeaf: boolean;
  readonly requiresGrad: boolean;
}

/** The open scopes, innermost last; null marks code that runs outside them (see `unscoped`). */
const open: (Disposable[] | null)[] = [];
const kept = new WeakSet<Disposable>();

/** Called by every new tensor: the innermost open scope will dispose it. */
export function track(t: Disposable): void {
  if (open.length) open[open.length - 1]?.push(t);
}

/**
 * Runs fn outside every open scope: what it creates is never disposed by them (for user code the
 * library calls from inside a scope, such as module hooks).
 */
export function unscoped<T>(fn: () => T): T {
  open.push(null);
  try {
    return fn();
  } finally {
    open.pop();
  }
}

/** Keeps every tensor in value (a tensor, or arrays, Maps, Sets and plain objects of them). */
export function keepAll(value: unknown): void {
  const found = new Set<unknown>();
  results(value, found);
  for (const v of found) if (v !== null && typeof v === "object" && "dispose" in v) kept.add(v as Disposable);
}

/** Exempts t from every scope's disposal (for tensors kept beyond the scope, as state). */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  return t;
}

/** The tensors reachable from a scope's result: itself, or inside arrays, Maps, Sets and plain objects. */
function results(value: unknown, into: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 8 || into.has(value)) return;
  into.add(value);
  if (Array.isArray(value) || value instanceof Set) for (const v of value) results(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) results(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) results(v, into, depth + 1);
}

/**
 * Runs fn and disposes the tensors it created that it does not return (also when it throws).
 * Returned tensors belong to the enclosing scope, if any. fn must be synchronous.
 */
export function scope<T>(fn: () => T): T {
  const made: Disposable[] = [];
  open.push(made);
  let result: T | undefined;
  let ok = false;
  try {
    result = fn();
    ok = true;
  } finally {
    open.pop();
    const returned = new Set<unknown>();
    if (ok) results(result, returned);
    const outer = open[open.length - 1] ?? null;
    for (const t of made) {
      if (kept.has(t) || (t.isLeaf && t.requiresGrad)) continue;
      if (returned.has(t)) outer?.push(t);
      else t.dispose();
    }
  }
  if (result instanceof Promise)
    throw new NablaError(
      "scope: fn returned a Promise; a scope disposes when fn returns, so it must be synchronous (await inside, scope each synchronous step)",
    );
  return result as T;
}
