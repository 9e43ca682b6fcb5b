// The page's end of a trainer: opens a module Web Worker and waits for it to say it is ready; if
// the browser has no workers, or the worker cannot start, it runs the same host on the page's main
// thread instead and says why, so a page never fails silently for want of a worker.
import { READY, type HostFactory } from "./host.js";

export interface Port<In> {
  /** Where the host runs. */
  readonly mode: "worker" | "main-thread";
  /** Why it is not in a worker (only for "main-thread"). */
  readonly reason: string;
  post(msg: In): void;
  close(): void;
}

export interface OpenOptions<In, Out> {
  /** The worker's script (a module). */
  workerUrl: URL;
  /** Loads the host, for running it on the main thread. */
  fallback: () => Promise<HostFactory<In, Out>>;
  onMessage: (msg: Out) => void;
  /** How long a worker may take to load before the page gives up on it (ms, default 15 s). */
  timeoutMs?: number;
}

/** Opens the trainer, in a worker if possible. Never rejects for want of a worker. */
export async function openPort<In, Out>(opts: OpenOptions<In, Out>): Promise<Port<In>> {
  if (typeof Worker === "undefined") return mainThread(opts, "this browser has no Web Workers");
  let worker: Worker;
  try {
    worker = new Worker(opts.workerUrl, { type: "module" });
  } catch (e) {
    return mainThread(opts, `the worker could not be created (${e instanceof Error ? e.message : e})`);
  }
  const failure = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve("the worker did not start in time"), opts.timeoutMs ?? 15_000);
    worker.onerror = (e) => {
      clearTimeout(timer);
      e.preventDefault();
      resolve(`the worker failed to load${e.message ? ` (${e.message})` : ""}`);
    };
    worker.onmessage = (e: MessageEvent) => {
      if ((e.data as { type?: string })?.type !== READY) return;
      clearTimeout(timer);
      resolve(null);
    };
  });
  if (failure) {
    worker.terminate();
    return mainThread(opts, failure);
  }
  worker.onmessage = (e: MessageEvent) => opts.onMessage(e.data as Out);
  worker.onerror = (e) => opts.onMessage({ type: "error", message: e.message || "the worker failed" } as Out);
  return {
    mode: "worker",
    reason: "",
    post: (msg) => worker.postMessage(msg),
    close: () => worker.terminate(),
  };
}

/** The host on this thread; messages are delivered asynchronously and copied, as a worker's are. */
async function mainThread<In, Out>(opts: OpenOptions<In, Out>, reason: string): Promise<Port<In>> {
  const factory = await opts.fallback();
  let open = true;
  const host = factory((msg) => {
    const copy = structuredClone(msg);
    setTimeout(() => open && opts.onMessage(copy), 0);
  });
  return {
    mode: "main-thread",
    reason,
    post: (msg) => {
      const copy = structuredClone(msg);
      setTimeout(() => open && host(copy), 0);
    },
    close: () => {
      open = false;
    },
  };
}
