// The network playground's model and training loop, with no DOM: a seeded 2-D dataset from
// nabla/data, an MLP from nabla/nn, an optimizer from nabla/optim, mini-batch steps, accuracy,
// and the model's predictions on a grid for the decision-boundary heat map. Runs in a Web Worker,
// on the page's main thread when there is none, and in Node's tests.
import * as nb from "../../index.js";
import * as nn from "../../nn/index.js";
import * as optim from "../../optim/index.js";
import { makeBlobs, makeCircles, makeMoons, makeSpirals, makeXor } from "../../data/browser.js";
import type { ActivationName, PlaygroundConfig } from "./config.js";

/** Points as plain arrays, for drawing: xy is [x0, y0, x1, y1, …], labels 0..classes−1. */
export interface PointSet {
  xy: Float32Array;
  labels: Int32Array;
}

export interface Metrics {
  step: number;
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** The predicted class and its confidence (0: a toss-up, 1: certain) at each cell, row by row from the bottom. */
export interface Grid {
  resolution: number;
  /** [xMin, xMax, yMin, yMax] in data units. */
  bounds: [number, number, number, number];
  classes: Uint8Array;
  confidence: Float32Array;
}

/** Fixed centres, so that the training and test sets of blobs come from the same distribution. */
const BLOB_CENTERS = [
  [-1.5, -1],
  [1.5, -1],
  [0, 1.6],
];

/** The dataset a config asks for: training points and a test set of half as many. */
export function makeData(c: PlaygroundConfig): { train: PointSet; test: PointSet; classes: number } {
  const make = (n: number, seed: number): nb.Tensor[] => {
    const opts = { noise: c.noise, seed };
    const d =
      c.dataset === "moons"
        ? makeMoons(n, opts)
        : c.dataset === "circles"
          ? makeCircles(n, { ...opts, factor: 0.5 })
          : c.dataset === "spirals"
            ? makeSpirals(n, opts)
            : c.dataset === "xor"
              ? makeXor(n, opts)
              : makeBlobs(n, { ...opts, centers: BLOB_CENTERS, std: 0.5 + 2 * c.noise });
    return [d.x, d.y];
  };
  const pack = ([x, y]: nb.Tensor[]): PointSet => ({
    xy: Float32Array.from(x!.dataSync()),
    labels: Int32Array.from(y!.dataSync()),
  });
  const train = pack(make(c.size, c.seed));
  const test = pack(make(Math.max(2, Math.round(c.size / 2)), c.seed + 7919));
  const classes = c.dataset === "blobs" ? 3 : 2;
  return { train, test, classes };
}

function activation(name: ActivationName): nn.Module {
  switch (name) {
    case "tanh":
      return new nn.Tanh();
    case "relu":
      return new nn.ReLU();
    case "sigmoid":
      return new nn.Sigmoid();
    case "gelu":
      return new nn.GELU();
    case "leaky-relu":
      return new nn.LeakyReLU(0.1);
    case "silu":
      return new nn.SiLU();
  }
}

export class PlaygroundTrainer {
  readonly train: PointSet;
  readonly test: PointSet;
  readonly classes: number;
  readonly model: nn.Sequential;
  private readonly optimizer: optim.Optimizer<{ lr: number }>;
  private readonly generator: nb.Generator;
  /** Inputs are standardised with the training set's mean and spread: model sees (x − mean) / std. */
  private readonly mean: [number, number];
  private readonly std: [number, number];
  private readonly xTrain: nb.Tensor;
  private readonly yTrain: nb.Tensor;
  private readonly xTest: nb.Tensor;
  private readonly yTest: nb.Tensor;
  private order: number[] = [];
  private cursor = 0;
  steps = 0;
  epochs = 0;

  constructor(readonly config: PlaygroundConfig) {
    const data = makeData(config);
    this.train = data.train;
    this.test = data.test;
    this.classes = data.classes;
    this.mean = [0, 1].map((k) => mean(this.train.xy, k)) as [number, number];
    this.std = [0, 1].map((k) => Math.sqrt(mean(this.train.xy, k, this.mean[k]!)) || 1) as [number, number];
    this.xTrain = this.inputs(this.train.xy);
    this.yTrain = nb.fromArray(this.train.labels, [this.train.labels.length]);
    this.xTest = this.inputs(this.test.xy);
    this.yTest = nb.fromArray(this.test.labels, [this.test.labels.length]);

    this.generator = new nb.Generator(config.seed);
    const layers: nn.Module[] = [];
    let width = 2;
    for (const h of config.hidden) {
      layers.push(new nn.Linear(width, h, { generator: this.generator }), activation(config.activation));
      width = h;
    }
    layers.push(new nn.Linear(width, this.classes, { generator: this.generator }));
    this.model = new nn.Sequential(...layers);

    const params = [...this.model.parameters()];
    const { lr, l2: weightDecay } = config;
    this.optimizer =
      config.optimizer === "sgd"
        ? new optim.SGD(params, { lr, weightDecay })
        : config.optimizer === "momentum"
          ? new optim.SGD(params, { lr, momentum: 0.9, weightDecay })
          : config.optimizer === "adam"
            ? new optim.Adam(params, { lr, weightDecay })
            : config.optimizer === "rmsprop"
              ? new optim.RMSprop(params, { lr, weightDecay })
              : new optim.Adagrad(params, { lr, weightDecay });
  }

  /** Standardised model inputs [n, 2] from raw coordinates. */
  private inputs(xy: Float32Array): nb.Tensor {
    const out = new Float32Array(xy.length);
    for (let i = 0; i < xy.length; i++) out[i] = (xy[i]! - this.mean[i % 2]!) / this.std[i % 2]!;
    return nb.fromArray(out, [xy.length / 2, 2]);
  }

  private lossOf(logits: nb.Tensor, y: nb.Tensor): nb.Tensor {
    const F = nn.functional;
    if (this.config.loss === "cross-entropy") return F.crossEntropy(logits, y);
    if (this.config.loss === "hinge") return F.multiMarginLoss(logits, y);
    return F.mseLoss(logits, nb.oneHot(y, this.classes).to("float32"));
  }

  /** The next mini-batch's indices: a fresh seeded shuffle every epoch. */
  private nextBatch(): number[] {
    const n = this.train.labels.length;
    const size = this.config.batch <= 0 || this.config.batch >= n ? n : this.config.batch;
    if (size === n) {
      this.epochs++;
      return [];
    }
    const batch: number[] = [];
    while (batch.length < size) {
      if (this.cursor >= this.order.length) {
        if (this.order.length > 0) this.epochs++;
        this.order = shuffle(n, this.generator);
        this.cursor = 0;
      }
      batch.push(this.order[this.cursor++]!);
    }
    return batch;
  }

  /** One optimizer step on one mini-batch; returns the batch's loss. */
  step(): number {
    const batch = this.nextBatch();
    let x = this.xTrain;
    let y = this.yTrain;
    if (batch.length > 0) {
      const index = nb.fromArray(Int32Array.from(batch), [batch.length]);
      x = x.indexSelect(0, index);
      y = y.indexSelect(0, index);
    }
    this.optimizer.zeroGrad();
    const loss = this.lossOf(this.model.forward(x), y);
    loss.backward();
    this.optimizer.step();
    this.steps++;
    return loss.item();
  }

  /** Loss on the whole training set and accuracy on the training and test sets. */
  metrics(): Metrics {
    return nb.noGrad(() => {
      const train = this.model.forward(this.xTrain);
      const test = this.model.forward(this.xTest);
      return {
        step: this.steps,
        epoch: this.epochs,
        trainLoss: this.lossOf(train, this.yTrain).item(),
        trainAccuracy: accuracy(train, this.train.labels),
        testAccuracy: accuracy(test, this.test.labels),
      };
    });
  }

  /** The loss on the test set. */
  testLoss(): number {
    return nb.noGrad(() => this.lossOf(this.model.forward(this.xTest), this.yTest).item());
  }

  /** The bounds of every point, padded by 10% of the larger side. */
  bounds(): [number, number, number, number] {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const set of [this.train, this.test])
      for (let i = 0; i < set.xy.length; i += 2) {
        [x0, x1] = [Math.min(x0, set.xy[i]!), Math.max(x1, set.xy[i]!)];
        [y0, y1] = [Math.min(y0, set.xy[i + 1]!), Math.max(y1, set.xy[i + 1]!)];
      }
    const pad = 0.1 * Math.max(x1 - x0, y1 - y0, 1e-6);
    return [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
  }

  /** The model's prediction at the centre of every cell of a resolution × resolution grid. */
  grid(resolution = 64): Grid {
    const bounds = this.bounds();
    const [x0, x1, y0, y1] = bounds;
    const xy = new Float32Array(resolution * resolution * 2);
    for (let j = 0; j < resolution; j++)
      for (let i = 0; i < resolution; i++) {
        const k = 2 * (j * resolution + i);
        xy[k] = x0 + ((i + 0.5) / resolution) * (x1 - x0);
        xy[k + 1] = y0 + ((j + 0.5) / resolution) * (y1 - y0);
      }
    const probs = nb.noGrad(() => nb.softmax(this.model.forward(this.inputs(xy)), -1).dataSync());
    const k = this.classes;
    const classes = new Uint8Array(resolution * resolution);
    const confidence = new Float32Array(resolution * resolution);
    for (let c = 0; c < classes.length; c++) {
      let best = 0;
      for (let m = 1; m < k; m++) if (probs[c * k + m]! > probs[c * k + best]!) best = m;
      classes[c] = best;
      confidence[c] = (probs[c * k + best]! - 1 / k) / (1 - 1 / k);
    }
    return { resolution, bounds, classes, confidence };
  }
}

function accuracy(logits: nb.Tensor, labels: Int32Array): number {
  const pred = logits.argmax(1).dataSync();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) right++;
  return labels.length ? right / labels.length : 0;
}

/** The mean of coordinate k of interleaved [x, y] pairs, or of its squared deviation from `centre`. */
function mean(xy: Float32Array, k: number, centre?: number): number {
  let s = 0;
  for (let i = k; i < xy.length; i += 2) s += centre === undefined ? xy[i]! : (xy[i]! - centre) ** 2;
  return s / Math.max(1, xy.length / 2);
}

function shuffle(n: number, g: nb.Generator): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
