// Transforms: normalize per channel or overall, oneHot against PyTorch's one_hot semantics, compose.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { compose, normalize, oneHot } from "../../src/data/index.js";

const near = (a: number[], b: number[]) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6, `${a} vs ${b}`));

test("normalize with scalars applies to every value", () => {
  const x = nb.tensor([0, 0.5, 1]);
  near(normalize(0.5, 0.25)(x).tolist() as number[], [-2, 0, 2]);
});

test("normalize per channel: dim -3 of [N, C, H, W], or dim -1 of [N, F]", () => {
  const x = nb.ones([2, 3, 2, 2]);
  const y = normalize([0, 0.5, 1], [1, 0.5, 2])(x);
  assert.deepEqual(y.shape, [2, 3, 2, 2]);
  const v = y.dataSync();
  assert.deepEqual([v[0], v[4], v[8], v[12]], [1, 1, 0, 1]);
  const f = normalize([1, 2], [2, 4], { dim: -1 })(nb.tensor([[3, 6]]));
  assert.deepEqual(f.tolist(), [[1, 1]]);
  assert.throws(
    () => normalize([0, 0], [1, 1])(nb.ones([1, 3, 2, 2])),
    /expected 2 channels in dim -3 of the input, but its shape is \[1,3,2,2\]/,
  );
  assert.throws(() => normalize(0, 0), /std must be finite and nonzero/);
  assert.throws(() => normalize([0, 1], [1, 2, 3]), /mean has 2 channels but std has 3/);
  assert.throws(() => normalize(0, 1, { dim: 1 }), /dim must be a negative integer/);
});

test("normalize keeps float64 and turns integer input into float32", () => {
  assert.equal(normalize(1, 2)(nb.ones([2], { dtype: "float64" })).dtype, "float64");
  const ints = normalize(1, 2)(nb.tensor([1, 3]));
  assert.equal(ints.dtype, "float32");
  assert.deepEqual(ints.tolist(), [0, 1]);
});

test("oneHot: [..., k] int32 by default, numClasses inferred, range checked", () => {
  const h = oneHot(nb.tensor([2, 0, 1]));
  assert.equal(h.dtype, "int32");
  assert.deepEqual(h.tolist(), [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ]);
  const f = oneHot([1, 0], 4, { dtype: "float32" });
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.tolist(), [
    [0, 1, 0, 0],
    [1, 0, 0, 0],
  ]);
  assert.deepEqual(oneHot(nb.tensor([[1], [0]]), 2).shape, [2, 1, 2]);
  assert.deepEqual(oneHot(nb.zeros([0], { dtype: "int32" }), 3).shape, [0, 3]);
  assert.throws(() => oneHot(nb.tensor([3]), 3), /label 3 is out of range for 3 classes \(0\.\.2\)/);
  assert.throws(() => oneHot(nb.tensor([-1])), /labels must be non-negative, got -1/);
  assert.throws(() => oneHot(nb.tensor([0.5])), /labels must be an int32 tensor, got float32/);
});

test("compose chains left to right", () => {
  const f = compose(normalize(1, 1), (x: nb.Tensor) => x.mul(10));
  assert.deepEqual(f(nb.tensor([1, 2])).tolist(), [0, 10]);
  assert.deepEqual(compose<number>()(5), 5);
  assert.throws(() => compose(3 as never), /argument 0 is not a function/);
});
