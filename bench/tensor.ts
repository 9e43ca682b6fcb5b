// Tensor-core benchmark (`npm run bench:tensor`): the reference backend's float32 matmul GFLOP/s
// at square sizes 128–1024 (plus a transposed operand), and the time of one forward+backward step
// of a 784-256-10 MLP at batch 128. A baseline for later speed work; nothing here is asserted.
import * as nb from "../src/index.js";
import { table, time, type Timing } from "./timing.js";

const fmt = (x: number, digits = 2) => x.toFixed(digits);

function matmulRow(label: string, n: number, a: nb.Tensor, b: nb.Tensor): string[] {
  const t: Timing = nb.noGrad(() =>
    time(() => void a.matmul(b), { warmup: n >= 1024 ? 1 : 3, minReps: n >= 1024 ? 3 : 5 }),
  );
  const gflops = (ms: number) => (2 * n * n * n) / (ms * 1e6);
  return [
    label,
    String(t.reps),
    fmt(t.min),
    fmt(t.median),
    fmt(t.max),
    fmt(gflops(t.max)),
    fmt(gflops(t.median)),
    fmt(gflops(t.min)),
  ];
}

function matmulBench(): string {
  const g = new nb.Generator(0);
  const rows: string[][] = [];
  for (const n of [128, 256, 512, 1024]) {
    const a = nb.randn([n, n], { generator: g });
    const b = nb.randn([n, n], { generator: g });
    rows.push(matmulRow(`${n}`, n, a, b));
  }
  // a transposed right operand reaches the kernel as a strided view (the Linear layer's x @ Wᵀ)
  const n = 512;
  const a = nb.randn([n, n], { generator: g });
  const bt = nb.randn([n, n], { generator: g }).T;
  rows.push(matmulRow(`${n} (B transposed)`, n, a, bt));
  return table(
    [
      "n (square, float32)",
      "reps",
      "min ms",
      "median ms",
      "max ms",
      "GFLOP/s (worst)",
      "GFLOP/s (median)",
      "GFLOP/s (best)",
    ],
    rows,
  );
}

/**
 * One training step's autograd work for a 784-256-10 MLP at batch 128: forward, cross-entropy
 * (the target's log-probability from logSoftmax, picked by a one-hot mask) and backward.
 */
function mlpBench(): string {
  const g = new nb.Generator(1);
  const B = 128;
  const param = (shape: number[], scale: number) =>
    nb.randn(shape, { generator: g }).mul(scale).detach().requiresGrad_(true);
  const W1 = param([784, 256], 1 / Math.sqrt(784));
  const b1 = param([256], 0.01);
  const W2 = param([256, 10], 1 / Math.sqrt(256));
  const b2 = param([10], 0.01);
  const x = nb.rand([B, 784], { generator: g });
  const labels = Array.from({ length: B }, (_, i) => (i * 7) % 10);
  const oneHot = nb.fromArray(
    Float32Array.from({ length: B * 10 }, (_, k) => (labels[Math.floor(k / 10)] === k % 10 ? 1 : 0)),
    [B, 10],
  );
  const params = [W1, b1, W2, b2];
  let loss = 0;
  const step = () => {
    for (const p of params) p.grad = null;
    const h = x.matmul(W1).add(b1).relu(); // [128,256]
    const z = h.matmul(W2).add(b2); // [128,10]
    const l = z.logSoftmax(1).mul(oneHot).sum(1).mean().neg();
    l.backward();
    loss = l.item();
  };
  const t = time(step, { warmup: 3, minReps: 10, maxReps: 50 });
  const fwd = time(() => void nb.noGrad(() => x.matmul(W1).add(b1).relu().matmul(W2).add(b2)), {
    warmup: 3,
    minReps: 10,
    maxReps: 50,
  });
  return (
    table(
      ["MLP 784-256-10, batch 128, float32", "reps", "min ms", "median ms", "max ms"],
      [
        ["forward only (noGrad)", String(fwd.reps), fmt(fwd.min), fmt(fwd.median), fmt(fwd.max)],
        ["forward + cross-entropy + backward", String(t.reps), fmt(t.min), fmt(t.median), fmt(t.max)],
      ],
    ) + `\n(last loss ${loss.toFixed(4)})`
  );
}

console.log(`nabla tensor benchmark — backend '${nb.getBackend().name}', Node ${process.version}\n`);
console.log(matmulBench());
console.log();
console.log(mlpBench());
