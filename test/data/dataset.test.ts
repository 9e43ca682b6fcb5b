// Datasets and collation: TensorDataset rows, Subset and randomSplit, and defaultCollate's
// PyTorch-like rules for tensors, numbers, booleans, strings, tuples and objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { defaultCollate, randomSplit, Subset, TensorDataset } from "../../src/data/index.js";

const x = nb.arange(0, 12).reshape(6, 2).float(); // row i = [2i, 2i+1]
const y = nb.arange(0, 6);

test("TensorDataset indexes every tensor along dim 0", () => {
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 6);
  const [xi, yi] = ds.get(2);
  assert.deepEqual(xi!.tolist(), [4, 5]);
  assert.deepEqual(yi!.shape, []);
  assert.equal(yi!.item(), 2);
  assert.equal(ds.get(-1)[1]!.item(), 5);
  assert.throws(() => ds.get(6), /TensorDataset\.get: index 6 is out of range for a dataset of 6 samples/);
  assert.throws(() => ds.get(1.5), /index must be an integer/);
});

test("TensorDataset checks its tensors", () => {
  assert.throws(() => new TensorDataset(), /needs at least one tensor/);
  assert.throws(
    () => new TensorDataset(x, nb.arange(0, 5)),
    /tensor 0 has shape \[6,2\] but tensor 1 has shape \[5\]/,
  );
  assert.throws(() => new TensorDataset(nb.scalarTensor(1, "float32")), /tensor 0 is 0-d/);
});

test("TensorDataset's batch reader gathers rows in one copy, matching get + collate", () => {
  const ds = new TensorDataset(x, y, nb.ones([6, 2, 3]).mul(nb.arange(0, 6).reshape(6, 1, 1)));
  const idx = [5, 0, 3];
  const fast = ds.batchReader()(idx);
  const slow = defaultCollate(idx.map((i) => ds.get(i)));
  assert.equal(fast.length, 3);
  fast.forEach((t, f) => {
    assert.deepEqual(t.shape, slow[f]!.shape);
    assert.equal(t.dtype, slow[f]!.dtype);
    assert.deepEqual(t.tolist(), slow[f]!.tolist());
  });
  assert.deepEqual(fast[0]!.shape, [3, 2]);
  assert.deepEqual(fast[2]!.shape, [3, 2, 3]);
  assert.deepEqual(
    ds
      .batchReader()([])
      .map((t) => t.shape),
    [[0, 2], [0], [0, 2, 3]],
  );
});

test("a TensorDataset of a non-contiguous tensor reads logical rows", () => {
  const t = nb.arange(0, 6).reshape(2, 3).T; // [3, 2]
  const ds = new TensorDataset(t);
  assert.deepEqual(ds.get(1)[0]!.tolist(), [1, 4]);
  assert.deepEqual(ds.batchReader()([2, 1])[0]!.tolist(), [
    [2, 5],
    [1, 4],
  ]);
});

test("Subset and randomSplit", () => {
  const ds = new TensorDataset(x, y);
  const sub = new Subset(ds, [4, 1]);
  assert.equal(sub.length, 2);
  assert.equal(sub.get(0)[1]!.item(), 4);
  assert.deepEqual(sub.batchReader()([1, 0])[1]!.tolist(), [1, 4]);
  assert.throws(() => new Subset(ds, [7]), /Subset: index 7 is out of range/);

  const [a, b] = randomSplit(ds, [4, 2], { generator: new nb.Generator(1) });
  assert.equal(a!.length, 4);
  assert.equal(b!.length, 2);
  assert.deepEqual([...a!.indices, ...b!.indices].sort(), [0, 1, 2, 3, 4, 5]);
  const [c] = randomSplit(ds, [4, 2], { generator: new nb.Generator(1) });
  assert.deepEqual(c!.indices, a!.indices); // seeded: reproducible
  // fractions floor, remainders go round-robin from the first: PyTorch 1.13 also gives [4, 1, 1]
  const parts = randomSplit(ds, [0.5, 0.3, 0.2], { generator: new nb.Generator(2) });
  assert.deepEqual(
    parts.map((p) => p.length),
    [4, 1, 1],
  );
  assert.throws(
    () => randomSplit(ds, [3, 2]),
    /must be counts summing to the dataset's 6 samples, or fractions/,
  );
  // a Subset of a plain dataset collates through get()
  const plain = new Subset({ length: 3, get: (i: number) => ({ v: i * 10 }) }, [2, 0]);
  assert.deepEqual(plain.batchReader()([0, 1]).v.tolist(), [20, 0]);
});

test("defaultCollate: tensors stack, numbers and booleans become tensors, strings stay", () => {
  const b = defaultCollate([
    { img: nb.ones([2, 2]), label: 3, w: 0.5, ok: true, name: "a", pair: [1, nb.zeros([1])] },
    { img: nb.zeros([2, 2]), label: 1, w: 2, ok: false, name: "b", pair: [2, nb.ones([1])] },
  ]);
  assert.deepEqual(b.img.shape, [2, 2, 2]);
  assert.equal(b.label.dtype, "int32");
  assert.deepEqual(b.label.tolist(), [3, 1]);
  assert.equal(b.w.dtype, "float32");
  assert.deepEqual(b.w.tolist(), [0.5, 2]);
  assert.equal(b.ok.dtype, "bool");
  assert.deepEqual(b.name, ["a", "b"]);
  assert.deepEqual(b.pair[0].tolist(), [1, 2]);
  assert.deepEqual(b.pair[1].tolist(), [[0], [1]]);
  const typed = defaultCollate([new Float64Array([1, 2]), new Float64Array([3, 4])]);
  assert.equal(typed.dtype, "float64");
  assert.deepEqual(typed.shape, [2, 2]);
});

test("defaultCollate: mismatches name the field and the samples", () => {
  assert.throws(
    () => defaultCollate([nb.ones([2]), nb.ones([3])]),
    /cannot batch samples: sample 0 has shape \[2\] but sample 1 has shape \[3\]/,
  );
  assert.throws(
    () => defaultCollate([nb.ones([2]), nb.ones([2], { dtype: "int32" })]),
    /has dtype float32 but sample 1 has dtype int32/,
  );
  assert.throws(
    () => defaultCollate([{ a: [1, 2] }, { a: [1] }]),
    /field \.a of the samples: sample 0 has 2 fields but sample 1 has 1/,
  );
  assert.throws(() => defaultCollate([{ a: 1 }, { b: 1 }]), /sample 0 has key "a" but sample 1 lacks it/);
  assert.throws(
    () =>
      defaultCollate([
        [1, "x"],
        [2, 3],
      ]),
    /field \[1\] of the samples: sample 0 is a string but sample 1 is a number/,
  );
  assert.throws(() => defaultCollate([null]), /cannot batch samples: sample 0 is null/);
  assert.throws(() => defaultCollate([]), /needs a non-empty array of samples/);
});
