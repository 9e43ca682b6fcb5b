// The scalar engine against known answers: the lecture's neuron, tanh spelled out with exp, the
// PyTorch fixtures, a million-node chain, and the errors a wrong argument gets.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Value } from "../../src/micrograd/index.js";
import { EXPRESSIONS } from "./expressions.js";

function close(actual: number, expected: number, tol: number, what: string): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
  assert.ok(ok, `${what}: got ${actual}, expected ${expected} (tolerance ${tol})`);
}

/** The lecture's neuron; `activation` turns n = x1*w1 + x2*w2 + b into o. */
function lectureNeuron(activation: (n: Value) => Value) {
  const x1 = new Value(2.0, { label: "x1" });
  const x2 = new Value(0.0, { label: "x2" });
  const w1 = new Value(-3.0, { label: "w1" });
  const w2 = new Value(1.0, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const n = x1.mul(w1).add(x2.mul(w2)).add(b);
  const o = activation(n);
  o.backward();
  return { x1, x2, w1, w2, b, o };
}

function checkLectureAnswers({ x1, x2, w1, w2, o }: ReturnType<typeof lectureNeuron>): void {
  close(o.data, Math.SQRT1_2, 1e-12, "o");
  close(x1.grad, -1.5, 1e-12, "x1.grad");
  close(w1.grad, 1.0, 1e-12, "w1.grad");
  close(x2.grad, 0.5, 1e-12, "x2.grad");
  close(w2.grad, 0.0, 1e-12, "w2.grad");
}

test("the lecture neuron: o = tanh(x1*w1 + x2*w2 + b) ≈ 0.7071 and its grads", () => {
  const r = lectureNeuron((n) => n.tanh());
  checkLectureAnswers(r);
  assert.equal(r.o.op, "tanh");
  assert.equal(r.x1.label, "x1");
  assert.equal(r.o.inputs.length, 1);
});

test("tanh written as (e^2x − 1)/(e^2x + 1) gives the same value and grads", () => {
  const r = lectureNeuron((n) => {
    const e = n.mul(2).exp();
    return e.sub(1).div(e.add(1));
  });
  checkLectureAnswers(r);
});

test("a Value remembers its op and inputs", () => {
  const a = new Value(3, { label: "a" });
  const b = new Value(4);
  const c = a.mul(b);
  assert.equal(c.op, "*");
  assert.deepEqual(c.inputs, [a, b]);
  assert.equal(a.op, "");
  assert.deepEqual(a.inputs, []);
  assert.equal(a.pow(2).op, "**2");
  assert.equal(b.label, "");
  assert.equal(String(c), "Value(data=12, grad=0)");
});

test("every binary op accepts a plain number", () => {
  const x = new Value(3);
  assert.equal(x.add(2).data, 5);
  assert.equal(x.sub(2).data, 1);
  assert.equal(x.mul(2).data, 6);
  assert.equal(x.div(2).data, 1.5);
  assert.equal(x.neg().data, -3);
  const y = x.add(1).mul(2).sub(4).div(4);
  y.backward();
  assert.equal(y.data, 1);
  assert.equal(x.grad, 0.5);
});

test("derived ops are built from primitives, as micrograd's", () => {
  const x = new Value(3);
  assert.equal(x.neg().op, "*");
  assert.equal(x.sub(1).op, "+");
  const q = x.div(2);
  assert.equal(q.op, "*");
  assert.equal(q.inputs[1]!.op, "**-1");
});

test("unary ops: values and derivatives", () => {
  const cases: [string, (v: Value) => Value, number, number, number][] = [
    // name, op, x, f(x), f'(x)
    ["exp", (v) => v.exp(), 0.5, Math.exp(0.5), Math.exp(0.5)],
    ["log", (v) => v.log(), 2, Math.log(2), 0.5],
    ["tanh", (v) => v.tanh(), 0.3, Math.tanh(0.3), 1 - Math.tanh(0.3) ** 2],
    ["relu+", (v) => v.relu(), 0.3, 0.3, 1],
    ["relu−", (v) => v.relu(), -0.3, 0, 0],
    ["relu0", (v) => v.relu(), 0, 0, 0],
    [
      "sigmoid",
      (v) => v.sigmoid(),
      0.4,
      1 / (1 + Math.exp(-0.4)),
      Math.exp(-0.4) / (1 + Math.exp(-0.4)) ** 2,
    ],
    ["pow3", (v) => v.pow(3), 1.5, 3.375, 6.75],
    ["pow-0.5", (v) => v.pow(-0.5), 4, 0.5, -0.0625],
  ];
  for (const [name, f, x, fx, dfx] of cases) {
    const v = new Value(x);
    const out = f(v);
    out.backward();
    close(out.data, fx, 1e-14, `${name}(${x})`);
    close(v.grad, dfx, 1e-14, `${name}'(${x})`);
  }
});

test("a value used twice gets both gradient contributions", () => {
  const a = new Value(3);
  const b = a.add(a); // micrograd's famous bug: = instead of += would give 1
  b.backward();
  assert.equal(a.grad, 2);

  const x = new Value(-2);
  const y = new Value(3);
  const d = x.mul(y);
  const e = x.add(y);
  const f = d.mul(e);
  f.backward();
  assert.equal(x.grad, y.data * e.data + d.data); // −3 + −6 = −9
  assert.equal(y.grad, x.data * e.data + d.data); // −2 + −6 = −8
});

test("grads accumulate across backward calls until reset", () => {
  const x = new Value(2);
  x.mul(x).backward();
  x.mul(x).backward();
  assert.equal(x.grad, 8);
});

const fixture = JSON.parse(readFileSync(new URL("../fixtures/micrograd.json", import.meta.url), "utf8")) as {
  cases: Record<string, { inputs: Record<string, number>; output: number; grads: Record<string, number> }>;
};

test("the fixture file and the TypeScript expressions name the same cases", () => {
  assert.deepEqual(Object.keys(EXPRESSIONS).sort(), Object.keys(fixture.cases).sort());
});

for (const [name, c] of Object.entries(fixture.cases)) {
  test(`matches PyTorch (float64): ${name}`, () => {
    const leaves = Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, new Value(v, { label: k })]),
    );
    const out = EXPRESSIONS[name]!(leaves);
    out.backward();
    close(out.data, c.output, 1e-12, `${name} forward`);
    for (const [k, g] of Object.entries(c.grads)) close(leaves[k]!.grad, g, 1e-6, `${name} d/d${k}`);
  });
}

test("backward on a chain a million nodes deep does not overflow the stack", () => {
  const x = new Value(0.5, { label: "x" });
  const one = new Value(1, { label: "one" });
  let v = x;
  for (let i = 0; i < 1_000_000; i++) v = v.add(one);
  v.backward();
  assert.equal(v.data, 1_000_000.5);
  assert.equal(x.grad, 1);
  assert.equal(one.grad, 1_000_000);
});

test("a Value exponent is a clear error", () => {
  const x = new Value(2);
  assert.throws(() => x.pow(new Value(2) as unknown as number), {
    name: "TypeError",
    message: "Value.pow: exponent must be a number, got a Value",
  });
  assert.throws(
    () => x.pow("2" as unknown as number),
    /Value\.pow: exponent must be a number, got string "2"/,
  );
});

test("a wrong argument names the op and what was wrong", () => {
  const x = new Value(2);
  const bad = (v: unknown): number => v as number;
  assert.throws(
    () => x.add(bad("3")),
    /^TypeError: Value\.add: other must be a Value or a number, got string "3"$/,
  );
  assert.throws(() => x.mul(bad(undefined)), /Value\.mul: other must be a Value or a number, got undefined/);
  assert.throws(() => x.sub(bad({})), /Value\.sub: other must be a Value or a number, got an object/);
  assert.throws(() => x.div(bad([1])), /Value\.div: other must be a Value or a number, got an array/);
  assert.throws(() => new Value(bad("1")), /Value: data must be a number, got string "1"/);
});

test("Value.checkFinite makes every op reject NaN and infinity, naming the op", (t) => {
  Value.checkFinite = true;
  t.after(() => {
    Value.checkFinite = false;
  });
  const x = new Value(0);
  assert.throws(() => x.log(), { name: "RangeError", message: "Value.log: result is -Infinity for input 0" });
  assert.throws(() => new Value(1).div(0), /Value\.div: division by zero \(1 \/ 0\)/);
  assert.throws(() => new Value(-1).pow(0.5), /Value\.pow: result is NaN for input -1/);
  assert.throws(() => x.add(NaN), /Value\.add: other must be finite, got NaN/);
  assert.throws(() => new Value(Infinity), /Value: data must be finite, got Infinity/);
  assert.throws(() => x.pow(Infinity), /Value\.pow: exponent must be finite, got Infinity/);
  assert.throws(() => new Value(800).exp(), /Value\.exp: result is Infinity for input 800/);
  assert.equal(new Value(2).log().data, Math.log(2)); // finite results pass
});

test("without checks, NaN flows through as in plain JavaScript", () => {
  const y = new Value(-1).log();
  assert.ok(Number.isNaN(y.data));
});

test("backward({ checkFinite: true }) names the op whose value or gradient is not finite", () => {
  // A non-finite forward value, found before any rule runs.
  const x = new Value(-1, { label: "x" });
  assert.throws(
    () => x.log().mul(2).backward({ checkFinite: true }),
    /Value\.backward: the result of log is NaN; every value must be finite/,
  );
  assert.equal(x.grad, 0);

  // Finite values but an infinite gradient: d/dx sqrt(x) at 0.
  const z = new Value(0, { label: "z" });
  assert.throws(
    () => z.pow(0.5).backward({ checkFinite: true }),
    /Value\.backward: the backward of pow gave input 0 \(data 0\) the gradient Infinity/,
  );

  // A finite graph passes.
  const w = new Value(3);
  w.mul(w).backward({ checkFinite: true });
  assert.equal(w.grad, 6);
});

test("runBackwardRule runs one node's rule only: no ordering, no seeding", () => {
  const a = new Value(2);
  const b = new Value(5);
  const c = a.mul(b);
  c.grad = 3;
  c.runBackwardRule();
  assert.equal(a.grad, 15);
  assert.equal(b.grad, 6);
  new Value(1).runBackwardRule(); // a leaf's rule does nothing
});
