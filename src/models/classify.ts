// Training a classifier end to end, as `nabla train mlp|cnn` runs it: data, model, optimizer,
// one evaluation on the test split per epoch, an atomic checkpoint per epoch, and exact resume
// (model, optimizer, random state and history all come back from the checkpoint).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as nb from "../index.js";
import * as nn from "../nn/index.js";
import * as optim from "../optim/index.js";
import {
  DataLoader,
  TensorDataset,
  loadFashionMnist,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpirals,
  makeXor,
} from "../data/index.js";
import { loadCheckpoint, saveCheckpoint } from "../io/index.js";
import { mlp, smallCnn } from "./classifiers.js";

export const DATASETS = ["fashion-mnist", "moons", "circles", "spirals", "blobs", "xor"] as const;
export type DatasetName = (typeof DATASETS)[number];
export const OPTIMIZERS = ["adam", "adamw", "sgd"] as const;

export interface ClassifyConfig {
  model: "mlp" | "cnn";
  dataset: DatasetName;
  epochs: number;
  lr: number;
  batchSize: number;
  optimizer: (typeof OPTIMIZERS)[number];
  weightDecay: number;
  seed: number;
  /** hidden widths of the MLP */
  hidden: number[];
  /** a directory with the Fashion-MNIST files (else Debian's dataset-fashion-mnist location) */
  dataDir?: string;
  /** use only the first N training and N/6 test samples (quick runs and tests) */
  limit?: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
}

export interface ClassifyHooks {
  onStart?(info: {
    model: nn.Module;
    trainSize: number;
    testSize: number;
    startEpoch: number;
    backend: string;
  }): void;
  onStep?(info: StepInfo): void;
  onEpoch?(record: EpochRecord, history: EpochRecord[]): void;
}

interface Split {
  x: nb.Tensor;
  y: nb.Tensor;
}

export function loadClassificationData(cfg: ClassifyConfig): {
  train: Split;
  test: Split;
  classes: number;
  inFeatures: number;
} {
  if (cfg.dataset === "fashion-mnist") {
    const flatten = cfg.model === "mlp";
    const load = (split: "train" | "test", limit?: number): Split => {
      const d = loadFashionMnist({ root: cfg.dataDir, split, flatten, limit });
      // standardise with the training set's mean and std (0.2860, 0.3530)
      return { x: d.images.sub(0.286).div(0.353), y: d.labels };
    };
    const limit = cfg.limit;
    return {
      train: load("train", limit),
      test: load("test", limit === undefined ? undefined : Math.max(1, Math.floor(limit / 6))),
      classes: 10,
      inFeatures: 784,
    };
  }
  if (cfg.model === "cnn")
    throw new nb.NablaError(
      `train: the cnn model needs image data (--dataset fashion-mnist), not ${cfg.dataset}`,
    );
  const make = {
    moons: makeMoons,
    circles: makeCircles,
    spirals: makeSpirals,
    blobs: makeBlobs,
    xor: makeXor,
  }[cfg.dataset];
  if (!make)
    throw new nb.NablaError(`train: unknown dataset '${cfg.dataset}' (choose one of ${DATASETS.join(", ")})`);
  const n = cfg.limit ?? 1000;
  const tr = make(n, { noise: 0.1, seed: cfg.seed });
  const te = make(Math.max(1, Math.floor(n / 2)), { noise: 0.1, seed: cfg.seed + 1 });
  const classes = Math.max(...(tr.y.tolist() as number[])) + 1;
  return { train: { x: tr.x, y: tr.y }, test: { x: te.x, y: te.y }, classes, inFeatures: 2 };
}

function makeOptimizer(cfg: ClassifyConfig, params: nb.Tensor[]): optim.Optimizer {
  if (cfg.optimizer === "sgd")
    return new optim.SGD(params, { lr: cfg.lr, momentum: 0.9, weightDecay: cfg.weightDecay });
  if (cfg.optimizer === "adamw") return new optim.AdamW(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
  return new optim.Adam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
}

/** Loss and accuracy of the model on a split, in batches, without recording the graph. */
export function evaluate(
  model: nn.Module,
  data: Split,
  batchSize = 1000,
): { loss: number; accuracy: number } {
  model.eval();
  let loss = 0;
  let correct = 0;
  const n = data.y.shape[0]!;
  nb.noGrad(() => {
    for (let i = 0; i < n; i += batchSize) {
      const len = Math.min(batchSize, n - i);
      const logits = model.forward(data.x.narrow(0, i, len)) as nb.Tensor;
      const y = data.y.narrow(0, i, len);
      loss += nn.functional.crossEntropy(logits, y, { reduction: "sum" }).item();
      correct += logits.argmax(1).eq(y).sum().item();
    }
  });
  model.train();
  return { loss: loss / n, accuracy: correct / n };
}

export const CHECKPOINT_FILE = "checkpoint.safetensors";

/** Trains (or resumes, when `resume` and a checkpoint exists in outDir) and returns the history. */
export function trainClassifier(
  cfg: ClassifyConfig,
  opts: { outDir: string; resume?: boolean; hooks?: ClassifyHooks },
): { model: nn.Module; history: EpochRecord[] } {
  const ckptPath = join(opts.outDir, CHECKPOINT_FILE);
  mkdirSync(opts.outDir, { recursive: true });
  const data = loadClassificationData(cfg);
  nb.manualSeed(cfg.seed);
  const model = cfg.model === "cnn" ? smallCnn(data.classes) : mlp(data.inFeatures, cfg.hidden, data.classes);
  const optimizer = makeOptimizer(cfg, [...model.parameters()]);
  const shuffle = new nb.Generator(cfg.seed + 17);
  let history: EpochRecord[] = [];
  let startEpoch = 1;
  if (opts.resume) {
    if (!existsSync(ckptPath)) throw new nb.NablaError(`train --resume: no checkpoint at ${ckptPath}`);
    const ck = loadCheckpoint<{
      config: ClassifyConfig;
      epoch: number;
      optimizer: optim.OptimizerStateDict;
      shuffle: nb.GeneratorState;
      rng: nb.GeneratorState;
      history: EpochRecord[];
    }>(ckptPath);
    const saved = ck.state.config;
    for (const k of ["model", "dataset", "hidden", "optimizer"] as const)
      if (JSON.stringify(saved[k]) !== JSON.stringify(cfg[k]))
        throw new nb.NablaError(
          `train --resume: the checkpoint was trained with ${k}=${JSON.stringify(saved[k])}, not ${JSON.stringify(cfg[k])}`,
        );
    model.loadStateDict(ck.tensors);
    optimizer.loadStateDict(ck.state.optimizer);
    optimizer.paramGroups.forEach((g) => (g.lr = cfg.lr));
    shuffle.setState(ck.state.shuffle);
    nb.defaultGenerator.setState(ck.state.rng);
    history = ck.state.history;
    startEpoch = ck.state.epoch + 1;
  }
  const dataset = new TensorDataset(data.train.x, data.train.y);
  const loader = new DataLoader(dataset, { batchSize: cfg.batchSize, shuffle: true, generator: shuffle });
  opts.hooks?.onStart?.({
    model,
    trainSize: dataset.length,
    testSize: data.test.y.shape[0]!,
    startEpoch,
    backend: nb.getBackend().name,
  });
  model.train();
  for (let epoch = startEpoch; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    let seen = 0;
    let lossSum = 0;
    let correct = 0;
    let step = 0;
    for (const batch of loader) {
      const [x, y] = batch as [nb.Tensor, nb.Tensor];
      const logits = model.forward(x) as nb.Tensor;
      const loss = nn.functional.crossEntropy(logits, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const n = y.shape[0]!;
      seen += n;
      lossSum += loss.item() * n;
      correct += logits.argmax(1).eq(y).sum().item();
      step++;
      opts.hooks?.onStep?.({
        epoch,
        step,
        stepsPerEpoch: loader.length,
        loss: lossSum / seen,
        accuracy: correct / seen,
        samplesPerSecond: seen / ((performance.now() - t0) / 1000),
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    const test = evaluate(model, data.test);
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds,
      samplesPerSecond: seen / seconds,
    };
    history.push(record);
    saveCheckpoint(ckptPath, {
      tensors: model.stateDict(),
      state: {
        config: cfg,
        epoch,
        optimizer: optimizer.stateDict(),
        shuffle: shuffle.getState(),
        rng: nb.defaultGenerator.getState(),
        history: history,
      },
    });
    opts.hooks?.onEpoch?.(record, history);
  }
  return { model, history };
}
