// Engine process for the measured peak of this CPU under WebAssembly SIMD128: the hand-written
// module of peak-module.ts, plain f32x4 mul+add on one thread and on two threads at once (worker
// threads, each its own instance), and relaxed SIMD's fused multiply-add where the runtime
// validates it (Node 20 needs --experimental-wasm-relaxed-simd, which the runner passes).
// Reports milliseconds per GFLOP, so the runner's figure is GFLOP/s.
//   node --import tsx bench/suite/engines/peak.ts --spec '<Spec JSON>'
import { Worker } from "node:worker_threads";
import { readSpec, report, reps, runGroups, time } from "../measure.js";
import type { Spec } from "../workloads.js";
import { CHAINS, flopsPerIter, peakModule } from "./peak-module.js";

type Run = (iters: number) => number;

function instantiate(bytes: Uint8Array<ArrayBuffer>): Record<string, Run> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return instance.exports as Record<string, Run>;
}

/** Warms every variant up (so V8 has tiered it up) and returns the chain count that runs fastest. */
function bestChains(run: Record<string, Run>): { chains: number; iters: number } {
  let best = { chains: CHAINS[0] as number, rate: 0 };
  for (const chains of CHAINS) {
    const f = run[`run${chains}`]!;
    for (let i = 0; i < 200; i++) f(200);
    let rate = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      f(20000);
      rate = Math.max(rate, (flopsPerIter(chains) * 20000) / (performance.now() - t0));
    }
    if (rate > best.rate) best = { chains, rate };
  }
  // about 50 ms per timed call
  return { chains: best.chains, iters: Math.ceil((best.rate * 50) / flopsPerIter(best.chains)) };
}

async function oneThread(spec: Spec, fma: boolean): Promise<void> {
  const bytes = peakModule(fma);
  const id = fma ? "peak-fma" : "peak-simd128";
  if (!WebAssembly.validate(bytes))
    return report({ workload: id, ms: [], skipped: "this runtime does not validate relaxed SIMD" });
  const run = instantiate(bytes);
  const { chains, iters } = bestChains(run);
  const gflop = (flopsPerIter(chains) * iters) / 1e9;
  const ms = await time(() => run[`run${chains}`]!(iters), reps(spec));
  report({ workload: id, ms: ms.map((t) => t / gflop), note: `${chains} chains` });
}

/** A worker that instantiates the module, then runs run<chains>(iters) on each message. */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const run = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports["run" + workerData.chains];
for (let i = 0; i < 400; i++) run(200);
parentPort.on("message", (iters) => {
  const start = performance.timeOrigin + performance.now();
  run(iters);
  parentPort.postMessage([start, performance.timeOrigin + performance.now()]);
});
parentPort.postMessage("ready");
`;

async function twoThreads(spec: Spec): Promise<void> {
  const bytes = peakModule(false);
  const { chains, iters } = bestChains(instantiate(bytes));
  const workers = [0, 1].map(() => new Worker(WORKER, { eval: true, workerData: { bytes, chains } }));
  const next = (w: Worker) => new Promise<unknown>((resolve) => w.once("message", resolve));
  await Promise.all(workers.map(next));
  const both = async () => {
    const done = workers.map(next);
    workers.forEach((w) => w.postMessage(iters));
    const spans = (await Promise.all(done)) as [number, number][];
    return Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
  };
  const gflop = (2 * flopsPerIter(chains) * iters) / 1e9;
  // the workers' own start and end stamps leave the message latency out
  const r = reps(spec);
  for (let i = 0; i < r.warmup; i++) await both();
  const spans: number[] = [];
  while (spans.length < Math.max(3, r.minReps)) spans.push(await both());
  await Promise.all(workers.map((w) => w.terminate()));
  report({
    workload: "peak-simd128-2t",
    ms: spans.map((t) => t / gflop),
    note: `${chains} chains per thread`,
  });
}

const spec = readSpec();
await runGroups(spec, null, {
  peak: async () => {
    await oneThread(spec, false);
    await oneThread(spec, true);
    await twoThreads(spec);
  },
});
