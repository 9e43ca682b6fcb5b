// Shape algebra helpers: sizes, contiguous strides, dim normalisation and their errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ShapeError } from "../../src/util/errors.js";
import {
  broadcastShapes,
  checkShape,
  contiguousStrides,
  normDim,
  normDims,
  shapesEqual,
  sizeOf,
} from "../../src/util/shape.js";

test("sizeOf and contiguousStrides", () => {
  assert.equal(sizeOf([]), 1);
  assert.equal(sizeOf([2, 0, 3]), 0);
  assert.equal(sizeOf([2, 3, 4]), 24);
  assert.deepEqual(contiguousStrides([2, 3, 4]), [12, 4, 1]);
  assert.deepEqual(contiguousStrides([]), []);
  assert.deepEqual(contiguousStrides([2, 0, 3]), [0, 3, 1]);
});

test("normDim accepts -ndim..ndim-1 (and -1, 0 for 0-d tensors)", () => {
  assert.equal(normDim("op", -1, 3), 2);
  assert.equal(normDim("op", 0, 0), 0);
  assert.equal(normDim("op", -1, 0), 0);
  assert.throws(
    () => normDim("op", 3, 3),
    /op: dim 3 is out of range for a tensor of 3 dims \(expected -3\.\.2\)/,
  );
  assert.throws(() => normDim("op", 1.5, 3), ShapeError);
  assert.throws(() => normDim("op", 1, 0), /op: dim 1 is out of range for a tensor of 0 dims/);
});

test("normDims sorts, defaults to every dim and rejects repeats", () => {
  assert.deepEqual(normDims("op", undefined, 3), [0, 1, 2]);
  assert.deepEqual(normDims("op", [-1, 0], 3), [0, 2]);
  assert.deepEqual(normDims("op", 1, 3), [1]);
  assert.throws(() => normDims("op", [0, -3], 3), /op: dim \[0,-3\] repeats a dim/);
});

test("broadcastShapes, shapesEqual and checkShape", () => {
  assert.deepEqual(broadcastShapes("op"), []);
  assert.deepEqual(broadcastShapes("op", [2, 1], [3], []), [2, 3]);
  assert.deepEqual(broadcastShapes("op", [0, 1], [1, 4]), [0, 4]);
  assert.throws(
    () => broadcastShapes("add", [2, 3], [4]),
    /add: cannot broadcast \[2,3\] and \[4\]: dim -1 has sizes 3 and 4 \(sizes must match or one must be 1\)/,
  );
  assert.ok(shapesEqual([1, 2], [1, 2]));
  assert.ok(!shapesEqual([1, 2], [1, 2, 1]));
  assert.deepEqual(checkShape("op", [2, 0]), [2, 0]);
  assert.throws(() => checkShape("zeros", [2, -1]), /zeros: shape \[2,-1\] must hold non-negative integers/);
});
