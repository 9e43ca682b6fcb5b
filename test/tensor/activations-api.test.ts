// The elementwise API beyond the fixtures: PyTorch's result_type rules, error messages that name
// the op and the rule, integer division by zero, and gradients that must stay finite.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

const f32 = (v: number[]) => nb.tensor(v, { dtype: "float32" });
const i32 = (v: number[]) => nb.tensor(v, { dtype: "int32" });
const f64 = (v: number[] | number) => nb.tensor(v, { dtype: "float64" });

test("resultType: dimensioned tensors outrank 0-d tensors, which outrank numbers, within a kind", () => {
  const b = nb.tensor([true]);
  assert.equal(nb.resultType(i32([1]), 2), "int32");
  assert.equal(nb.resultType(i32([1]), 2.5), "float32");
  assert.equal(nb.resultType(f64([1]), 2.5), "float64");
  assert.equal(nb.resultType(f32([1]), f64(1)), "float32");
  assert.equal(nb.resultType(i32([1]), f64(1)), "float64");
  assert.equal(nb.resultType(f32([1]), f64([1])), "float64");
  assert.equal(nb.resultType(b, 1), "int32");
  assert.equal(nb.resultType(b, true), "bool");
  assert.equal(nb.resultType(b, i32([1])), "int32");
  assert.equal(nb.resultType(i32([1]), Infinity), "float32");
  assert.equal(nb.resultType(2, 3), "int32");
  assert.equal(nb.resultType(nb.tensor(1, { dtype: "int32" }), f32([1])), "float32");
});

test("results carry the promoted dtype", () => {
  assert.equal(i32([1, 2]).div(i32([2, 2])).dtype, "float32");
  assert.equal(i32([1, 2]).div(2, { roundingMode: "floor" }).dtype, "int32");
  assert.equal(nb.sub(2, f64([1])).dtype, "float64");
  assert.equal(i32([4]).sqrt().dtype, "float32");
  assert.equal(nb.gelu(i32([1])).dtype, "float32");
  assert.equal(i32([-3, 5]).clamp(0, 2).dtype, "int32");
  assert.deepEqual(
    nb
      .tensor([true, false])
      .add(nb.tensor([true, true]))
      .tolist(),
    [true, true],
  );
});

test("rounding division matches Python's // and truncation, with zero gradients", () => {
  assert.deepEqual(f64([1]).div(0.1, { roundingMode: "floor" }).tolist(), [9]);
  assert.deepEqual(f64([-7, 7, 7.5]).div(2, { roundingMode: "floor" }).tolist(), [-4, 3, 3]);
  assert.deepEqual(f64([-7, 7, -7.5]).div(2, { roundingMode: "trunc" }).tolist(), [-3, 3, -3]);
  assert.deepEqual(
    i32([-7, 7, -6])
      .div(i32([2, -2, 3]), { roundingMode: "floor" })
      .tolist(),
    [-4, -4, -2],
  );
  const x = f64([1.5, -2.5]).requiresGrad_();
  x.div(0.5, { roundingMode: "floor" }).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [0, 0]);
});

test("integer division by zero throws, naming the op (PyTorch's ZeroDivisionError)", () => {
  assert.throws(() => i32([1, 2]).div(i32([1, 0]), { roundingMode: "trunc" }), {
    message: "div: integer division by zero",
  });
  assert.throws(() => nb.floorDivide(i32([1]), 0), { message: "div: integer division by zero" });
  assert.throws(() => i32([1]).remainder(0), { message: "remainder: integer division by zero" });
  assert.throws(() => i32([1]).fmod(0), { message: "fmod: integer division by zero" });
  // float division by zero is IEEE: ±inf or NaN
  assert.deepEqual(f32([1, -1]).div(0, { roundingMode: "floor" }).tolist(), [Infinity, -Infinity]);
});

test("shape errors name the op, both shapes and the broadcasting rule", () => {
  const rule = "(sizes must match or one must be 1)";
  assert.throws(() => nb.add(nb.ones([2, 3]), nb.ones([4])), {
    name: "ShapeError",
    message: `add: cannot broadcast [2,3] and [4]: dim -1 has sizes 3 and 4 ${rule}`,
  });
  assert.throws(() => nb.ones([2, 3]).maximum(nb.ones([2, 1, 2])), {
    message: `maximum: cannot broadcast [2,3] and [2,1,2]: dim -1 has sizes 3 and 2 ${rule}`,
  });
  assert.throws(() => nb.where(nb.tensor([true, false, true]), nb.ones([2]), 0), {
    message: `where: cannot broadcast [3] and [2]: dim -1 has sizes 3 and 2 ${rule}`,
  });
  assert.throws(() => nb.clamp(nb.ones([3]), nb.zeros([2])), {
    message: `clamp: cannot broadcast [3] and [2]: dim -1 has sizes 3 and 2 ${rule}`,
  });
});

test("argument errors name the op and what was expected", () => {
  const x = nb.ones([2]);
  const bad = (fn: () => unknown, message: string) => assert.throws(fn, { message });
  bad(() => x.div(2, { roundingMode: "round" as "floor" }), 'div: roundingMode must be "trunc", "floor" or undefined, got "round"');
  bad(() => nb.div(nb.tensor([true]), true, { roundingMode: "floor" }), 'div: roundingMode "floor" needs numbers, not two bool operands');
  bad(() => nb.sub(nb.tensor([true]), nb.tensor([false])), "sub: subtracting two bool tensors is not supported; use logicalXor() instead");
  bad(() => nb.tensor([true]).neg(), "neg: negating a bool tensor is not supported; use logicalNot() to invert a mask");
  bad(() => x.clamp(), "clamp: at least one of min and max must be given");
  bad(() => nb.clamp(x, null, undefined), "clamp: at least one of min and max must be given");
  bad(() => nb.gelu(x, { approximate: "erf" as "tanh" }), 'gelu: approximate must be "none" or "tanh", got "erf"');
  bad(() => nb.softshrink(x, -1), "softshrink: lambd must be >= 0, got -1");
  bad(() => nb.hardshrink(x, NaN), "hardshrink: lambd must be >= 0, got NaN");
  bad(() => nb.celu(x, 0), "celu: alpha must be nonzero (the curve is alpha·(e^(x/alpha) − 1))");
  bad(() => nb.gelu(3 as unknown as nb.Tensor), "gelu: expected a Tensor, got number");
  bad(() => nb.clamp(null as unknown as nb.Tensor, 0), "clamp: expected a Tensor, got null");
  bad(() => nb.add("1" as unknown as nb.Tensor, 1), "add: operand 0: expected a Tensor, a number or a boolean, got string");
  bad(() => nb.resultType({} as nb.Tensor), "resultType: operand 0: expected a Tensor, a number or a boolean, got object");
}); // prettier-ignore

test("gradients stay finite where a branch that is not taken would overflow", () => {
  const x = f32([100, 1000, -1000]).requiresGrad_();
  for (const fn of [nb.softplus, nb.elu, nb.selu, nb.mish, nb.logSigmoid, nb.silu]) {
    x.grad = null;
    fn(x).sum().backward();
    for (const g of x.grad!.dataSync()) assert.ok(Number.isFinite(g), `${fn.name}: gradient ${g}`);
  }
  const y = f64([0, 1e300, -1e300]).requiresGrad_();
  nb.asinh(y).sum().backward();
  assert.deepEqual(Array.from(y.grad!.dataSync()), [1, 1e-300, 1e-300]);
});

test("x.pow(2) never takes the log of a negative base; 0^0 has zero gradients", () => {
  const x = f64([-2, 0]).requiresGrad_();
  x.pow(2).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [-4, 0]);
  const a = f64([0]).requiresGrad_();
  const b = f64([0]).requiresGrad_();
  a.pow(b).sum().backward();
  assert.deepEqual([a.grad!.item(), b.grad!.item()], [0, 0]);
});

test("log1p, expm1 and the inverse hyperbolics keep full precision near 0", () => {
  const tiny = f64([1e-12, -3e-15]);
  assert.deepEqual(tiny.log1p().tolist(), [Math.log1p(1e-12), Math.log1p(-3e-15)]);
  assert.deepEqual(tiny.expm1().tolist(), [Math.expm1(1e-12), Math.expm1(-3e-15)]);
  assert.deepEqual(tiny.asinh().tolist(), [Math.asinh(1e-12), Math.asinh(-3e-15)]);
  assert.deepEqual(tiny.atanh().tolist(), [Math.atanh(1e-12), Math.atanh(-3e-15)]);
  assert.deepEqual(tiny.sinh().tolist(), [Math.sinh(1e-12), Math.sinh(-3e-15)]);
  assert.deepEqual(nb.logSigmoid(f64([40])).tolist(), [-Math.exp(-40)]);
});
