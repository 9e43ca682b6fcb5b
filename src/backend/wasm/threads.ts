// Worker threads for the WebAssembly backend (Node's worker_threads, or Web Workers in a
// cross-origin-isolated browser page): each worker instantiates the same kernels module on the
// same shared memory and waits on an Atomics flag for a job: a slice of a matmul's rows, of an
// elementwise op's outer dim, or of a convolution's batch. Kernels stay synchronous: the calling
// thread posts the slices, computes its own, then waits for the workers (Atomics.wait; a browser's
// main thread, which may not block, spins on Atomics.load instead). Every output element is
// computed in the same order whatever the slicing (see assembly/matmul.ts), so results are
// bitwise identical for any thread count.
import type { Loaded } from "./loader.js";

/** The kernels a worker runs, by the number that starts a job's arguments. */
export const KERNEL = {
  matmul: 0,
  unary: 1,
  binary: 2,
  im2col: 3,
  col2im: 4,
  softmax: 5,
  softmaxBackward: 6,
  layerNorm: 7,
  adam: 8,
} as const;

/** A job: a KERNEL number, then that kernel's arguments in order (see abi.ts). */
export type Job = number[];

// control words of each worker: [0] job generation (−1: exit), [1] finished generation, [2] status
const JOB = 0;
const DONE = 1;
const STATUS = 2;
const ARGS_AT = 16; // byte offset of the float64 arguments
const MAX_ARGS = 32;
/**
 * Polls of a control word before sleeping on it (about 20–50 µs): a training step issues kernels
 * tens of µs apart, and waking a sleeping thread costs about as long, so a thread that has just
 * finished first spins a little, as OpenMP runtimes do.
 */
const SPIN = 20000;

/** The worker's loop once it has the module, the memory and its control block. */
const LOOP = `
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = [k.matmulF32, k.unaryF32, k.binaryF32, k.im2col, k.col2im, k.softmaxF32, k.softmaxBackwardF32, k.layerNormF32, k.adamF32];
const ctl = new Int32Array(control, 0, 4);
const args = new Float64Array(control, ${ARGS_AT}, ${MAX_ARGS});
post("ready");
let seen = 0;
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(ctl, ${JOB}) === seen; i++);
  Atomics.wait(ctl, ${JOB}, seen);
  const job = Atomics.load(ctl, ${JOB});
  if (job < 0) break;
  seen = job;
  let status = 0;
  try {
    const f = kernels[args[0]];
    f(...args.subarray(1, 1 + f.length));
  } catch {
    status = 1;
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, job);
  Atomics.notify(ctl, ${DONE});
}
`;

// Node: CommonJS run with `eval: true`, so it needs no file of its own next to this one (or in dist)
const NODE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const post = (m) => parentPort.postMessage(m);
${LOOP}`;

// Browsers: a classic worker from a Blob URL, given its data by the first message
const WEB_WORKER = `
onmessage = (e) => {
  onmessage = null;
  const { module, memory, control } = e.data;
  const post = (m) => postMessage(m);
  ${LOOP}
};`;

/** A started worker: resolves once it instantiated the module. */
interface Started {
  ready: Promise<unknown>;
  terminate(): unknown;
  unref?(): void;
}
type Spawn = (data: {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}) => Started;

async function nodeSpawner(): Promise<Spawn> {
  // a specifier bundlers leave alone: browser bundles of nabla must not try to resolve it
  const specifier = "node:worker_threads";
  const { Worker } = (await import(/* @vite-ignore */ specifier)) as typeof import("node:worker_threads");
  return (data) => {
    const w = new Worker(NODE_WORKER, { eval: true, execArgv: [], workerData: data });
    const ready = new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
    return { ready, terminate: () => w.terminate(), unref: () => w.unref() };
  };
}

function webSpawner(): Spawn {
  if (typeof Worker === "undefined") throw new Error("wasm threads: this runtime has no Web Workers");
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: "text/javascript" }));
  return (data) => {
    const w = new Worker(url);
    const ready = new Promise((resolve, reject) => {
      w.onmessage = resolve;
      w.onerror = (e) => reject(new Error(`wasm threads: a Web Worker failed (${e.message})`));
    });
    w.postMessage(data);
    return { ready, terminate: () => w.terminate() };
  };
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  if (typeof process !== "undefined" && process.versions?.node) return true;
  const g = globalThis as { WorkerGlobalScope?: abstract new () => unknown };
  return typeof g.WorkerGlobalScope === "function" && globalThis instanceof g.WorkerGlobalScope;
}

export class Pool {
  private generation = 0;
  private readonly block = canBlock();

  private constructor(
    private readonly workers: Started[],
    private readonly controls: { ctl: Int32Array; args: Float64Array }[],
  ) {}

  /** Starts `count` workers on the loaded module's memory, which must be shared. */
  static async start(loaded: Loaded, count: number): Promise<Pool> {
    if (!loaded.shared)
      throw new Error(
        "wasm threads: the heap is not shared memory (needs SharedArrayBuffer: in a browser, a cross-origin-isolated page)",
      );
    const node = typeof process !== "undefined" && !!process.versions?.node;
    const spawn = node ? await nodeSpawner() : webSpawner();
    const workers: Started[] = [];
    const controls: { ctl: Int32Array; args: Float64Array }[] = [];
    for (let i = 0; i < count; i++) {
      const control = new SharedArrayBuffer(ARGS_AT + 8 * MAX_ARGS);
      workers.push(spawn({ module: loaded.module, memory: loaded.memory, control }));
      controls.push({
        ctl: new Int32Array(control, 0, 4),
        args: new Float64Array(control, ARGS_AT, MAX_ARGS),
      });
    }
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    for (const w of workers) w.unref?.(); // idle workers never keep a Node process alive
    return new Pool(workers, controls);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs jobs[i] on worker i while `own` runs on this thread; throws if any worker failed. */
  run(jobs: Job[], own: () => void): void {
    const gen = ++this.generation;
    jobs.forEach((job, i) => {
      const { ctl, args } = this.controls[i]!;
      args.set(job);
      Atomics.store(ctl, JOB, gen);
      Atomics.notify(ctl, JOB);
    });
    let error: unknown = null;
    try {
      own();
    } catch (e) {
      error = e;
    }
    let failed = false;
    for (let i = 0; i < jobs.length; i++) {
      const { ctl } = this.controls[i]!;
      for (let i = 0, d = Atomics.load(ctl, DONE); d !== gen; d = Atomics.load(ctl, DONE))
        if (this.block && ++i > SPIN) Atomics.wait(ctl, DONE, d);
      failed ||= Atomics.load(ctl, STATUS) !== 0;
    }
    if (error) throw error;
    if (failed) throw new Error("wasm threads: a worker's kernel trapped");
  }

  async close(): Promise<void> {
    for (const { ctl } of this.controls) {
      Atomics.store(ctl, JOB, -1);
      Atomics.notify(ctl, JOB);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
