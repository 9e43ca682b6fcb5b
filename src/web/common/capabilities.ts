// What this browser offers the playground (Web Workers, threads through SharedArrayBuffer, WebGPU,
// WebAssembly) and what the page does with it, written out on the page: a missing feature is
// said, with what the page does instead, never left to fail silently.
import type { BackendReport } from "./backend.js";

export interface Capabilities {
  worker: boolean;
  /** SharedArrayBuffer exists and the page is cross-origin isolated (COOP + COEP headers). */
  threads: boolean;
  crossOriginIsolated: boolean;
  /** "adapter": WebGPU with a usable GPU; "no-adapter": the API without a GPU; "absent": no API. */
  webgpu: "adapter" | "no-adapter" | "absent";
  webassembly: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  return {
    worker: typeof Worker !== "undefined",
    threads: isolated && typeof SharedArrayBuffer !== "undefined",
    crossOriginIsolated: isolated,
    webgpu: await probeWebGpu(),
    webassembly: typeof WebAssembly !== "undefined",
  };
}

/** Asks for a GPU adapter, giving up after a second (a headless browser may never answer). */
async function probeWebGpu(): Promise<Capabilities["webgpu"]> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return "absent";
  try {
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000));
    return (await Promise.race([gpu.requestAdapter(), timeout])) ? "adapter" : "no-adapter";
  } catch {
    return "no-adapter";
  }
}

export type NoteLevel = "ok" | "fallback";

export interface Note {
  /** A short name: "Web Worker", "Threads", … */
  topic: string;
  level: NoteLevel;
  text: string;
}

/**
 * The notes a tensor page shows: where training runs, the backend its tensors run on (as the
 * trainer reported it; no note until it has), threads and WebGPU.
 */
export function computeNotes(
  caps: Capabilities,
  run: { mode: "worker" | "main-thread"; reason: string },
  backend: BackendReport | null,
): Note[] {
  const cpu = backend ? `the "${backend.name}" CPU backend` : "nabla's CPU backend";
  const notes: Note[] = [];
  notes.push(
    run.mode === "worker"
      ? {
          topic: "Web Worker",
          level: "ok",
          text: "training runs in a Web Worker; the page stays responsive.",
        }
      : {
          topic: "Web Worker",
          level: "fallback",
          text: `not used: ${run.reason}. Training runs on this page's main thread in short slices, so the page may stutter.`,
        },
  );
  if (backend)
    notes.push({
      topic: "Backend",
      level: backend.fallback ? "fallback" : "ok",
      text:
        `tensors run on the "${backend.name}" backend: ${backend.detail}` +
        (backend.fallback ? `, because ${backend.fallback}.` : "."),
    });
  notes.push(
    caps.threads
      ? {
          topic: "Threads",
          level: "ok",
          text: "SharedArrayBuffer is available (the page is cross-origin isolated), so the WebAssembly backend splits large matrix products over Web Workers (the Backend note says how many).",
        }
      : {
          topic: "Threads",
          level: "fallback",
          text: caps.crossOriginIsolated
            ? "SharedArrayBuffer is missing in this browser; one thread computes."
            : "unavailable: the page is not cross-origin isolated (its server sent no COOP/COEP headers), so there is no SharedArrayBuffer; one thread computes.",
        },
  );
  const gpu = {
    adapter: "available, but nabla has no WebGPU backend yet",
    "no-adapter": "this browser has the API but no usable GPU adapter",
    absent: "not available in this browser",
  }[caps.webgpu];
  notes.push({ topic: "WebGPU", level: "fallback", text: `${gpu}; tensors run on ${cpu}.` });
  return notes;
}

/** Writes notes into a container as a list, one line per topic. */
export function showNotes(container: HTMLElement, notes: readonly Note[]): void {
  const list = document.createElement("ul");
  list.className = "notes";
  for (const n of notes) {
    const li = document.createElement("li");
    li.className = `note note-${n.level}`;
    li.dataset.topic = n.topic;
    const b = document.createElement("b");
    b.textContent = `${n.topic}: `;
    li.append(b, n.text);
    list.append(li);
  }
  container.replaceChildren(list);
}
