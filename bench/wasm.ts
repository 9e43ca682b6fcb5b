// WebAssembly backend benchmark (`npm run bench:wasm`): float32 matmul GFLOP/s at square sizes
// 128–1024 (and a transposed operand) on the reference backend and on the wasm backend (plain
// SIMD128, plus relaxed SIMD's fused multiply-add where the runtime validates it: Node 20 needs
// `node --experimental-wasm-relaxed-simd --import tsx bench/wasm.ts`) and with matmul rows split
// over two threads, then elementwise, reduction, conv and MLP-step timings: medians of reps that
// yield to the event loop in between, as an async training loop does (see `time`). Nothing here
// is asserted.
import * as nb from "../src/index.js";
import { performance } from "node:perf_hooks";
import { table } from "./timing.js";

const fmt = (x: number, digits = 2) => x.toFixed(digits);

async function backends(): Promise<string[]> {
  const names = ["reference"];
  nb.registerBackend(await nb.createWasmBackend({ name: "wasm-simd", relaxedSimd: false }));
  names.push("wasm-simd");
  let relaxed = true;
  try {
    nb.registerBackend(await nb.createWasmBackend({ name: "wasm-relaxed", relaxedSimd: true }));
    names.push("wasm-relaxed");
  } catch {
    relaxed = false;
    console.log("(relaxed SIMD does not validate in this runtime: only plain SIMD128 is measured)\n");
  }
  // matmul rows split over two threads (this one and a worker on the shared heap)
  const name = `wasm-${relaxed ? "relaxed" : "simd"}-2t`;
  nb.registerBackend(await nb.createWasmBackend({ name, relaxedSimd: relaxed, threads: 2 }));
  names.push(name);
  return names;
}

/**
 * Median milliseconds of fn, yielding to the event loop between reps as an async training loop
 * does (awaiting its data): that is when finalizers return garbage tensors' wasm blocks to the
 * heap. A synchronous loop never yields, so on the wasm backend it runs on ever-fresh memory.
 */
async function time(fn: () => unknown, big: boolean): Promise<number> {
  const tick = () => new Promise((r) => setImmediate(r));
  for (let i = 0; i < (big ? 1 : 3); i++) {
    fn();
    await tick();
  }
  const ms: number[] = [];
  const start = performance.now();
  while (ms.length < (big ? 3 : 5) || (ms.length < 30 && performance.now() - start < 3000)) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
    await tick();
  }
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1]!;
}

/** Median milliseconds of fn on backend `name`, with inputs made there by `setup`. */
async function on<T>(name: string, setup: () => T, fn: (x: T) => unknown, big = false): Promise<number> {
  nb.setBackend(name);
  const x = setup();
  const ms = await time(() => nb.noGrad(() => fn(x)), big);
  nb.setBackend("reference");
  return ms;
}

async function matmulTable(names: string[]): Promise<string> {
  const rows: string[][] = [];
  const cases: [string, number, boolean][] = [
    ["128", 128, false],
    ["256", 256, false],
    ["512", 512, false],
    ["1024", 1024, false],
    ["512 (B transposed)", 512, true],
    ["1024 (B transposed)", 1024, true],
  ];
  for (const [label, n, transposed] of cases) {
    const row = [label];
    const g = new nb.Generator(0);
    for (const name of names) {
      const ms = await on(
        name,
        () => [
          nb.randn([n, n], { generator: g }),
          transposed ? nb.randn([n, n], { generator: g }).T : nb.randn([n, n], { generator: g }),
        ],
        ([a, b]) => a!.matmul(b!),
        n >= 1024,
      );
      row.push(fmt((2 * n * n * n) / (ms * 1e6)));
    }
    rows.push(row);
  }
  return table(["n (a.matmul(b), float32)", ...names.map((n) => `${n} GFLOP/s`)], rows);
}

/** The matmul kernel alone on preallocated buffers (no allocation, no autograd): best-of GFLOP/s. */
function kernelTable(names: string[]): string {
  const rows: string[][] = [];
  for (const n of [128, 256, 512, 1024]) {
    const row = [String(n)];
    for (const name of names) {
      const be = nb.getBackend(name);
      const view = (strides: number[]) => {
        const buf = be.alloc("float32", n * n);
        be.write(
          buf,
          Float32Array.from({ length: n * n }, () => Math.random() - 0.5),
        );
        return { buf, dtype: "float32" as const, shape: [1, n, n], strides, offset: 0 };
      };
      const [a, b, out] = [view([0, n, 1]), view([0, n, 1]), view([0, n, 1])];
      be.matmul(a, b, out);
      let best = Infinity;
      const start = performance.now();
      while (performance.now() - start < (n >= 1024 || name === "reference" ? 3000 : 1000)) {
        const t0 = performance.now();
        be.matmul(a, b, out);
        best = Math.min(best, performance.now() - t0);
      }
      row.push(fmt((2 * n * n * n) / (best * 1e6)));
      for (const v of [a, b, out]) be.free(v.buf);
    }
    rows.push(row);
  }
  return table(["n (kernel only)", ...names.map((n) => `${n} GFLOP/s`)], rows);
}

async function opsTable(names: string[]): Promise<string> {
  const g = new nb.Generator(1);
  const big = () => nb.randn([1024, 1024], { generator: g });
  const cases: [string, () => nb.Tensor[], (x: nb.Tensor[]) => unknown][] = [
    ["add [1024,1024]", () => [big(), big()], ([a, b]) => a!.add(b!)],
    ["mul by scalar [1024,1024]", () => [big()], ([a]) => a!.mul(2)],
    ["add, b transposed", () => [big(), big().T], ([a, b]) => a!.add(b!)],
    ["exp [1024,1024]", () => [big()], ([a]) => a!.exp()],
    ["relu [1024,1024]", () => [big()], ([a]) => a!.relu()],
    ["sum(-1) [1024,1024]", () => [big()], ([a]) => a!.sum(-1)],
    ["sum(0) [1024,1024]", () => [big()], ([a]) => a!.sum(0)],
    ["amax(-1) [1024,1024]", () => [big()], ([a]) => a!.amax(-1)],
    ["softmax(-1) [128,1000]", () => [nb.randn([128, 1000], { generator: g })], ([a]) => a!.softmax(-1)],
    ["contiguous() of a transpose", () => [big().T], ([a]) => a!.contiguous()],
    [
      "conv2d [8,16,32,32] ⊛ [32,16,3,3]",
      () => [nb.randn([8, 16, 32, 32], { generator: g }), nb.randn([32, 16, 3, 3], { generator: g })],
      ([x, w]) => nb.conv2d(x!, w!, null, { padding: 1 }),
    ],
  ];
  const rows: string[][] = [];
  for (const [label, setup, fn] of cases) {
    const row = [label];
    for (const n of names) row.push(fmt(await on(n, setup, fn)));
    rows.push(row);
  }
  return table(["op", ...names.map((n) => `${n} ms`)], rows);
}

/** forward + backward of a 784-256-10 MLP at batch 128 (as bench/tensor.ts, on each backend). */
async function mlpTable(names: string[]): Promise<string> {
  const row = ["784-256-10 MLP, batch 128, fwd+bwd"];
  for (const name of names) {
    nb.setBackend(name);
    const g = new nb.Generator(2);
    const x = nb.randn([128, 784], { generator: g });
    const w1 = nb.randn([256, 784], { generator: g }).mul(0.03).requiresGrad_(true);
    const w2 = nb.randn([10, 256], { generator: g }).mul(0.06).requiresGrad_(true);
    const ms = await time(() => {
      const h = x.matmul(w1.T).relu();
      const loss = h.matmul(w2.T).logSoftmax(-1).mean();
      loss.backward();
    }, false);
    row.push(fmt(ms));
    nb.setBackend("reference");
  }
  return table(["step", ...names.map((n) => `${n} ms`)], [row]);
}

const names = await backends();
console.log(`node ${process.version}, ${process.arch}\n`);
console.log((await matmulTable(names)) + "\n");
console.log(kernelTable(names) + "\n");
console.log((await opsTable(names)) + "\n");
console.log(await mlpTable(names));
