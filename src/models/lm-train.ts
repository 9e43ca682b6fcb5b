// Training a GPT language model end to end, as `nabla train gpt` runs it: corpus → tokenizer →
// train/validation token ids; AdamW with linear warm-up and cosine decay, gradient clipping;
// periodic validation loss on fixed windows, a sample and an atomic checkpoint at each evaluation;
// and exact resume (weights, optimizer, schedule, random generators and history come back).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as nb from "../index.js";
import * as nn from "../nn/index.js";
import * as optim from "../optim/index.js";
import { END_OF_TEXT_ID, tokenizerFromJSON, type Tokenizer } from "../text/index.js";
import { GPT, type GPTConfig } from "./gpt.js";
import { generate } from "./gpt-sample.js";
import {
  LM_CHECKPOINT_FILE,
  readLmCheckpoint,
  saveLmCheckpoint,
  type LmEval,
  type LmHistory,
  type LmTrainConfig,
} from "./lm-checkpoint.js";
import {
  buildTokenizer,
  encodeCorpus,
  evalBatches,
  randomBatch,
  readCorpus,
  splitCorpus,
  type LmData,
} from "./lm-data.js";

export type { LmEval, LmHistory, LmTrainConfig } from "./lm-checkpoint.js";

/** nabla's defaults: a 4-layer, 4-head, 128-wide character model with a 64-token context, sized for 2 CPU cores. */
export function defaultLmTrainConfig(over: Partial<LmTrainConfig> = {}): LmTrainConfig {
  return {
    model: { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true, positional: "learned" },
    tokenizer: "char",
    vocabSize: 512,
    data: null,
    valFraction: 0.1,
    steps: 200,
    batchSize: 16,
    lr: 3e-3,
    minLr: 3e-4,
    warmupSteps: 20,
    weightDecay: 0.1,
    gradClip: 1,
    evalInterval: 50,
    evalWindows: 64,
    sampleTokens: 200,
    seed: 0,
    ...over,
  };
}

/** Settings a resumed run may change; every other one must match the checkpoint. */
const RESUMABLE_CHANGES = new Set(["steps", "evalInterval", "evalWindows", "sampleTokens"]);

function checkTrainConfig(cfg: LmTrainConfig): void {
  const bad = (m: string): never => {
    throw new nb.NablaError(`train gpt: ${m}`);
  };
  for (const k of ["steps", "batchSize", "evalInterval", "evalWindows"] as const)
    if (!(Number.isInteger(cfg[k]) && cfg[k] >= 1)) bad(`${k} must be a positive integer, got ${cfg[k]}`);
  for (const k of ["warmupSteps", "sampleTokens"] as const)
    if (!(Number.isInteger(cfg[k]) && cfg[k] >= 0)) bad(`${k} must be an integer ≥ 0, got ${cfg[k]}`);
  for (const k of ["lr", "minLr", "weightDecay", "gradClip"] as const)
    if (!(Number.isFinite(cfg[k]) && cfg[k] >= 0)) bad(`${k} must be a number ≥ 0, got ${cfg[k]}`);
  if (cfg.tokenizer === "bpe" && !(Number.isInteger(cfg.vocabSize) && cfg.vocabSize >= 256))
    bad(`a BPE vocabulary needs at least the 256 byte tokens, got vocabSize ${cfg.vocabSize}`);
}

/** Differences between a checkpoint's settings and this run's that a resume cannot take. */
function resumeConflicts(saved: LmTrainConfig, cfg: LmTrainConfig): string[] {
  const out: string[] = [];
  const flat = (c: LmTrainConfig) => ({ ...c, ...c.model, model: undefined }) as Record<string, unknown>;
  const [a, b] = [flat(saved), flat(cfg)];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (RESUMABLE_CHANGES.has(k) || k === "model" || (k === "vocabSize" && cfg.tokenizer !== "bpe")) continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      out.push(`${k}=${JSON.stringify(a[k])}, not ${JSON.stringify(b[k])}`);
  }
  return out;
}

/** A prompt to sample from when none is given: GPT-2's <|endoftext|>, else a newline, else token 0. */
export function defaultPrompt(tokenizer: Tokenizer): number[] {
  if (tokenizer.type === "gpt2") return [END_OF_TEXT_ID];
  try {
    return tokenizer.encode("\n");
  } catch {
    return [0];
  }
}

/** Mean cross-entropy (nats per token) of the model on the batches, without gradients, in eval mode. */
export function evaluateLm(model: GPT, batches: { x: nb.Tensor; y: nb.Tensor }[]): number {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  let n = 0;
  nb.noGrad(() => {
    for (const { x, y } of batches) {
      const logits = model.forward(x).logits;
      const V = logits.shape[2]!;
      sum += nn.functional.crossEntropy(logits.reshape(-1, V), y.reshape(-1), { reduction: "sum" }).item();
      n += y.numel();
    }
  });
  model.train(wasTraining);
  return sum / n;
}

export interface LmStartInfo {
  model: GPT;
  tokenizer: Tokenizer;
  corpus: string;
  data: LmData;
  startStep: number;
  backend: string;
}

export interface LmStepInfo {
  /** steps done, 1 … steps */
  step: number;
  steps: number;
  loss: number;
  lr: number;
  /** training tokens per second over this run's steps so far */
  tokensPerSecond: number;
}

export interface LmHooks {
  onStart?(info: LmStartInfo): void;
  onStep?(info: LmStepInfo): void;
  /** after each evaluation (and its checkpoint); `sample` is null at step 0 or with sampleTokens 0 */
  onEval?(record: LmEval, sample: string | null, history: LmHistory): void;
}

/** Trains (or, with `resume`, continues from the checkpoint in outDir) and returns the model and history. */
export function trainLm(
  cfg: LmTrainConfig,
  opts: { outDir: string; resume?: boolean; hooks?: LmHooks },
): { model: GPT; tokenizer: Tokenizer; history: LmHistory; data: LmData } {
  checkTrainConfig(cfg);
  const ckptPath = join(opts.outDir, LM_CHECKPOINT_FILE);
  mkdirSync(opts.outDir, { recursive: true });
  const saved = opts.resume ? readLmCheckpoint(ckptPath) : null;
  if (saved) {
    const conflicts = resumeConflicts(saved.state.config, cfg);
    if (conflicts.length)
      throw new nb.NablaError(
        `the checkpoint in ${opts.outDir} was trained with ${conflicts.join("; ")} (resume with the same settings, or train into another folder)`,
      );
  }
  const corpus = readCorpus(cfg.data);
  const parts = splitCorpus(corpus, cfg.valFraction);
  const tok = saved
    ? tokenizerFromJSON(saved.state.tokenizer, `the tokenizer in ${ckptPath}`)
    : buildTokenizer(cfg.tokenizer, corpus.text, parts.train, cfg.vocabSize);
  const data = encodeCorpus(corpus, tok, cfg.valFraction, cfg.model.blockSize);

  nb.manualSeed(cfg.seed); // the initial weights and dropout draw from the global generator
  const modelCfg: GPTConfig = { ...cfg.model, vocabSize: tok.vocabSize };
  const model = new GPT(modelCfg);
  const params = [...model.parameters()];
  // weight decay on matrices and embeddings, not on biases and LayerNorm gains (as nanoGPT)
  const groups = [
    { params: params.filter((p) => p.ndim >= 2), weightDecay: cfg.weightDecay },
    { params: params.filter((p) => p.ndim < 2), weightDecay: 0 },
  ];
  const optimizer = new optim.AdamW(groups, {
    lr: cfg.lr,
    betas: [0.9, 0.99],
  });
  const scheduler = new optim.WarmupCosineLR(optimizer, cfg.warmupSteps, cfg.steps, cfg.minLr);
  const batches = new nb.Generator(cfg.seed + 1);
  let history: LmHistory = { losses: [], evals: [], trainSeconds: 0 };
  let step = 0;
  if (saved) {
    model.loadStateDict(saved.tensors);
    optimizer.loadStateDict(saved.state.optimizer);
    scheduler.loadStateDict(saved.state.scheduler);
    batches.setState(saved.state.rng.batches);
    nb.defaultGenerator.setState(saved.state.rng.global);
    history = saved.state.history;
    step = saved.state.step;
  }
  const valBatches = evalBatches(data.val, cfg.evalWindows, cfg.batchSize, cfg.model.blockSize);
  opts.hooks?.onStart?.({
    model,
    tokenizer: tok,
    corpus: corpus.label,
    data,
    startStep: step,
    backend: nb.getBackend().name,
  });

  const evaluate = (): void => {
    const since = history.losses.slice(history.evals.at(-1)?.step ?? 0);
    const record: LmEval = {
      step,
      trainLoss: since.length ? since.reduce((a, b) => a + b, 0) / since.length : NaN,
      valLoss: evaluateLm(model, valBatches),
    };
    history.evals.push(record);
    let sample: string | null = null;
    if (step > 0 && cfg.sampleTokens > 0) {
      const ids = generate(model, defaultPrompt(tok), {
        maxNewTokens: cfg.sampleTokens,
        temperature: 0.8,
        slide: true,
        generator: new nb.Generator(cfg.seed * 7919 + step), // apart from the training generators
      });
      sample = tok.decode(ids);
    }
    if (step > 0)
      saveLmCheckpoint(ckptPath, model, {
        config: cfg,
        model: modelCfg,
        tokenizer: tok.toJSON(),
        corpus: corpus.label,
        step,
        optimizer: optimizer.stateDict(),
        scheduler: scheduler.stateDict(),
        rng: { batches: batches.getState(), global: nb.defaultGenerator.getState() },
        unigram: data.unigram,
        history,
      });
    opts.hooks?.onEval?.(record, sample, history);
  };

  if (step === 0) evaluate(); // where the curve starts: about ln(vocabulary size)
  model.train();
  let runSeconds = 0;
  let runTokens = 0;
  const tokensPerStep = cfg.batchSize * cfg.model.blockSize;
  while (step < cfg.steps) {
    const t0 = performance.now();
    const { x, y } = randomBatch(data.train, cfg.batchSize, cfg.model.blockSize, batches);
    const lr = optimizer.paramGroups[0]!.lr as number;
    const { loss } = model.forward(x, { targets: y });
    optimizer.zeroGrad();
    loss!.backward();
    if (cfg.gradClip > 0) optim.clipGradNorm_(params, cfg.gradClip);
    optimizer.step();
    scheduler.step();
    const value = loss!.item();
    const seconds = (performance.now() - t0) / 1000;
    step++;
    history.losses.push(value);
    history.trainSeconds += seconds;
    runSeconds += seconds;
    runTokens += tokensPerStep;
    opts.hooks?.onStep?.({
      step,
      steps: cfg.steps,
      loss: value,
      lr,
      tokensPerSecond: runTokens / runSeconds,
    });
    if (step % cfg.evalInterval === 0 || step === cfg.steps) evaluate();
  }
  return { model, tokenizer: tok, history, data };
}
