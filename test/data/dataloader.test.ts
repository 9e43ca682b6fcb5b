// DataLoader: batch counts (dropLast), every sample once per epoch, seeded shuffles that differ
// between epochs but replay exactly, the TensorDataset fast path, custom collate, plain arrays.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { DataLoader, TensorDataset } from "../../src/data/index.js";

const n = 10;
const x = nb
  .arange(0, 2 * n)
  .reshape(n, 2)
  .float();
const y = nb.arange(0, n);
const ds = new TensorDataset(x, y);

const labelsOf = (loader: Iterable<nb.Tensor[]>) => [...loader].map(([, yb]) => yb!.tolist() as number[]);

test("batches in order, the last one short unless dropLast; length counts batches", () => {
  const loader = new DataLoader(ds, { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0]![0]!.shape, [4, 2]);
  assert.deepEqual(batches[0]![0]!.tolist(), [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
  ]);
  assert.deepEqual(labelsOf(loader), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
  const dropping = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropping.length, 2);
  assert.equal([...dropping].length, 2);
  assert.equal(new DataLoader(ds).length, 10);
  assert.equal(new DataLoader(ds, { batchSize: 20, dropLast: true }).length, 0);
  assert.equal([...new DataLoader([], { batchSize: 3 })].length, 0);
});

test("for … of destructures [x, y] batches", () => {
  let seen = 0;
  for (const [xb, yb] of new DataLoader(ds, { batchSize: 5 })) {
    assert.deepEqual(xb!.shape, [5, 2]);
    assert.deepEqual(yb!.shape, [5]);
    assert.equal(yb!.dtype, "int32");
    seen += yb!.shape[0]!;
  }
  assert.equal(seen, n);
});

test("shuffle: a permutation per epoch, fresh each epoch, reproducible from the seed", () => {
  const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new nb.Generator(7) });
  const e1 = labelsOf(loader).flat();
  const e2 = labelsOf(loader).flat();
  assert.deepEqual(
    [...e1].sort((a, b) => a - b),
    [...Array(n).keys()],
  );
  assert.deepEqual(
    [...e2].sort((a, b) => a - b),
    [...Array(n).keys()],
  );
  assert.notDeepEqual(e1, e2);
  const again = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new nb.Generator(7) });
  assert.deepEqual(labelsOf(again).flat(), e1);
  assert.deepEqual(labelsOf(again).flat(), e2);
  // rows stay paired with their labels
  for (const [xb, yb] of loader)
    (yb!.tolist() as number[]).forEach((label, i) =>
      assert.deepEqual((xb!.tolist() as number[][])[i], [2 * label, 2 * label + 1]),
    );
});

test("resuming the generator's state replays the next epoch's order", () => {
  const g = new nb.Generator(3);
  const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, generator: g });
  labelsOf(loader);
  const saved = g.getState();
  const next = labelsOf(loader);
  const resumed = new DataLoader(ds, {
    batchSize: 4,
    shuffle: true,
    generator: new nb.Generator(0).setState(saved),
  });
  assert.deepEqual(labelsOf(resumed), next);
});

test("without a generator, shuffling follows nb.manualSeed", () => {
  const loader = new DataLoader(ds, { batchSize: n, shuffle: true });
  nb.manualSeed(123);
  const a = labelsOf(loader);
  nb.manualSeed(123);
  assert.deepEqual(labelsOf(loader), a);
});

test("custom collate, object samples and plain arrays as datasets", () => {
  const samples = Array.from({ length: 5 }, (_, i) => ({ feat: [i, -i], label: i % 2 }));
  const batches = [...new DataLoader(samples, { batchSize: 2 })];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0]!.label.tolist(), [0, 1]);
  assert.deepEqual(batches[0]!.feat[1].tolist(), [0, -1]);
  const sums = [
    ...new DataLoader(samples, { batchSize: 2, collate: (s) => s.reduce((a, b) => a + b.label, 0) }),
  ];
  assert.deepEqual(sums, [1, 1, 0]);
  // a custom collate on a TensorDataset gets the per-sample tensors
  const shapes = [...new DataLoader(ds, { batchSize: 4, collate: (s) => s.map(([xi]) => xi!.shape) })][0];
  assert.deepEqual(shapes, [[2], [2], [2], [2]]);
});

test("bad options get clear errors", () => {
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader(ds, { batchSize: 2.5 }), /batchSize must be a positive integer/);
  assert.throws(() => new DataLoader({} as never), /expected a dataset/);
});

test("the fast path batches a 20 000 × 784 set quickly", () => {
  const big = new TensorDataset(
    nb.rand([20000, 784], { generator: new nb.Generator(1) }),
    nb.zeros([20000], { dtype: "int32" }),
  );
  const t0 = performance.now();
  let rows = 0;
  for (const [xb] of new DataLoader(big, { batchSize: 128, shuffle: true, generator: new nb.Generator(1) }))
    rows += xb!.shape[0]!;
  const ms = performance.now() - t0;
  assert.equal(rows, 20000);
  assert.ok(ms < 3000, `an epoch took ${ms.toFixed(0)} ms`);
});
