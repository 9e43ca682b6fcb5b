// micrograd's demo end to end: the seeded moons, and the real training function reaching 100%
// training accuracy in 100 steps of SGD with the decaying learning rate.

import { test } from "node:test";
import assert from "node:assert/strict";
import { MLP, Rng, makeMoons, moonsLoss, trainMoons } from "../../src/micrograd/index.js";

test("makeMoons: 100 points, half on each moon, labels ±1, reproducible from a seed", () => {
  const { X, y } = makeMoons(100, 0.1, new Rng(1));
  assert.equal(X.length, 100);
  assert.equal(y.filter((l) => l === -1).length, 50);
  assert.equal(y.filter((l) => l === 1).length, 50);
  assert.deepEqual(makeMoons(100, 0.1, new Rng(1)), { X, y });
  // Without noise the points lie exactly on the two half circles.
  const clean = makeMoons(11, 0, new Rng(1));
  clean.X.forEach(([px, py], i) => {
    const r = clean.y[i]! < 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12);
  });
  assert.deepEqual(clean.X[0], [1, 0]);
});

test("the hinge loss is mean(relu(1 − y·score)) + 1e-4·Σp²", () => {
  const model = new MLP(2, [4, 1], { seed: 2 });
  const data = makeMoons(6, 0.1, new Rng(3));
  const { loss, accuracy } = moonsLoss(model, data);
  const scores = data.X.map((x) => model.forward(x)[0]!.data);
  const hinge = scores.reduce((s, sc, i) => s + Math.max(0, 1 - data.y[i]! * sc), 0) / scores.length;
  const l2 = 1e-4 * model.parameters().reduce((s, p) => s + p.data * p.data, 0);
  assert.ok(Math.abs(loss.data - (hinge + l2)) < 1e-12);
  assert.equal(accuracy, scores.filter((sc, i) => sc > 0 === data.y[i]! > 0).length / scores.length);
});

test("the moons demo reaches 100% training accuracy", () => {
  const steps: number[] = [];
  const result = trainMoons({ onStep: (s) => steps.push(s.step) });
  assert.equal(steps.length, 100);
  assert.equal(result.history.length, 100);
  const last = result.history.at(-1)!;
  assert.equal(last.accuracy, 1, `final accuracy ${last.accuracy}`);
  assert.ok(last.loss < result.history[0]!.loss / 10, `loss ${result.history[0]!.loss} → ${last.loss}`);
  // And the trained model classifies every point correctly.
  assert.ok(result.X.every(([px, py], i) => result.score(px, py) > 0 === result.y[i]! > 0));
});
