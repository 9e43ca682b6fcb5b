// gradcheck itself, and a property test: many random expression graphs, with shared
// subexpressions, whose backward pass must agree with central finite differences.

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Value, gradcheck } from "../../src/micrograd/index.js";

test("gradcheck passes a correct gradient and reports one error per input", () => {
  const r = gradcheck(([a, b]) => a!.mul(b!).tanh().add(b!.exp()), [0.3, -1.2]);
  assert.equal(r.ok, true);
  assert.equal(r.inputs.length, 2);
  assert.equal(r.output, Math.tanh(0.3 * -1.2) + Math.exp(-1.2));
  for (const input of r.inputs) {
    assert.ok(input.relError < 1e-8, `${input.label}: ${input.relError}`);
    assert.equal(input.ok, true);
  }
  assert.equal(r.worst, Math.max(...r.inputs.map((i) => i.relError)));
  assert.deepEqual(
    r.inputs.map((i) => i.label),
    ["input 0", "input 1"],
  );
});

test("gradcheck uses the labels of Value inputs", () => {
  const r = gradcheck(([x]) => x!.pow(3), [new Value(2, { label: "x" })]);
  assert.equal(r.inputs[0]!.label, "x");
  assert.ok(Math.abs(r.inputs[0]!.analytic - 12) < 1e-12);
  assert.ok(Math.abs(r.inputs[0]!.numeric - 12) < 1e-6);
});

test("gradcheck catches a wrong backward rule", () => {
  // A function whose graph disagrees with its value: the value is x², the graph's rule is x³'s.
  const r = gradcheck(
    ([x]) => {
      const y = x!.pow(3);
      y.data = x!.data ** 2;
      return y;
    },
    [1.5],
  );
  assert.equal(r.ok, false);
  assert.ok(r.inputs[0]!.relError > 0.1);
  assert.ok(r.worst > 0.1);
});

test("gradcheck tolerances are options; non-finite gradients fail", () => {
  const f = ([x]: Value[]) => x!.pow(4);
  assert.equal(gradcheck(f, [1.3], { eps: 1e-2 }).ok, true);
  assert.equal(gradcheck(f, [1.3], { eps: 1e-2, atol: 0, rtol: 1e-9 }).ok, false);
  const r = gradcheck(([x]) => x!.pow(0.5), [0]);
  assert.equal(r.ok, false);
  assert.ok(Number.isNaN(r.worst));
});

test("gradcheck names a wrong argument", () => {
  assert.throws(() => gradcheck(((_: Value[]) => 1) as unknown as (xs: Value[]) => Value, [1]), {
    message: "gradcheck: fn must return a Value, got 1",
  });
  assert.throws(
    () => gradcheck(([x]) => x!, ["a" as unknown as number]),
    /gradcheck: input 0 must be a number or a Value/,
  );
  assert.throws(
    () => gradcheck(([x]) => x!, [1], { eps: 0 }),
    /gradcheck: eps must be a positive number, got 0/,
  );
});

// ---- property test: random graphs ----

// A program is a list of instructions; instruction k computes node (inputs + k) from earlier
// nodes, picked at random, so later instructions often reuse a node: shared subexpressions.
type Instr =
  | { op: "add" | "sub" | "mul" | "div"; a: number; b: number }
  | { op: "tanh" | "sigmoid" | "exp" | "log" | "relu" | "neg"; a: number }
  | { op: "pow"; a: number; k: number };

const N_INPUTS = 3;

const instr = fc.oneof(
  fc.record({ op: fc.constantFrom("add", "sub", "mul", "div"), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constantFrom("tanh", "sigmoid", "exp", "log", "relu", "neg"), a: fc.nat() }),
  fc.record({ op: fc.constant("pow"), a: fc.nat(), k: fc.constantFrom(2, 3, -1, 0.5, 1.5) }),
) as fc.Arbitrary<Instr>;

/**
 * Runs a program. Ops with a restricted domain are made safe by construction: log and fractional
 * powers act on 1 + x², division divides by 1 + x², so every program is defined everywhere.
 */
function run(program: Instr[], inputs: Value[]): { out: Value; nodes: Value[] } {
  const nodes = [...inputs];
  const pick = (i: number): Value => nodes[i % nodes.length]!;
  const positive = (v: Value): Value => v.mul(v).add(1);
  for (const s of program) {
    const a = pick(s.a);
    let v: Value;
    switch (s.op) {
      case "add":
        v = a.add(pick(s.b));
        break;
      case "sub":
        v = a.sub(pick(s.b));
        break;
      case "mul":
        v = a.mul(pick(s.b));
        break;
      case "div":
        v = a.div(positive(pick(s.b)));
        break;
      case "log":
        v = positive(a).log();
        break;
      case "pow":
        v = Number.isInteger(s.k) && s.k > 0 ? a.pow(s.k) : positive(a).pow(s.k);
        break;
      default:
        v = a[s.op]();
    }
    nodes.push(v);
  }
  // Sum the last few nodes so the output depends on several branches of the graph.
  const out = nodes.slice(-3).reduce((acc, v) => acc.add(v));
  return { out, nodes };
}

test("property: backward agrees with finite differences on random graphs with shared nodes", () => {
  fc.assert(
    fc.property(
      fc.array(instr, { minLength: 1, maxLength: 14 }),
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: N_INPUTS, maxLength: N_INPUTS }),
      (program, xs) => {
        const { nodes } = run(
          program,
          xs.map((x) => new Value(x)),
        );
        // Keep away from where finite differences are unreliable: relu's kink, and overflow.
        fc.pre(nodes.every((v) => Number.isFinite(v.data) && Math.abs(v.data) < 1e6));
        fc.pre(
          program.every((s, k) => s.op !== "relu" || Math.abs(nodes[s.a % (N_INPUTS + k)]!.data) > 1e-3),
        );
        const r = gradcheck((leaves) => run(program, leaves).out, xs, { atol: 1e-5, rtol: 1e-4 });
        if (!r.ok) {
          const bad = r.inputs.filter((i) => !i.ok).map((i) => `${i.label}: ${i.analytic} vs ${i.numeric}`);
          throw new Error(`gradcheck failed: ${bad.join("; ")}`);
        }
      },
    ),
    { numRuns: 300, seed: 20260125 },
  );
});
