// The contract between a page and its trainer: the trainer is a "host" that takes messages and
// sends messages back. The same host runs inside a Web Worker (serveInWorker, in the worker's
// entry file) or on the page's main thread when there is no worker (see port.ts), so the training
// code is written once. Hosts yield between slices of work with `later`, so pause messages get in.

/** Sends a message to the page. */
export type Send<Out> = (msg: Out) => void;
/** Receives one message from the page. */
export type Host<In> = (msg: In) => void;
/** Makes a host, given the function it answers through. */
export type HostFactory<In, Out> = (send: Send<Out>) => Host<In>;

/** Every host's messages to the page may also be these. */
export type HostError = { type: "error"; message: string };

/** The first message a worker sends, once its code has loaded. */
export const READY = "nabla-worker-ready";

/** The part of a dedicated worker's global scope used here (the DOM lib does not declare it). */
interface WorkerScope {
  postMessage(msg: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

/** Runs a host inside a dedicated Web Worker: call from the worker's entry file. */
export function serveInWorker<In, Out>(factory: HostFactory<In, Out>): void {
  const scope = globalThis as unknown as WorkerScope;
  const host = factory((msg) => scope.postMessage(msg));
  scope.onmessage = (e) => host(e.data as In);
  scope.postMessage({ type: READY });
}

/** Runs `fn` after the event loop has had a turn (messages, and on the main thread, paints). */
export function later(fn: () => void): void {
  setTimeout(fn, 0);
}

/** An Error's message, or the thing itself as text. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
