// GPT benchmark (`node --import tsx bench/gpt.ts`): training tokens per second of the default
// character model (4 layers, 4 heads, width 128, block 64, batch 16, AdamW, gradient clipping) on
// the default corpus, split into forward / backward / optimizer, and sampling tokens per second
// with the KV cache and by full recomputation. Figures for the README; nothing is asserted.
// On a shared machine wall-clock time includes waiting for a core, so every figure is also given
// per CPU-second (this process's user + system time): what a quiet machine would show.
import * as nb from "../src/index.js";
import * as optim from "../src/optim/index.js";
import { GPT, defaultGPTConfig } from "../src/models/gpt.js";
import { generate } from "../src/models/gpt-sample.js";
import { randomBatch } from "../src/models/lm-data.js";
import { CharTokenizer, loadDefaultCorpus } from "../src/text/index.js";
import { table } from "./timing.js";

const B = 16;
const T = 64;
const fmt = (x: number, digits = 0) => x.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Runs fn `warmup` times untimed, then `reps` times; wall and CPU milliseconds of each timed run. */
function runs(fn: () => void, warmup: number, reps: number): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const text = loadDefaultCorpus();
const tokenizer = CharTokenizer.fromText(text);
const data = Int32Array.from(tokenizer.encode(text.slice(0, 200_000)));
nb.manualSeed(0);
const model = new GPT(defaultGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: T }));
const params = [...model.parameters()];
const optimizer = new optim.AdamW(params, { lr: 1e-3, weightDecay: 0.1 });
const gen = new nb.Generator(1);

function trainingBench(): string {
  const phases = { forward: [] as number[], backward: [] as number[], optimizer: [] as number[] };
  let loss = 0;
  const step = () => {
    const { x, y } = randomBatch(data, B, T, gen);
    const t0 = performance.now();
    const out = model.forward(x, { targets: y });
    const t1 = performance.now();
    optimizer.zeroGrad();
    out.loss!.backward();
    const t2 = performance.now();
    optim.clipGradNorm_(params, 1);
    optimizer.step();
    const t3 = performance.now();
    phases.forward.push(t1 - t0);
    phases.backward.push(t2 - t1);
    phases.optimizer.push(t3 - t2);
    loss = out.loss!.item();
  };
  const r = runs(step, 2, 10);
  const tokens = B * T;
  const share = (xs: number[]) => fmt((100 * median(xs.slice(2))) / median(r.wall));
  return (
    table(
      ["training step, batch 16 × 64 tokens", "reps", "median wall ms", "tokens/s (wall)", "median CPU ms", "tokens per CPU-s"],
      [["forward + backward + clip + AdamW", String(r.wall.length), fmt(median(r.wall)), fmt((tokens * 1000) / median(r.wall)), fmt(median(r.cpu)), fmt((tokens * 1000) / median(r.cpu))]],
    ) +
    `\n  share of a step: forward ${share(phases.forward)}%, backward ${share(phases.backward)}%, clip + AdamW ${share(phases.optimizer)}% (last loss ${loss.toFixed(3)})`
  ); // prettier-ignore
}

function samplingBench(): string {
  const rows: string[][] = [];
  const n = T - 1; // one prompt token, then fill the block
  for (const useCache of [true, false]) {
    const r = runs(
      () => void generate(model, [0], { maxNewTokens: n, temperature: 1, generator: gen, useCache }),
      1,
      5,
    );
    rows.push([useCache ? "KV cache" : "full recomputation", String(r.wall.length), fmt(median(r.wall)), fmt((n * 1000) / median(r.wall)), fmt((n * 1000) / median(r.cpu))]); // prettier-ignore
  }
  return table(
    [`sampling ${n} tokens, batch 1`, "reps", "median wall ms", "tokens/s (wall)", "tokens per CPU-s"],
    rows,
  );
}

console.log(
  `nabla GPT benchmark — backend '${nb.getBackend().name}', Node ${process.version}; 4 layers, 4 heads, width 128, block 64, ${model.numParameters().toLocaleString("en-US")} parameters, vocabulary ${tokenizer.vocabSize}\n`,
);
console.log(trainingBench());
console.log();
console.log(samplingBench());
