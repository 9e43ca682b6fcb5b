// The suite's workloads, shared by the runner and every engine: their sizes, what one timed
// repetition does, and how its time in milliseconds becomes the reported figure (GFLOP/s, steps/s…).
// Engines only report the milliseconds of each repetition; the runner turns them into figures.

export type Group = "peak" | "matmul" | "conv" | "mlp" | "gpt" | "moons";
export const GROUPS: readonly Group[] = ["peak", "matmul", "conv", "mlp", "gpt", "moons"];

export interface Workload {
  id: string;
  group: Group;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  /** the figure for one repetition that took `ms` milliseconds */
  figure: (ms: number) => number;
  /** set on a part of a training step (ms per step), reported beside the step itself */
  part?: { of: SplitStep; part: StepPart };
}

export const MATMUL_SIZES = [128, 256, 512, 1024, 2048] as const;
/** The quick pass leaves out 2048 (tens of seconds per run on the slowest engines). */
export const matmulSizes = (quick: boolean): number[] => MATMUL_SIZES.filter((n) => !quick || n <= 1024);

/** The two convolution layers of a small Fashion-MNIST CNN (3×3 filters, padding 1, with bias). */
export const CONV_LAYERS = [
  { id: "conv-1", batch: 32, cin: 1, cout: 16, size: 28, inputGrad: false },
  { id: "conv-2", batch: 32, cin: 16, cout: 32, size: 14, inputGrad: true },
] as const;

export const MLP = { sizes: [784, 256, 128, 10], batch: 128, lr: 1e-3 } as const;

/** nabla's default character GPT, trained as src/models/lm-train.ts does (AdamW, clipping at 1). */
export const GPT = {
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  blockSize: 64,
  batch: 16,
  lr: 3e-3,
  betas: [0.9, 0.99],
  weightDecay: 0.1,
  gradClip: 1,
  /** sampling: one prompt token, then this many new ones with the KV cache */
  sampleTokens: 63,
} as const;

/** The training steps whose time the suite splits into parts (see STEP_PARTS). */
export const SPLIT_STEPS = ["mlp", "gpt-train"] as const;
export type SplitStep = (typeof SPLIT_STEPS)[number];

/**
 * The parts of a split training step, each in ms per step: forward (with the loss), backward,
 * optimizer (zeroGrad, clipping, step) and the whole step, timed in the step's own repetitions;
 * matmul, the time inside matrix-product kernels, from a separate instrumented pass (splitReps).
 */
export const STEP_PARTS = ["forward", "backward", "optimizer", "total", "matmul"] as const;
export type StepPart = (typeof STEP_PARTS)[number];
export const partId = (step: SplitStep, part: StepPart): string => `${step}:${part}`;

/** Scalar engine: micrograd's moons demo, MLP(2, [16, 16, 1]) on 100 points; ms per step. */
export const MOONS = { steps: 100, quickSteps: 20, pythonSteps: 10, pythonQuickSteps: 5 } as const;

/** Peak microbenchmark: independent f32x4 chains in registers; its reports are ms per GFLOP. */
export const PEAKS = [
  { id: "peak-simd128", title: "f32x4 mul+add, 1 thread" },
  { id: "peak-fma", title: "f32x4 relaxed FMA, 1 thread" },
  { id: "peak-simd128-2t", title: "f32x4 mul+add, 2 threads at once" },
] as const;

const rate = (work: number) => (ms: number) => (work * 1000) / ms;

export const WORKLOADS: readonly Workload[] = [
  ...PEAKS.map((p): Workload => ({
    id: p.id,
    group: "peak",
    title: p.title,
    unit: "GFLOP/s",
    higherIsBetter: true,
    figure: rate(1),
  })),
  ...MATMUL_SIZES.map((n): Workload => ({
    id: `matmul-${n}`,
    group: "matmul",
    title: `matmul ${n}×${n}`,
    unit: "GFLOP/s",
    higherIsBetter: true,
    figure: rate((2 * n ** 3) / 1e9),
  })),
  ...CONV_LAYERS.map((c): Workload => ({
    id: c.id,
    group: "conv",
    title: `conv2d [${c.batch},${c.cin},${c.size},${c.size}] → ${c.cout} ch, fwd+bwd`,
    unit: "ms",
    higherIsBetter: false,
    figure: (ms) => ms,
  })),
  {
    id: "mlp",
    group: "mlp",
    title: "MLP 784-256-128-10 + Adam, batch 128",
    unit: "steps/s",
    higherIsBetter: true,
    figure: rate(1),
  },
  {
    id: "gpt-train",
    group: "gpt",
    title: "char GPT training (batch 16 × 64)",
    unit: "tokens/s",
    higherIsBetter: true,
    figure: rate(GPT.batch * GPT.blockSize),
  },
  {
    id: "gpt-sample",
    group: "gpt",
    title: "char GPT sampling, KV cache",
    unit: "tokens/s",
    higherIsBetter: true,
    figure: rate(GPT.sampleTokens),
  },
  ...SPLIT_STEPS.flatMap((of) =>
    STEP_PARTS.map((part): Workload => ({
      id: partId(of, part),
      group: of === "mlp" ? "mlp" : "gpt",
      title: `${of === "mlp" ? "MLP" : "char GPT"} training step, ${part === "matmul" ? "matrix products" : part}`,
      unit: "ms",
      higherIsBetter: false,
      figure: (ms) => ms,
      part: { of, part },
    })),
  ),
  {
    id: "moons",
    group: "moons",
    title: "scalar engine: moons step",
    unit: "ms/step",
    higherIsBetter: false,
    figure: (ms) => ms,
  },
];

export const workload = (id: string): Workload => {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}`);
  return w;
};

/** How many repetitions an engine times (see time() in measure.ts; torch_bench.py follows it). */
export interface Reps {
  warmup: number;
  minReps: number;
  maxReps: number;
  /** stop adding repetitions beyond minReps once this many ms have been spent timing */
  budgetMs: number;
  /** the most one workload may take: slow runs get fewer repetitions (never fewer than `floor`) */
  capMs: number;
  floor: number;
}

/**
 * The full run measures each engine in two passes over a group (engines in order, then in
 * reverse), each with half the repetitions, so a burst of load on this shared machine does not
 * fall on one engine's whole measurement; the quick pass measures once.
 */
export function repsFor(quick: boolean): Reps {
  return quick
    ? { warmup: 1, minReps: 3, maxReps: 10, budgetMs: 500, capMs: 8000, floor: 2 }
    : { warmup: 3, minReps: 4, maxReps: 20, budgetMs: 1250, capMs: 30000, floor: 1 };
}
export const passes = (quick: boolean): number => (quick ? 1 : 2);

/**
 * Repetitions of the instrumented pass that times the matrix products inside a training step:
 * the step is warm by then and the figure is a share of it, so three repetitions and half the
 * budget suffice (that pass adds a fraction, not a double, of the group's time).
 */
export const splitReps = (r: Reps): Reps => ({
  ...r,
  warmup: 1,
  minReps: 3,
  budgetMs: r.budgetMs / 2,
  capMs: r.capMs / 2,
});

/** What the runner tells an engine process (as JSON in argv). */
export interface Spec {
  groups: Group[];
  quick: boolean;
  reps: Reps;
  /** repetitions of the instrumented pass that times matrix products in a training step */
  splitReps: Reps;
  /** how many processes measure this engine and group (their repetitions are pooled) */
  passes: number;
  /** vocabulary size of the character GPT (the default corpus's characters) */
  vocab: number;
  /** engine-specific setting: a nabla backend variant, a TF.js backend, a thread count */
  variant: string;
}

/** One engine's repetitions of one workload (or why it could not run), as printed by an engine process. */
export interface Report {
  workload: string;
  /** when one process measures several engines: which one (default: the engine the runner started) */
  engine?: string;
  /** set instead of ms when the engine cannot run this workload */
  skipped?: string;
  /** milliseconds of each timed repetition (for "moons": ms per step; for the peaks: ms per GFLOP) */
  ms: number[];
  note?: string;
}

/** The line prefix engine processes print their reports behind (stdout; anything else is ignored). */
export const REPORT_PREFIX = "@@report ";
