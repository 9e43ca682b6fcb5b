// WebAssembly backend benchmark (`npm run bench:wasm`): float32 matmul GFLOP/s at square sizes
// 128–1024 (and a transposed operand) on the reference backend and on the wasm backend (plain
// SIMD128, plus relaxed SIMD's fused multiply-add where the runtime validates it: Node 20 needs
// `node --experimental-wasm-relaxed-simd --import tsx bench/wasm.ts`), then elementwise,
// reduction and MLP-step timings. Nothing here is asserted; performance targets live here.
import * as nb from "../src/index.js";
import { table, time } from "./timing.js";

const fmt = (x: number, digits = 2) => x.toFixed(digits);

async function backends(): Promise<string[]> {
  const names = ["reference"];
  nb.registerBackend(await nb.createWasmBackend({ name: "wasm-simd", relaxedSimd: false }));
  names.push("wasm-simd");
  try {
    nb.registerBackend(await nb.createWasmBackend({ name: "wasm-relaxed", relaxedSimd: true }));
    names.push("wasm-relaxed");
  } catch {
    console.log("(relaxed SIMD does not validate in this runtime: only plain SIMD128 is measured)\n");
  }
  return names;
}

/** Median milliseconds of fn on backend `name`, with inputs made there by `setup`. */
function on<T>(name: string, setup: () => T, fn: (x: T) => unknown, big = false): number {
  nb.setBackend(name);
  const x = setup();
  const t = nb.noGrad(() => time(() => void fn(x), { warmup: big ? 1 : 3, minReps: big ? 3 : 5 }));
  nb.setBackend("reference");
  return t.median;
}

function matmulTable(names: string[]): string {
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
      const ms = on(
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
  return table(["n (square, float32)", ...names.map((n) => `${n} GFLOP/s`)], rows);
}

function opsTable(names: string[]): string {
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
  const rows = cases.map(([label, setup, fn]) => [label, ...names.map((n) => fmt(on(n, setup, fn)))]);
  return table(["op", ...names.map((n) => `${n} ms`)], rows);
}

/** forward + backward of a 784-256-10 MLP at batch 128 (as bench/tensor.ts, on each backend). */
function mlpTable(names: string[]): string {
  const row = ["784-256-10 MLP, batch 128, fwd+bwd"];
  for (const name of names) {
    nb.setBackend(name);
    const g = new nb.Generator(2);
    const x = nb.randn([128, 784], { generator: g });
    const w1 = nb.randn([256, 784], { generator: g }).mul(0.03).requiresGrad_(true);
    const w2 = nb.randn([10, 256], { generator: g }).mul(0.06).requiresGrad_(true);
    const t = time(() => {
      const h = x.matmul(w1.T).relu();
      const loss = h.matmul(w2.T).logSoftmax(-1).mean();
      loss.backward();
    });
    row.push(fmt(t.median));
    nb.setBackend("reference");
  }
  return table(["step", ...names.map((n) => `${n} ms`)], [row]);
}

const names = await backends();
console.log(`node ${process.version}, ${process.arch}\n`);
console.log(matmulTable(names) + "\n");
console.log(opsTable(names) + "\n");
console.log(mlpTable(names));
