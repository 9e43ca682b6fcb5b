// Neuron, Layer and MLP: micrograd's shapes and nonlinearity rules, seeded reproducible weights,
// zeroGrad, and the random generator they draw from.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Layer, MLP, Neuron, Rng, Value } from "../../src/micrograd/index.js";

test("a Neuron computes relu(w·x + b), or w·x + b when linear", () => {
  const n = new Neuron(2, { seed: 1 });
  const [w0, w1] = n.w.map((w) => w.data);
  const pre = w0! * 0.5 + w1! * -2 + n.b.data;
  assert.equal(n.forward([0.5, -2]).data, Math.max(0, pre));
  const lin = new Neuron(2, { seed: 1, nonlin: false });
  assert.equal(lin.forward([0.5, -2]).data, pre);
  assert.equal(String(n), "ReLUNeuron(2)");
  assert.equal(String(lin), "LinearNeuron(2)");
});

test("weights are uniform on [−1, 1), biases start at 0", () => {
  const layer = new Layer(50, 20, { seed: 7 });
  const ws = layer.neurons.flatMap((n) => n.w.map((w) => w.data));
  assert.equal(ws.length, 1000);
  assert.ok(ws.every((w) => w >= -1 && w < 1));
  assert.ok(Math.min(...ws) < -0.9 && Math.max(...ws) > 0.9);
  assert.ok(Math.abs(ws.reduce((a, b) => a + b) / ws.length) < 0.1);
  assert.ok(layer.neurons.every((n) => n.b.data === 0));
});

test("MLP(2, [16, 16, 1]) has micrograd's 337 parameters and a linear last layer", () => {
  const model = new MLP(2, [16, 16, 1], { seed: 1337 });
  assert.equal(model.parameters().length, 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1);
  assert.deepEqual(
    model.layers.map((l) => l.neurons.every((n) => n.nonlin)),
    [true, true, false],
  );
  const out = model.forward([0.3, -0.7]);
  assert.equal(out.length, 1);
  assert.ok(out[0] instanceof Value);
  assert.match(String(model), /^MLP of \[Layer of \[ReLUNeuron\(2\), .*LinearNeuron\(16\)\]\]$/);
});

test("the same seed gives the same weights; another seed does not", () => {
  const weights = (seed: number) => new MLP(3, [4, 2], { seed }).parameters().map((p) => p.data);
  assert.deepEqual(weights(42), weights(42));
  assert.notDeepEqual(weights(42), weights(43));
  // A shared generator is drawn from in order, so two models from one generator differ.
  const rng = new Rng(5);
  const a = new MLP(3, [4], { rng }).parameters().map((p) => p.data);
  const b = new MLP(3, [4], { rng }).parameters().map((p) => p.data);
  assert.notDeepEqual(a, b);
});

test("zeroGrad resets every parameter's grad", () => {
  const model = new MLP(2, [3, 1], { seed: 3 });
  const out = model.forward([1, 2])[0]!;
  out.mul(out).backward();
  assert.ok(model.parameters().some((p) => p.grad !== 0));
  model.zeroGrad();
  assert.ok(model.parameters().every((p) => p.grad === 0));
});

test("the modules' backward matches finite differences through a whole MLP", () => {
  const model = new MLP(2, [4, 1], { seed: 11 });
  const x = [0.4, -0.9];
  const loss = () => model.forward(x)[0]!.tanh();
  model.zeroGrad();
  loss().backward();
  const eps = 1e-6;
  for (const p of model.parameters()) {
    const saved = p.data;
    p.data = saved + eps;
    const up = loss().data;
    p.data = saved - eps;
    const down = loss().data;
    p.data = saved;
    assert.ok(Math.abs((up - down) / (2 * eps) - p.grad) < 1e-7);
  }
});

test("bad sizes and inputs are named", () => {
  assert.throws(() => new Neuron(0), /Neuron: nin must be a positive integer, got 0/);
  assert.throws(() => new Layer(2, 1.5), /Layer: nout must be a positive integer, got 1\.5/);
  assert.throws(() => new MLP(2, []), /MLP: nouts must be a non-empty array/);
  assert.throws(() => new MLP(2, [3, -1]), /MLP: nouts\[1\] must be a positive integer, got -1/);
  assert.throws(
    () => new Neuron(2, { seed: 1 }).forward([1, 2, 3]),
    /Neuron.forward: expected 2 inputs, got 3/,
  );
});

test("Rng: reproducible, uniform on [0, 1), normal deviates with the right moments", () => {
  const a = new Rng(123);
  const b = new Rng(123);
  const xs = Array.from({ length: 20000 }, () => a.random());
  assert.deepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b.random()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01);
  const zs = Array.from({ length: 20000 }, () => a.normal(1, 2));
  const m = zs.reduce((s, z) => s + z) / zs.length;
  const v = zs.reduce((s, z) => s + (z - m) ** 2, 0) / zs.length;
  assert.ok(Math.abs(m - 1) < 0.05 && Math.abs(Math.sqrt(v) - 2) < 0.05);
  assert.notEqual(new Rng(1).random(), new Rng(2).random());
  assert.throws(() => new Rng(1.5), /Rng: seed must be an integer, got 1\.5/);
});
