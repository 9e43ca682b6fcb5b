// Which of nabla's backends a trainer computes on: the WebAssembly SIMD backend where this browser
// can load it, else the reference backend, and why. The choice is made where the tensors live (in
// the worker, or on the main thread when there is none) and reported to the page for its notes.
// nabla itself is imported dynamically, so a page can use this file without bundling the library.
import type { WasmBackend } from "../../backend/wasm/backend.js";
import { messageOf, type HostFactory } from "./host.js";

/** "auto": the wasm backend if it loads, else the reference; "reference": the reference only. */
export type BackendWant = "auto" | "reference";

/** The page's request, the first message it sends a trainer. */
export type BackendRequest = { type: "backend"; want: BackendWant };

/** The trainer's answer, once tensors of the chosen backend can be made. */
export interface BackendReport {
  type: "backend";
  /** The backend's name in nabla's registry: "wasm" or "reference". */
  name: string;
  /** What runs the kernels, in words. */
  detail: string;
  /** Why the reference backend runs instead of the wasm one (null when wasm runs). */
  fallback: string | null;
}

/** The backend a page's address asks for: `?backend=reference` forces the reference backend. */
export function wantedBackend(search: string): BackendWant {
  return new URLSearchParams(search).get("backend") === "reference" ? "reference" : "auto";
}

const REFERENCE_DETAIL = "nabla's kernels in plain TypeScript (the slower oracle)";

/** Loads and selects a backend for this thread's tensors; never rejects. */
export async function chooseBackend(want: BackendWant): Promise<BackendReport> {
  const nb = await import("../../index.js");
  const reference = (why: string): BackendReport => {
    nb.setBackend("reference");
    return { type: "backend", name: "reference", detail: REFERENCE_DETAIL, fallback: why };
  };
  if (want === "reference") return reference("the page's address asked for it (?backend=reference)");
  if (typeof WebAssembly === "undefined") return reference("this browser has no WebAssembly");
  try {
    // One thread and an unshared heap: the backend's threads run only in Node so far, and a
    // shared heap would buy nothing without them.
    const wasm = (await nb.initWasm({ threads: 1, shared: false })) as WasmBackend;
    nb.setBackend(wasm.name);
    const simd = wasm.loaded.relaxedSimd ? "relaxed SIMD (fused multiply-add)" : "SIMD128";
    return {
      type: "backend",
      name: wasm.name,
      detail: `WebAssembly ${simd} kernels, one thread`,
      fallback: null,
    };
  } catch (e) {
    return reference(`the WebAssembly SIMD backend could not be loaded (${messageOf(e)})`);
  }
}

/**
 * A host that first chooses its backend: a BackendRequest starts the choice (any other message
 * first starts "auto"), the report is sent, and every message waits for it, in order, so no
 * tensor is made before the backend is selected.
 */
export function withBackend<In, Out>(
  factory: HostFactory<In, Out>,
): HostFactory<In | BackendRequest, Out | BackendReport> {
  return (send) => {
    const host = factory(send);
    let chosen: Promise<void> | null = null;
    const choose = (want: BackendWant): Promise<void> =>
      (chosen ??= chooseBackend(want).then((report) => send(report)));
    return (msg) => {
      if ((msg as { type?: unknown }).type === "backend") void choose((msg as BackendRequest).want);
      else void choose("auto").then(() => host(msg as In));
    };
  };
}
