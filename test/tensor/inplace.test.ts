// In-place updates: they write into the tensor's memory (views see them) and refuse to touch a
// leaf that requires grad outside noGrad, as PyTorch does.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

test("in-place ops write through to views", () => {
  const x = nb.zeros([2, 3]);
  const row = x.select(0, 1);
  x.add_(nb.tensor([1, 2, 3], { dtype: "float32" }));
  row.mul_(10);
  assert.deepEqual(x.tolist(), [
    [1, 2, 3],
    [10, 20, 30],
  ]);
  x.sub_(1, { alpha: 2 }).div_(2);
  assert.deepEqual(x.tolist(), [
    [-0.5, 0, 0.5],
    [4, 9, 14],
  ]);
  x.T.fill_(7);
  assert.deepEqual(x.tolist(), [
    [7, 7, 7],
    [7, 7, 7],
  ]);
  x.zero_();
  assert.equal(x.sum().item(), 0);
});

test("a leaf requiring grad is updated only inside noGrad", () => {
  const w = nb.ones([3], { requiresGrad: true });
  w.mul(2).sum().backward();
  assert.throws(() => w.sub_(w.grad!), /in place outside noGrad/);
  nb.noGrad(() => w.sub_(w.grad!, { alpha: 0.5 }));
  assert.deepEqual(w.tolist(), [0, 0, 0]);
  assert.equal(w.requiresGrad, true);
});

test("shape mismatch names the op and both shapes", () => {
  const x = nb.zeros([2, 2]);
  assert.throws(() => x.add_(nb.zeros([3])), /add_: cannot broadcast \[3\] and \[2,2\]/);
  assert.throws(
    () => x.copy_(nb.zeros([2, 2, 2])),
    /copy_: cannot write a result of shape \[2,2,2\] into a tensor of shape \[2,2\]/,
  );
});

test("random fills are reproducible with a generator", () => {
  const a = nb.zeros([5]).uniform_(-1, 1, { generator: new nb.Generator(3) });
  const b = nb.zeros([5]).uniform_(-1, 1, { generator: new nb.Generator(3) });
  assert.deepEqual(a.tolist(), b.tolist());
  assert.ok((a.tolist() as number[]).every((v) => v >= -1 && v < 1));
  const n = nb.zeros([2000]).normal_(3, 2, { generator: new nb.Generator(1) });
  assert.ok(Math.abs(n.mean().item() - 3) < 0.2);
});

test("in-place updates written straight into the tensor: views see them, overlapping operands stay right", () => {
  const a = nb.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: "float32" },
  );
  const flat = a.reshape([4]); // a view of the same memory
  a.add_(a.T); // the operand overlaps the output in another layout: computed out of place
  assert.deepEqual([...flat.dataSync()], [2, 5, 5, 8]);
  a.mul_(a); // the same layout: element for element
  assert.deepEqual([...flat.dataSync()], [4, 25, 25, 64]);
  a.sub_(nb.ones([2]), { alpha: 4 }).div_(2);
  assert.deepEqual([...flat.dataSync()], [0, 10.5, 10.5, 30]);
  const d = nb.zeros([3], { dtype: "float64" });
  d.add_(nb.tensor([1, 2, 3], { dtype: "float32" })); // a float32 operand into float64: promoted, as before
  assert.deepEqual([...d.dataSync()], [1, 2, 3]);
});
