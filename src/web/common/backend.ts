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
    const wasm = await loadWasm(nb);
    nb.setBackend(wasm.name);
    const simd = wasm.loaded.relaxedSimd ? "relaxed SIMD (fused multiply-add)" : "SIMD128";
    const threads =
      wasm.threads > 1 ? `large matrix products split over ${wasm.threads} threads` : "one thread";
    return {
      type: "backend",
      name: wasm.name,
      detail: `WebAssembly ${simd} kernels, ${threads}`,
      fallback: null,
    };
  } catch (e) {
    return reference(`the WebAssembly SIMD backend could not be loaded (${messageOf(e)})`);
  }
}

/**
 * The wasm backend with worker threads where this page may share memory (cross-origin isolated:
 * SharedArrayBuffer exists), else on one thread and an unshared heap.
 */
async function loadWasm(nb: typeof import("../../index.js")): Promise<WasmBackend> {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated && typeof SharedArrayBuffer !== "undefined") {
    const threads = Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1));
    try {
      return (await nb.initWasm({ threads, shared: true })) as WasmBackend;
    } catch {
      // no worker could start here (a nested worker refused, say): one thread still computes
    }
  }
  return (await nb.initWasm({ threads: 1, shared: false })) as WasmBackend;
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
