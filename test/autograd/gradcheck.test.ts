// gradcheck: passes on correct gradients (single and multiple outputs, broadcasting, matmul) and
// reports wrong ones, naming the input, the elements and both values.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

const leaf = (shape: number[], seed: number) =>
  nb.randn(shape, { dtype: "float64", generator: new nb.Generator(seed) }).requiresGrad_();

test("gradcheck passes on correct gradients", () => {
  const a = leaf([2, 3], 1);
  const b = leaf([3], 2);
  const r = nb.gradcheck((x, y) => x.mul(y).tanh().add(y.exp()), [a, b]);
  assert.equal(r.ok, true);
  assert.equal(r.maxError.length, 2);
  assert.ok(r.maxError.every((e) => e < 1e-6));
  assert.ok(nb.gradcheck((x, y) => x.matmul(y.reshape(3, 1)), [a, b]).ok);
  assert.ok(nb.gradcheck((x) => x.sum(1), [a]).ok);
});

test("gradcheck checks every float output and skips inputs that do not require grad", () => {
  const a = leaf([4], 3);
  const c = nb.tensor([1, 2, 3, 4], { dtype: "float64" });
  const r = nb.gradcheck((x, y) => [x.mul(y), x.sin(), x.gt(0)], [a, c]);
  assert.equal(r.ok, true);
  assert.equal(r.maxError[1], 0);
});

test("gradcheck does not modify the inputs or their .grad", () => {
  const a = leaf([3], 4);
  const before = Array.from(a.dataSync());
  nb.gradcheck((x) => x.mul(x), [a]);
  assert.deepEqual(Array.from(a.dataSync()), before);
  assert.equal(a.grad, null);
});

test("gradcheck fails on a wrong backward, naming input, elements and values", () => {
  // a hook doubles the gradient reaching y = exp(x): d/dx becomes 2·exp(x), which is wrong
  const wrong = (x: nb.Tensor) => {
    const y = x.exp();
    y.registerHook((g) => g.mul(2));
    return y;
  };
  const a = leaf([2, 2], 5);
  assert.throws(
    () => nb.gradcheck(wrong, [a]),
    /gradcheck: Jacobian mismatch for output 0 with respect to input 0, input element \[0,0\], output element \[0,0\]: analytical .* vs numerical/,
  );
  const r = nb.gradcheck(wrong, [a], { raiseException: false });
  assert.equal(r.ok, false);
  assert.equal(r.failure!.input, 0);
  assert.deepEqual(r.failure!.inputElement, [0, 0]);
  const e = Math.exp(a.dataSync()[0]!);
  assert.ok(Math.abs(r.failure!.analytical - 2 * e) < 1e-9);
  assert.ok(Math.abs(r.failure!.numerical - e) < 1e-6);
  assert.ok(r.maxError[0]! > 0.5);
});

test("gradcheck rejects inputs it cannot check", () => {
  const f32 = nb.randn([2]).requiresGrad_();
  assert.throws(() => nb.gradcheck((x) => x.exp(), [f32]), /gradcheck: input 0 is float32; .*float64/);
  const plain = nb.randn([2], { dtype: "float64" });
  assert.throws(() => nb.gradcheck((x) => x.exp(), [plain]), /gradcheck: no input requires grad/);
});
