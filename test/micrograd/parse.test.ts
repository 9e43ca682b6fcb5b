// The expression language of `nabla graph`: precedence, associativity, functions, shared
// variables, and one-line errors that name the position.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ExpressionError,
  Value,
  evaluate,
  evaluateExpression,
  parseExpression,
  variablesOf,
} from "../../src/micrograd/index.js";

const val = (src: string, vars: Record<string, number> = {}): number => evaluateExpression(src, vars).data;

test("numbers, precedence and associativity", () => {
  assert.equal(val("1 + 2 * 3"), 7);
  assert.equal(val("(1 + 2) * 3"), 9);
  assert.equal(val("8 / 4 / 2"), 1);
  assert.equal(val("10 - 4 - 3"), 3);
  assert.equal(val("2 ^ 3 ^ 2"), 512); // right-associative
  assert.equal(val("2 ** 3"), 8);
  assert.equal(val("-2 ^ 2"), -4); // unary minus binds looser than power
  assert.equal(val("2 ^ -1"), 0.5);
  assert.equal(val("--3"), 3);
  assert.equal(val("1.5e1 + .5 + 2."), 17.5);
  assert.equal(val("3 * -x", { x: 2 }), -6);
  assert.equal(val("2^(1+1)"), 4);
});

test("functions", () => {
  assert.equal(val("tanh(0.5)"), Math.tanh(0.5));
  assert.equal(val("exp(1)"), Math.E);
  assert.equal(val("log(exp(2))"), 2);
  assert.equal(val("relu(-3) + relu(3)"), 3);
  assert.equal(val("sigmoid(0)"), 0.5);
});

test("the lecture neuron from its formula", () => {
  const vars = { x1: 2, x2: 0, w1: -3, w2: 1, b: 6.8813735870195432 };
  const o = evaluateExpression("tanh(x1*w1 + x2*w2 + b)", vars);
  o.backward();
  assert.ok(Math.abs(o.data - Math.SQRT1_2) < 1e-12);
  assert.equal(o.op, "tanh");
});

test("each variable is one shared leaf labelled with its name", () => {
  const x = new Value(3);
  const out = evaluateExpression("x*x + y", { x, y: 1 });
  out.backward();
  assert.equal(x.grad, 6);
  const leaf = evaluateExpression("a", { a: 4 });
  assert.equal(leaf.label, "a");
  assert.deepEqual(variablesOf(parseExpression("b*a + tanh(a) - c^2")), ["b", "a", "c"]);
});

test("an exponent may be any constant expression but no variable", () => {
  assert.equal(val("x^(1/2)", { x: 9 }), 3);
  assert.equal(evaluateExpression("x^-2", { x: 2 }).op, "**-2");
  assert.throws(() => evaluateExpression("x^y", { x: 2, y: 3 }), {
    message: 'exponent must be a constant number, found variable "y" at position 3',
  });
});

test("syntax errors name the position, in one line", () => {
  const cases: [string, string][] = [
    ["1 +", 'expected a number, a name or "(" but found end of input at position 4'],
    ["tanh(x", 'expected ")" but found end of input at position 7'],
    ["2x", 'unexpected "x" at position 2'],
    ["x $ y", 'unexpected character "$" at position 3'],
    ["sin(x)", 'unknown function "sin" (known: tanh, exp, log, relu, sigmoid) at position 1'],
    ["(1))", 'unexpected ")" at position 4'],
    ["", 'expected a number, a name or "(" but found end of input at position 1'],
    ["* 2", 'expected a number, a name or "(" but found "*" at position 1'],
  ];
  for (const [src, message] of cases) {
    assert.throws(
      () => parseExpression(src),
      (e: unknown) => {
        assert.ok(e instanceof ExpressionError, src);
        assert.equal(e.message, message, src);
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  }
});

test("an unknown variable names itself and its position", () => {
  const tree = parseExpression("x1*w1 + x2*w3");
  assert.throws(
    () => evaluate(tree, { x1: 1, w1: 2, x2: 3 }),
    (e: unknown) => {
      assert.ok(e instanceof ExpressionError);
      assert.equal(e.message, 'unknown variable "w3" at position 12');
      assert.equal(e.pos, 11);
      return true;
    },
  );
});
