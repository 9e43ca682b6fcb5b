// Indexing and joining against PyTorch fixtures (scripts/fixtures/indexing.py), forward values and
// gradients with contiguous and strided inputs; plus float64 gradchecks and the error messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { replayFixtures } from "../helpers/fixtures.js";

replayFixtures("indexing", {
  indexSelect0: (x, i) => x!.indexSelect(0, i!),
  indexSelectM2: (x, i) => x!.indexSelect(-2, i!),
  indexSelect1: (x, i) => x!.indexSelect(1, i!),
  gather1: (x, i) => x!.gather(1, i!),
  gather0: (x, i) => x!.gather(0, i!),
  gatherM1: (x, i) => x!.gather(-1, i!),
  scatterAdd1: (x, i, s) => x!.scatterAdd(1, i!, s!),
  scatterAdd0: (x, i, s) => x!.scatterAdd(0, i!, s!),
  scatterAddM1: (x, i, s) => x!.scatterAdd(-1, i!, s!),
  scatter1: (x, i, s) => x!.scatter(1, i!, s!),
  scatterValue0: (x, i) => x!.scatter(0, i!, 2.5),
  indexAdd0: (x, i, s) => x!.indexAdd(0, i!, s!, { alpha: 2 }),
  indexAddM1: (x, i, s) => x!.indexAdd(-1, i!, s!),
  take: (x, i) => x!.take(i!),
  maskedFill: (x, m) => x!.maskedFill(m!, -1.5),
  maskedFillTensor: (x, m, v) => x!.maskedFill(m!, v!),
  maskedSelect: (x, m) => x!.maskedSelect(m!),
  nonzero: (x) => x!.nonzero(),
  embedding: (i, w) => nb.embedding(i!, w!),
  embeddingPad1: (i, w) => nb.embedding(i!, w!, { paddingIdx: 1 }),
  oneHot: (i) => nb.oneHot(i!),
  oneHot5: (i) => nb.oneHot(i!, 5),
  cat0: (...xs) => nb.cat(xs, 0),
  catM1: (...xs) => nb.cat(xs, -1),
  catLegacy: (...xs) => nb.cat(xs, 1),
  catOne: (...xs) => nb.cat(xs),
  catMixed: (...xs) => nb.cat(xs, 1),
  stack0: (...xs) => nb.stack(xs),
  stack1: (...xs) => nb.stack(xs, 1),
  stackM1: (...xs) => nb.stack(xs, -1),
  split2: (x) => x!.split(2),
  splitSections: (x) => x!.split([1, 0, 5], -1),
  chunk3: (x) => x!.chunk(3),
  chunk4: (x) => x!.chunk(4),
  chunk2M1: (x) => x!.chunk(2, -1),
  unbind1: (x) => x!.unbind(1),
  padLast: (x) => nb.pad(x!, [1, 2]),
  padTwo: (x) => nb.pad(x!, [1, 0, 2, 1], { value: 1.5 }),
  padCrop: (x) => nb.pad(x!, [-1, 2, 1, -2]),
  padThree: (x) => nb.pad(x!, [1, 1, 0, 1, 1, 0]),
  padReflect: (x) => nb.pad(x!, [2, 3], { mode: "reflect" }),
  padReflectCrop: (x) => nb.pad(x!, [-1, 2, 1, 1], { mode: "reflect" }),
  padReplicate: (x) => nb.pad(x!, [1, 2, 2, 0], { mode: "replicate" }),
  padCircular: (x) => nb.pad(x!, [3, -1], { mode: "circular" }),
  padCircular2: (x) => nb.pad(x!, [1, 2, 2, 1], { mode: "circular" }),
  triu: (x) => x!.triu(),
  triu1: (x) => x!.triu(1),
  triuM1: (x) => x!.triu(-1),
  triu5: (x) => x!.triu(5),
  tril: (x) => x!.tril(),
  tril2: (x) => x!.tril(2),
  trilM2: (x) => x!.tril(-2),
});

const f64 = (shape: number[], seed: number) =>
  nb.randn(shape, { dtype: "float64", generator: new nb.Generator(seed) }).requiresGrad_();
const ix = (values: number[] | number[][]) => nb.tensor(values, { dtype: "int32" });
const check = (fn: (...xs: nb.Tensor[]) => nb.Tensor | nb.Tensor[], inputs: nb.Tensor[]) =>
  assert.ok(nb.gradcheck(fn, inputs).ok);

test("indexing: float64 gradcheck of the index ops (repeated indices accumulate)", () => {
  check((x) => x!.indexSelect(1, ix([2, 0, 2])), [f64([2, 3], 1)]);
  check(
    (x) =>
      x!.gather(
        0,
        ix([
          [1, 1],
          [0, 1],
          [1, 1],
        ]),
      ),
    [f64([2, 3], 2)],
  );
  check(
    (x) =>
      x!.take(
        ix([
          [5, -1],
          [0, 0],
        ]),
      ),
    [f64([2, 3], 3)],
  );
  // src larger than index: its unreached entries get zero gradient
  check(
    (x, s) =>
      x!.scatterAdd(
        1,
        ix([
          [0, 0],
          [2, 1],
        ]),
        s!,
      ),
    [f64([2, 3], 4), f64([3, 3], 5)],
  );
  check(
    (x, s) =>
      x!.scatter(
        1,
        ix([
          [2, 0],
          [1, 2],
        ]),
        s!,
      ),
    [f64([2, 3], 6), f64([2, 3], 7)],
  );
  check((x, s) => x!.indexAdd(0, ix([1, 1, 0]), s!, { alpha: -0.5 }), [f64([2, 2], 8), f64([3, 2], 9)]);
  const mask = nb.tensor([[true], [false]]);
  check((x, v) => x!.maskedFill(mask, v!), [f64([2, 3], 10), f64([], 11)]);
  check((x) => x!.maskedSelect(mask), [f64([2, 3], 12)]);
  check(
    (w) =>
      nb.embedding(
        ix([
          [1, 3],
          [1, 1],
        ]),
        w!,
      ),
    [f64([4, 2], 13)],
  );
  check((x) => x!.triu(-1).add(x!.tril(1)), [f64([2, 3, 3], 14)]);
});

test("indexing: float64 gradcheck of the joining ops", () => {
  check((a, b) => nb.cat([a!, b!, nb.zeros([0])], -1), [f64([2, 1], 20), f64([2, 2], 21)]);
  check((a, b) => nb.stack([a!, b!], 1), [f64([2, 2], 22), f64([2, 2], 23)]);
  check((x) => x!.split([1, 2], 1), [f64([2, 3], 24)]);
  check((x) => x!.chunk(2, 0).concat(x!.unbind(1)), [f64([3, 2], 25)]);
  check((x) => nb.pad(x!, [1, -1, -1, 2], { value: 3 }), [f64([2, 3], 26)]);
  check((x) => nb.pad(x!, [2, 1], { mode: "reflect" }), [f64([2, 3], 27)]);
  check((x) => nb.pad(x!, [1, 2], { mode: "replicate" }), [f64([2, 2], 28)]);
  check((x) => nb.pad(x!, [2, 0, 1, 1], { mode: "circular" }), [f64([2, 2], 29)]);
});

const throwsMsg = (fn: () => unknown, cls: new (...a: never[]) => Error, msg: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal((e as Error).message, msg);
    return true;
  });

test("indexing: index errors name the op, the index and the dim size", () => {
  const x = nb.zeros([2, 5]);
  throwsMsg(
    () => x.indexSelect(1, ix([1, 5])),
    RangeError,
    "indexSelect: index 5 is out of bounds for dim 1 of size 5",
  );
  throwsMsg(
    () => x.indexSelect(0, ix([-1])),
    RangeError,
    "indexSelect: index -1 is out of bounds for dim 0 of size 2",
  );
  throwsMsg(() => x.gather(1, ix([[7]])), RangeError, "gather: index 7 is out of bounds for dim 1 of size 5");
  throwsMsg(
    () => x.scatterAdd(0, ix([[2]]), nb.ones([1, 1])),
    RangeError,
    "scatterAdd: index 2 is out of bounds for dim 0 of size 2",
  );
  throwsMsg(
    () => nb.embedding(ix([0, 10]), nb.zeros([10, 3])),
    RangeError,
    "embedding: index 10 is out of bounds for dim 0 of size 10",
  );
  throwsMsg(() => x.take(ix([-11])), RangeError, "take: index -11 is out of bounds for dim 0 of size 10");
  throwsMsg(
    () => nb.oneHot(ix([0, 3]), 3),
    RangeError,
    "oneHot: class value 3 is out of range for numClasses 3",
  );
  throwsMsg(() => nb.oneHot(ix([-1])), RangeError, "oneHot: class values must be non-negative, got -1");
});

test("indexing: dtype and shape errors", () => {
  const x = nb.zeros([2, 3]);
  throwsMsg(
    () => x.indexSelect(0, nb.tensor([0.0, 1.5])),
    nb.NablaError,
    "indexSelect: index must be an int32 tensor, got float32",
  );
  throwsMsg(
    () => x.indexSelect(0, ix([[0]])),
    nb.ShapeError,
    "indexSelect: index must be 1-D (or 0-d), got shape [1,1]",
  );
  throwsMsg(
    () => x.gather(1, ix([0])),
    nb.ShapeError,
    "gather: index [1] must have as many dims as the input [2,3]",
  );
  throwsMsg(
    () => x.gather(1, ix([[0], [0], [0]])),
    nb.ShapeError,
    "gather: index [3,1] is larger than the input [2,3] in dim 0 (3 > 2); only dim 1 may be larger",
  );
  throwsMsg(
    () => x.scatterAdd(1, ix([[0]]), nb.ones([1, 1], { dtype: "float64" })),
    nb.NablaError,
    "scatterAdd: src is float64 but the input is float32; convert one of them with .to()",
  );
  throwsMsg(
    () => x.scatterAdd(1, ix([[0, 1]]), nb.ones([1, 1])),
    nb.ShapeError,
    "scatterAdd: index [1,2] is larger than the src [1,1] in dim 1 (2 > 1)",
  );
  throwsMsg(
    () => x.maskedFill(nb.ones([2, 3]), 0),
    nb.NablaError,
    "maskedFill: mask must be a bool tensor, got float32; compare first (x.gt(0))",
  );
  throwsMsg(
    () => x.maskedFill(nb.tensor([true, false]), 0),
    nb.ShapeError,
    "maskedFill: cannot broadcast [2,3] and [2]: dim -1 has sizes 3 and 2 (sizes must match or one must be 1)",
  );
  throwsMsg(
    () => x.maskedFill(nb.tensor([true, false, true]), nb.zeros([1])),
    nb.ShapeError,
    "maskedFill: value must be a number or a 0-d tensor, got shape [1]",
  );
  throwsMsg(
    () => nb.embedding(ix([0]), nb.zeros([3])),
    nb.ShapeError,
    "embedding: weight must be 2-D [numEmbeddings, embeddingDim], got [3]",
  );
  throwsMsg(
    () => nb.embedding(nb.zeros([2]), nb.zeros([3, 2])),
    nb.NablaError,
    "embedding: indices must be an int32 tensor, got float32",
  );
  throwsMsg(
    () => nb.oneHot(nb.ones([1])),
    nb.NablaError,
    "oneHot: indices must be an int32 tensor, got float32",
  );
  throwsMsg(
    () => nb.oneHot(ix([])),
    nb.NablaError,
    "oneHot: cannot infer the number of classes from an empty tensor; pass numClasses",
  );
  throwsMsg(
    () => nb.zeros([3]).triu(),
    nb.ShapeError,
    "triu: needs at least 2 dims (matrices in the last two), got shape [3]",
  );
});

test("joining: cat, stack, split, chunk and pad errors name the shapes and the rule", () => {
  const a = nb.zeros([2, 3]);
  throwsMsg(
    () => nb.cat([a, nb.zeros([2, 4])]),
    nb.ShapeError,
    "cat: cannot concatenate [2,3] and [2,4] along dim 0: dim 1 differs (3 vs 4); all dims but the cat dim must match",
  );
  throwsMsg(
    () => nb.cat([a, nb.zeros([2, 3, 1])], 1),
    nb.ShapeError,
    "cat: tensors must have the same number of dims, got [2,3] and [2,3,1]",
  );
  throwsMsg(() => nb.cat([]), nb.NablaError, "cat: expects a non-empty list of tensors");
  throwsMsg(
    () => nb.cat([nb.tensor(1), nb.tensor(2)]),
    nb.ShapeError,
    "cat: entry 0 is 0-d and cannot be concatenated; unsqueeze it (or use stack)",
  );
  throwsMsg(
    () => nb.cat([a, a], 2),
    nb.ShapeError,
    "cat: dim 2 is out of range for a tensor of 2 dims (expected -2..1)",
  );
  throwsMsg(
    () => nb.stack([a, nb.zeros([3, 2])]),
    nb.ShapeError,
    "stack: expects every tensor to have the same shape, but got [2,3] at entry 0 and [3,2] at entry 1",
  );
  throwsMsg(
    () => nb.stack([a], 3),
    nb.ShapeError,
    "stack: dim 3 is out of range for a tensor of 3 dims (expected -3..2)",
  );
  throwsMsg(
    () => a.split([1, 1], 1),
    nb.ShapeError,
    "split: section sizes [1,1] sum to 2, but dim 1 has size 3",
  );
  throwsMsg(
    () => a.split(0),
    nb.NablaError,
    "split: splitSize can be 0 only when the dim is empty, but dim 0 has size 2",
  );
  throwsMsg(() => a.chunk(0), nb.NablaError, "chunk: chunks must be a positive integer, got 0");
  throwsMsg(() => nb.pad(a, [1]), nb.NablaError, "pad: pad must hold (before, after) pairs, got 1 values");
  throwsMsg(
    () => nb.pad(a, [0, 0, 0, 0, 1, 1]),
    nb.ShapeError,
    "pad: 3 pairs pad more dims than the input [2,3] has",
  );
  throwsMsg(
    () => nb.pad(a, [-2, -2]),
    nb.ShapeError,
    "pad: dim 1 of size 3 padded by (-2, -2) would have negative size -1",
  );
  throwsMsg(
    () => nb.pad(a, [3, 0], { mode: "reflect" }),
    nb.ShapeError,
    "pad: reflect padding (3, 0) of dim 1 (size 3): each pad must be smaller than the dim",
  );
  throwsMsg(
    () => nb.pad(a, [4, 0], { mode: "circular" }),
    nb.ShapeError,
    "pad: circular padding (4, 0) of dim 1 (size 3): a pad may not wrap around more than once",
  );
  throwsMsg(
    () => nb.pad(a, [1, 1], { mode: "wrap" as nb.PadMode }),
    nb.NablaError,
    "pad: unknown mode 'wrap'; expected constant, reflect, replicate or circular",
  );
});

test("indexing: behaviour beyond the fixtures", () => {
  // scatter with repeated indices writes the mean of the competing values (PyTorch: unspecified)
  const s = nb.zeros([2, 2]).scatter(
    0,
    ix([
      [0, 1],
      [0, 1],
    ]),
    nb.tensor(
      [
        [1, 4],
        [3, 4],
      ],
      { dtype: "float32" },
    ),
  );
  assert.deepEqual(s.tolist(), [
    [2, 0],
    [0, 4],
  ]);
  // split pieces are views; pad can crop to an empty dim (PyTorch ≥ 2 allows size 0)
  const x = nb.arange(6).reshape(2, 3);
  assert.deepEqual(
    x.split(2, 1).map((p) => p.shape),
    [
      [2, 2],
      [2, 1],
    ],
  );
  assert.deepEqual(nb.pad(x, [-3, 0]).shape, [2, 0]);
  // indices are never differentiated; an int input gathers without a graph
  const w = nb.ones([3, 2], { requiresGrad: true });
  const idx = ix([2, 2]);
  nb.embedding(idx, w).sum().backward();
  assert.deepEqual(w.grad!.tolist(), [
    [0, 0],
    [0, 0],
    [2, 2],
  ]);
  assert.equal(idx.grad, null);
  // oneHot of a 0-d index, and maskedFill keeps x's dtype (the value is cast)
  assert.deepEqual(nb.oneHot(nb.tensor(1), 3).tolist(), [0, 1, 0]);
  assert.deepEqual(
    nb
      .tensor([1, 2])
      .maskedFill(nb.tensor([true, false]), 7.9)
      .tolist(),
    [7, 2],
  );
  // every dim of size 1 and a triangle of a batch of 1×1 matrices
  assert.deepEqual(nb.ones([2, 1, 1]).tril(-1).tolist(), [[[0]], [[0]]]);
});
