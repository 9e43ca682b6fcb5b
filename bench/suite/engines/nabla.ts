// Engine process for nabla's tensor library: runs the requested workload groups on one backend
// variant through the public API and reports the times. Variants: "reference", "wasm" (plain
// SIMD128), "wasm-relaxed" (relaxed-SIMD FMA), "wasm-2t" (plain SIMD128 with threads: 2, which
// splits large matmuls' rows over a Node worker thread on the shared heap). The training steps
// (mlp, gpt-train) are also reported in parts: forward, backward, optimizer, and matrix products.
//   node --import tsx bench/suite/engines/nabla.ts --spec '<Spec JSON>'
import * as nb from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import * as optim from "../../../src/optim/index.js";
import { GPT as GPTModel, defaultGPTConfig, generate } from "../../../src/models/gpt.js";
import { laps, readSpec, report, reps, runGroups, time } from "../measure.js";
import { CONV_LAYERS, GPT, MLP, matmulSizes, partId, type Spec, type SplitStep } from "../workloads.js";

/**
 * Registers and selects the backend variant; throws (the runner prints why) when it cannot run
 * here. Returns what to do before exiting (stop the wasm backend's worker threads).
 */
async function selectBackend(variant: string): Promise<() => Promise<void>> {
  if (variant === "reference") {
    nb.setBackend("reference"); // the default is the WebAssembly backend
    return async () => {};
  }
  const threads = variant === "wasm-2t" ? 2 : 1;
  const backend = await nb.createWasmBackend({
    name: variant,
    relaxedSimd: variant === "wasm-relaxed",
    threads,
  });
  if (backend.threads !== threads)
    throw new Error(`the wasm backend runs ${backend.threads} thread(s), not ${threads}`);
  nb.registerBackend(backend);
  nb.setBackend(variant);
  return () => backend.setThreads(1);
}

type Part = "forward" | "backward" | "optimizer";
/** A training step that ends each of its parts with `lap(part)` and returns the loss. */
type Step = (lap: (part: Part) => void) => number;

/**
 * Milliseconds per step spent inside the current backend's matmul kernel, the one kernel behind
 * every matrix product here (Linear layers, attention's batched products and their gradients):
 * a pass of its own with the kernel wrapped in a timer, so the step's own repetitions run bare.
 */
async function matmulPerStep(step: () => unknown, spec: Spec): Promise<number[]> {
  const be = nb.getBackend();
  const own = Object.hasOwn(be, "matmul");
  const kernel = be.matmul;
  let spent = 0;
  be.matmul = (a, b, out) => {
    const t = performance.now();
    kernel.call(be, a, b, out);
    spent += performance.now() - t;
  };
  try {
    const perStep: number[] = [];
    const run = () => {
      spent = 0;
      step();
      perStep.push(spent);
    };
    return perStep.slice(-(await time(run, spec.splitReps)).length);
  } finally {
    if (own) be.matmul = kernel;
    else Reflect.deleteProperty(be, "matmul"); // the prototype's method shows through again
  }
}

/** Times a training step and reports it, its parts (from the same repetitions) and its matrix products. */
async function timeStep(id: SplitStep, step: Step, spec: Spec): Promise<void> {
  const clock = laps<Part>(["forward", "backward", "optimizer"]);
  const ms = await time(() => {
    clock.start();
    return step(clock.lap);
  }, reps(spec));
  report({ workload: id, ms });
  for (const [part, xs] of clock.last(ms.length)) report({ workload: partId(id, part), ms: xs });
  report({ workload: partId(id, "total"), ms });
  report({ workload: partId(id, "matmul"), ms: await matmulPerStep(() => step(() => {}), spec) });
}

async function matmul(spec: Spec): Promise<void> {
  for (const n of matmulSizes(spec.quick)) {
    const g = new nb.Generator(n);
    const a = nb.randn([n, n], { generator: g });
    const b = nb.randn([n, n], { generator: g });
    const ms = await time(() => nb.noGrad(() => a.matmul(b)).dataSync(), reps(spec));
    report({ workload: `matmul-${n}`, ms });
  }
}

async function conv(spec: Spec): Promise<void> {
  for (const c of CONV_LAYERS) {
    const g = new nb.Generator(1);
    const x = nb.randn([c.batch, c.cin, c.size, c.size], { generator: g }).requiresGrad_(c.inputGrad);
    const w = nb.randn([c.cout, c.cin, 3, 3], { generator: g }).mul(0.1).requiresGrad_(true);
    const b = nb.zeros([c.cout]).requiresGrad_(true);
    const dy = nb.randn([c.batch, c.cout, c.size, c.size], { generator: g }); // the upstream gradient
    const step = () => {
      x.grad = w.grad = b.grad = null;
      const loss = nb.conv2d(x, w, b, { padding: 1 }).mul(dy).sum();
      loss.backward();
      w.grad!.dataSync();
    };
    report({ workload: c.id, ms: await time(step, reps(spec)) });
  }
}

async function mlp(spec: Spec): Promise<void> {
  nb.manualSeed(0);
  const [d0, d1, d2, d3] = MLP.sizes;
  const model = new nn.Sequential(
    new nn.Linear(d0, d1),
    new nn.ReLU(),
    new nn.Linear(d1, d2),
    new nn.ReLU(),
    new nn.Linear(d2, d3),
  );
  const opt = new optim.Adam(model.parameters(), { lr: MLP.lr });
  const g = new nb.Generator(2);
  const x = nb.rand([MLP.batch, d0], { generator: g });
  const y = nb.randint(0, d3, [MLP.batch], { generator: g });
  const step: Step = (lap) => {
    opt.zeroGrad();
    lap("optimizer");
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    lap("forward");
    loss.backward();
    lap("backward");
    opt.step();
    lap("optimizer");
    return loss.item();
  };
  await timeStep("mlp", step, spec);
}

async function gpt(spec: Spec): Promise<void> {
  nb.manualSeed(0);
  const { batch: B, blockSize: T } = GPT;
  const cfg = { vocabSize: spec.vocab, blockSize: T, nLayer: GPT.nLayer, nHead: GPT.nHead, nEmbd: GPT.nEmbd };
  const model = new GPTModel(defaultGPTConfig(cfg));
  const params = [...model.parameters()];
  const groups = [
    { params: params.filter((p) => p.ndim >= 2), weightDecay: GPT.weightDecay },
    { params: params.filter((p) => p.ndim < 2), weightDecay: 0 },
  ];
  const opt = new optim.AdamW(groups as unknown as Iterable<nb.Tensor>, {
    lr: GPT.lr,
    betas: [...GPT.betas] as [number, number],
  });
  const g = new nb.Generator(3);
  const x = nb.randint(0, spec.vocab, [B, T], { generator: g });
  const y = nb.randint(0, spec.vocab, [B, T], { generator: g });
  const step: Step = (lap) => {
    const { loss } = model.forward(x, { targets: y });
    lap("forward");
    opt.zeroGrad();
    lap("optimizer");
    loss!.backward();
    lap("backward");
    optim.clipGradNorm_(params, GPT.gradClip);
    opt.step();
    lap("optimizer");
    return loss!.item();
  };
  await timeStep("gpt-train", step, spec);
  const sample = () =>
    generate(model, [0], { maxNewTokens: GPT.sampleTokens, temperature: 1, generator: g, useCache: true });
  report({ workload: "gpt-sample", ms: await time(sample, reps(spec)) });
}

const spec = readSpec();
const close = await selectBackend(spec.variant);
await runGroups(spec, null, {
  matmul: (_, s) => matmul(s),
  conv: (_, s) => conv(s),
  mlp: (_, s) => mlp(s),
  gpt: (_, s) => gpt(s),
});
await close();
