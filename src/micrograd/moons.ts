// micrograd's demo: two interleaving half circles ("moons", as scikit-learn's make_moons), and an
// MLP(2, [16, 16, 1]) trained on them with a max-margin loss, full-batch SGD and a decaying rate.

import { Value } from "./engine.js";
import { MLP } from "./nn.js";
import { Rng } from "./random.js";

export interface Moons {
  /** The points, one [x, y] per sample. */
  X: [number, number][];
  /** The labels: −1 for the upper moon, +1 for the lower one. */
  y: number[];
}

/**
 * n points on two half circles with Gaussian noise of standard deviation `noise`: the upper moon
 * (cos t, sin t) labelled −1 and the lower one (1 − cos t, 0.5 − sin t) labelled +1, t on [0, π].
 */
export function makeMoons(n: number, noise: number, rng: Rng): Moons {
  const nUpper = Math.floor(n / 2);
  const nLower = n - nUpper;
  const X: [number, number][] = [];
  const y: number[] = [];
  const arc = (count: number, k: number): number => (count > 1 ? (Math.PI * k) / (count - 1) : 0);
  for (let k = 0; k < nUpper; k++) {
    const t = arc(nUpper, k);
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(-1);
  }
  for (let k = 0; k < nLower; k++) {
    const t = arc(nLower, k);
    X.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
    y.push(1);
  }
  for (const p of X) {
    p[0] += rng.normal(0, noise);
    p[1] += rng.normal(0, noise);
  }
  return { X, y };
}

export interface MoonsOptions {
  /** Seed for the data and the weights (default 1337, as micrograd's demo). */
  seed?: number;
  /** Training steps (default 100). */
  steps?: number;
  /** Number of points (default 100). */
  samples?: number;
  /** Noise of the moons (default 0.1). */
  noise?: number;
  /** Called after each step with its loss and training accuracy (before the update is applied). */
  onStep?: (step: MoonsStep) => void;
}

export interface MoonsStep {
  step: number;
  loss: number;
  /** Fraction of points classified correctly, 0 to 1. */
  accuracy: number;
}

export interface MoonsResult extends Moons {
  model: MLP;
  history: MoonsStep[];
  /** The trained model's score for a point; its sign is the predicted label. */
  score: (x: number, y: number) => number;
}

/** The max-margin loss and accuracy of `model` on the whole data set (micrograd's loss()). */
export function moonsLoss(model: MLP, { X, y }: Moons): { loss: Value; accuracy: number } {
  const scores = X.map((x) => model.forward(x)[0]!);
  // Hinge loss: a point costs nothing once its score has the right sign with a margin of 1.
  const losses = scores.map((s, i) => s.mul(-y[i]!).add(1).relu());
  const dataLoss = sum(losses).mul(1 / losses.length);
  const alpha = 1e-4; // L2 regularisation
  const regLoss = sum(model.parameters().map((p) => p.mul(p))).mul(alpha);
  const correct = scores.filter((s, i) => y[i]! > 0 === s.data > 0).length;
  return { loss: dataLoss.add(regLoss), accuracy: correct / scores.length };
}

/** Trains micrograd's demo network on the moons and returns it with the data and the history. */
export function trainMoons(options: MoonsOptions = {}): MoonsResult {
  const { seed = 1337, steps = 100, samples = 100, noise = 0.1, onStep } = options;
  const rng = new Rng(seed);
  const data = makeMoons(samples, noise, rng);
  const model = new MLP(2, [16, 16, 1], { rng });
  const history: MoonsStep[] = [];
  for (let k = 0; k < steps; k++) {
    const { loss, accuracy } = moonsLoss(model, data);
    model.zeroGrad();
    loss.backward();
    const learningRate = 1.0 - (0.9 * k) / 100;
    for (const p of model.parameters()) p.data -= learningRate * p.grad;
    const record = { step: k, loss: loss.data, accuracy };
    history.push(record);
    onStep?.(record);
  }
  const score = (x: number, y: number): number => model.forward([x, y])[0]!.data;
  return { ...data, model, history, score };
}

/** Python's sum(): 0 + v0 + v1 + … */
function sum(values: Value[]): Value {
  let total = new Value(0);
  for (const v of values) total = total.add(v);
  return total;
}
