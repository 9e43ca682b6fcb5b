// The backward stepper: stepping to the end leaves the grads backward() leaves (every fixture
// expression), each step reports the local derivative and the chain-rule product, shared inputs
// accumulate, and the order is backward()'s.

import { test } from "node:test";
import assert from "node:assert/strict";
import { BackwardStepper, Value } from "../../src/micrograd/index.js";
import { EXPRESSIONS } from "./expressions.js";

const INPUTS: Record<string, Record<string, number>> = {
  sanity: { x: -4 },
  more_ops: { a: -4, b: 2 },
  lecture_neuron: { x1: 2, x2: 0, w1: -3, w2: 1, b: 6.881373587019543 },
  exp_log: { a: 0.7, b: -0.4 },
  sigmoid_div: { x: 0.3, y: -1.2 },
  softplus_chain: { x: 0.8 },
  shared_subexpressions: { a: 0.5, b: -1.5, c: 0.25 },
  powers: { x: 1.7, y: 0.6 },
};

function build(name: string): { leaves: Record<string, Value>; out: Value } {
  const leaves = Object.fromEntries(
    Object.entries(INPUTS[name]!).map(([k, v]) => [k, new Value(v, { label: k })]),
  );
  return { leaves, out: EXPRESSIONS[name]!(leaves) };
}

test("stepping to the end gives exactly backward()'s grads, for every fixture expression", () => {
  assert.deepEqual(Object.keys(INPUTS).sort(), Object.keys(EXPRESSIONS).sort());
  for (const name of Object.keys(EXPRESSIONS)) {
    const a = build(name);
    a.out.backward();
    const b = build(name);
    const stepper = new BackwardStepper(b.out);
    stepper.finish();
    assert.ok(stepper.done, name);
    for (const k of Object.keys(a.leaves))
      assert.equal(b.leaves[k]!.grad, a.leaves[k]!.grad, `${name}: ${k}`);
  }
});

test("the lecture neuron, step by step: local derivatives and chain-rule products", () => {
  const { leaves, out } = build("lecture_neuron");
  const stepper = new BackwardStepper(out);
  assert.equal(out.grad, 1);
  assert.equal(stepper.schedule.length, 5); // tanh, +b, +, *, *
  assert.equal(stepper.peek(), out);

  const first = stepper.step()!;
  assert.equal(first.node.op, "tanh");
  assert.equal(first.upstream, 1);
  assert.equal(first.contributions.length, 1);
  const n = first.contributions[0]!;
  assert.ok(Math.abs(n.local - 0.5) < 1e-12, `1 - tanh² = 0.5, got ${n.local}`);
  assert.equal(n.added, n.local * first.upstream);
  assert.equal(n.gradBefore, 0);
  assert.equal(n.gradAfter, n.input.grad);
  assert.equal(stepper.indexOfValue(n.input), n.index);
  assert.equal(stepper.order[n.index], n.input);

  const rest = stepper.finish();
  assert.equal(rest.length, 4);
  assert.equal(stepper.step(), null);
  const x1w1 = rest.find((s) => s.node.op === "*" && s.node.inputs.includes(leaves.x1!))!;
  const toX1 = x1w1.contributions.find((c) => c.input === leaves.x1)!;
  assert.equal(toX1.local, -3); // ∂(x1·w1)/∂x1 = w1
  assert.ok(Math.abs(toX1.added - -1.5) < 1e-12);
  const grads = Object.fromEntries(Object.entries(leaves).map(([k, v]) => [k, v.grad]));
  for (const [k, g] of Object.entries({ x1: -1.5, w1: 1, x2: 0.5, w2: 0, b: 0.5 }))
    assert.ok(Math.abs(grads[k]! - g) < 1e-12, `${k}: ${grads[k]}`);
});

test("an input used twice is listed once with its total local derivative; grads accumulate over steps", () => {
  const x = new Value(3, { label: "x" });
  const sq = x.mul(x); // ∂/∂x = 2x = 6
  const out = sq.add(x); // x reached a second time
  const stepper = new BackwardStepper(out);
  const add = stepper.step()!;
  assert.deepEqual(
    add.contributions.map((c) => [c.input === x ? "x" : "sq", c.local, c.gradAfter]),
    [
      ["sq", 1, 1],
      ["x", 1, 1],
    ],
  );
  const mul = stepper.step()!;
  assert.equal(mul.contributions.length, 1);
  assert.deepEqual(
    [mul.contributions[0]!.local, mul.contributions[0]!.gradBefore, mul.contributions[0]!.gradAfter],
    [6, 1, 7],
  );
  assert.ok(stepper.done);
});

test("the stepper zeroes old grads unless told not to; without zeroing it accumulates as backward() does", () => {
  const graph = () => {
    const a = new Value(2, { label: "a" });
    return { a, out: a.mul(5).tanh() };
  };
  const g = graph();
  g.a.grad = 42;
  new BackwardStepper(g.out).finish();
  const fresh = graph();
  fresh.out.backward();
  assert.equal(g.a.grad, fresh.a.grad);

  new BackwardStepper(g.out, { zeroGrad: false }).finish(); // a second pass over the same graph
  fresh.out.backward();
  assert.equal(g.a.grad, fresh.a.grad);
  assert.equal(g.out.data, fresh.out.data);
});

test("a leaf alone has nothing to step; a wrong root is a TypeError", () => {
  const leaf = new Value(1);
  const stepper = new BackwardStepper(leaf);
  assert.ok(stepper.done);
  assert.equal(leaf.grad, 1);
  assert.equal(stepper.step(), null);
  assert.throws(() => new BackwardStepper(3 as unknown as Value), /BackwardStepper: expected a Value, got 3/);
});
