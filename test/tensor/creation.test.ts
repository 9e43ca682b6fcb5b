// Creation functions: nested and typed arrays with PyTorch's dtype inference (int64 → int32),
// filled tensors, ranges, random draws from seedable generators, and reading values back.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

test("tensor() infers dtype and shape from nested arrays", () => {
  const cases: [nb.NestedArray, nb.DType, number[]][] = [
    [
      [
        [1, 2],
        [3, 4],
      ],
      "int32",
      [2, 2],
    ],
    [[1, 2.5], "float32", [2]],
    [[true, false], "bool", [2]],
    [[true, 2], "int32", [2]],
    [[NaN, 1], "float32", [2]],
    [[Infinity], "float32", [1]],
    [5, "int32", []],
    [2.5, "float32", []],
    [true, "bool", []],
    [[], "float32", [0]],
    [[[]], "float32", [1, 0]],
  ];
  for (const [data, dtype, shape] of cases) {
    const t = nb.tensor(data);
    assert.equal(t.dtype, dtype, JSON.stringify(data));
    assert.deepEqual(t.shape, shape, JSON.stringify(data));
  }
  assert.deepEqual(
    nb
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .tolist(),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.deepEqual(nb.tensor([true, false]).tolist(), [true, false]);
  assert.deepEqual(nb.tensor([1, 2], { dtype: "float64" }).dtype, "float64");
});

test("tensor() rejects ragged arrays, bad elements and ints beyond int32", () => {
  assert.throws(
    () => nb.tensor([[1, 2], [3]]),
    /tensor: ragged nested array: expected a list of length 2 at depth 1/,
  );
  assert.throws(() => nb.tensor([[1, 2], 3] as nb.NestedArray), /tensor: ragged nested array/);
  assert.throws(
    () => nb.tensor([1, [2]] as nb.NestedArray),
    /tensor: expected a number or boolean at depth 1, got an array/,
  );
  assert.throws(
    () => nb.tensor(["a"] as unknown as nb.NestedArray),
    /tensor: expected a number or boolean at depth 1, got string/,
  );
  assert.throws(() => nb.tensor([3e9]), /tensor: 3000000000 does not fit in int32 \(nabla has no int64\)/);
  assert.equal(nb.tensor([3e9], { dtype: "float64" }).item(), 3e9);
  assert.throws(
    () => nb.tensor([1], { dtype: "int64" as nb.DType }),
    /tensor: unknown dtype int64; expected one of/,
  );
});

test("typed arrays keep their dtype; fromArray reshapes", () => {
  assert.equal(nb.tensor(new Float64Array([1, 2])).dtype, "float64");
  assert.equal(nb.tensor(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(nb.tensor(new Uint8Array([1, 0])).dtype, "bool");
  assert.equal(nb.tensor(new Float32Array([1, 2]), { dtype: "float64" }).dtype, "float64");
  assert.throws(() => nb.tensor(new Int16Array(2) as never), /tensor: unsupported typed array Int16Array/);
  const t = nb.fromArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  assert.deepEqual(t.tolist(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.throws(() => nb.fromArray([1, 2, 3], [2, 2]), /tensor: 3 values cannot fill shape \[2,2\]/);
  assert.throws(() => nb.fromArray([1], [-1]), /fromArray: shape \[-1\] must hold non-negative integers/);
  const copy = nb.tensor(t);
  assert.deepEqual(copy.tolist(), t.tolist());
  assert.notEqual(copy.array.buf, t.array.buf);
});

test("zeros, ones, full, eye and the *Like variants", () => {
  assert.deepEqual(nb.zeros([2, 2]).tolist(), [
    [0, 0],
    [0, 0],
  ]);
  assert.equal(nb.zeros([2]).dtype, "float32");
  assert.equal(nb.ones([2], { dtype: "int32" }).dtype, "int32");
  assert.deepEqual(nb.ones([0, 3]).shape, [0, 3]);
  assert.equal(nb.full([2], 3).dtype, "int32");
  assert.equal(nb.full([2], 3.5).dtype, "float32");
  assert.deepEqual(nb.full([2], true).tolist(), [true, true]);
  assert.throws(() => nb.full([2], "x" as never), /full: value must be a number or boolean, got string/);
  assert.throws(() => nb.zeros([2, 1.5]), /full: shape \[2,1.5\] must hold non-negative integers/);
  assert.deepEqual(nb.eye(2).tolist(), [
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(nb.eye(2, 3).tolist(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(nb.eye(2, { dtype: "bool" }).tolist(), [
    [true, false],
    [false, true],
  ]);
  const x = nb.tensor([[1.5, 2]], { dtype: "float64" });
  for (const [t, v] of [
    [nb.zerosLike(x), 0],
    [nb.onesLike(x), 1],
    [nb.fullLike(x, 7), 7],
  ] as const) {
    assert.equal(t.dtype, "float64");
    assert.deepEqual(t.shape, [1, 2]);
    assert.deepEqual(Array.from(t.dataSync()), [v, v]);
  }
  assert.equal(nb.zerosLike(x, { dtype: "int32" }).dtype, "int32");
  assert.equal(nb.onesLike(nb.ones([1], { requiresGrad: true })).requiresGrad, false);
  assert.equal(nb.zeros([2], { requiresGrad: true }).requiresGrad, true);
});

test("arange and linspace follow torch.arange / torch.linspace", () => {
  assert.deepEqual(nb.arange(5).tolist(), [0, 1, 2, 3, 4]);
  assert.equal(nb.arange(5).dtype, "int32");
  assert.deepEqual(nb.arange(2, 8, 3).tolist(), [2, 5]);
  assert.deepEqual(nb.arange(5, 0, -2).tolist(), [5, 3, 1]);
  assert.equal(nb.arange(0, 1, 0.25).dtype, "float32");
  assert.deepEqual(nb.arange(0, 1, 0.25).tolist(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(nb.arange(0, 0.3, 0.1).shape, [3]);
  assert.equal(nb.arange(3, { dtype: "float64" }).dtype, "float64");
  assert.deepEqual(nb.arange(1, 3, { dtype: "float64" }).tolist(), [1, 2]);
  assert.deepEqual(nb.arange(0).shape, [0]);
  assert.throws(() => nb.arange(0, 5, 0), /arange: step must be nonzero/);
  assert.throws(() => nb.arange(0, 5, -1), /arange: the range from 0 to 5 runs against the sign of step -1/);
  assert.throws(() => nb.arange(Infinity), /arange: start, end and step must be finite/);
  // torch.linspace(0, 1, 7) in float32
  const want = [
    0.0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1.0,
  ];
  Array.from(nb.linspace(0, 1, 7).dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-7));
  assert.equal(nb.linspace(-2, 3, 4).dataSync()[3], 3);
  assert.deepEqual(nb.linspace(2, 5, 1).tolist(), [2]);
  assert.deepEqual(nb.linspace(2, 5, 0).shape, [0]);
  assert.throws(() => nb.linspace(0, 1, -1), /linspace: steps must be a non-negative integer, got -1/);
});

test("rand, randn, randint: ranges, dtypes and the *Like variants", () => {
  const g = new nb.Generator(1);
  const u = nb.rand([1000], { generator: g });
  assert.equal(u.dtype, "float32");
  const uv = Array.from(u.dataSync());
  assert.ok(uv.every((v) => v >= 0 && v < 1));
  const mean = uv.reduce((a, b) => a + b, 0) / uv.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05);
  const n = Array.from(nb.randn([4000], { generator: g, dtype: "float64" }).dataSync());
  const m = n.reduce((a, b) => a + b, 0) / n.length;
  const sd = Math.sqrt(n.reduce((a, b) => a + (b - m) ** 2, 0) / n.length);
  assert.ok(Math.abs(m) < 0.06 && Math.abs(sd - 1) < 0.06, `mean ${m}, sd ${sd}`);
  const r = nb.randint(-2, 3, [500], { generator: g });
  assert.equal(r.dtype, "int32");
  assert.deepEqual(
    [...new Set(r.dataSync())].sort((p, q) => p - q),
    [-2, -1, 0, 1, 2],
  );
  assert.ok(Array.from(nb.randint(4, [50], { generator: g }).dataSync()).every((v) => v >= 0 && v < 4));
  assert.throws(() => nb.randint(3, 3, [2]), /randint: high \(3\) must be greater than low \(3\)/);
  assert.throws(() => nb.randint(0, 2.5, [2]), /randint: low and high must be integers/);
  assert.throws(() => nb.rand([2], { dtype: "int32" }), /rand: draws floating-point values; dtype int32/);
  assert.throws(() => nb.randn([2], { dtype: "bool" }), /randn: draws floating-point values; dtype bool/);
  const x = nb.zeros([2, 3], { dtype: "float64" });
  assert.equal(nb.randLike(x).dtype, "float64");
  assert.deepEqual(nb.randnLike(x).shape, [2, 3]);
  assert.equal(nb.randintLike(nb.zeros([2], { dtype: "int32" }), 0, 5).dtype, "int32");
  assert.equal(nb.rand([2], { requiresGrad: true }).requiresGrad, true);
});

test("manualSeed and explicit generators make draws reproducible; getState/setState resumes", () => {
  nb.manualSeed(42);
  const a = nb.randn([5]).tolist();
  nb.manualSeed(42);
  assert.deepEqual(nb.randn([5]).tolist(), a);
  const g1 = new nb.Generator(7);
  const g2 = new nb.Generator(7);
  assert.deepEqual(nb.rand([4], { generator: g1 }).tolist(), nb.rand([4], { generator: g2 }).tolist());
  assert.notDeepEqual(
    nb.rand([4], { generator: new nb.Generator(8) }).tolist(),
    nb.rand([4], { generator: g1 }).tolist(),
  );
  // an explicit generator does not disturb the default one
  nb.manualSeed(3);
  const first = nb.rand([3]).tolist();
  nb.manualSeed(3);
  nb.rand([10], { generator: new nb.Generator(1) });
  assert.deepEqual(nb.rand([3]).tolist(), first);
  // resume mid-stream, including the cached second normal of Box–Muller
  const g = new nb.Generator(11);
  nb.randn([3], { generator: g });
  const state = g.getState();
  const next = nb.randn([5], { generator: g }).tolist();
  const h = new nb.Generator(0).setState(state);
  assert.deepEqual(nb.randn([5], { generator: h }).tolist(), next);
  assert.throws(
    () => nb.rand([2], { generator: {} as nb.Generator }),
    /rand: generator must be an nb.Generator/,
  );
});

test("reading values: item, tolist, dataSync, data()", async () => {
  const t = nb.tensor([
    [1.5, 2],
    [3, 4],
  ]);
  assert.deepEqual(t.tolist(), [
    [1.5, 2],
    [3, 4],
  ]);
  assert.ok(t.dataSync() instanceof Float32Array);
  assert.deepEqual(Array.from(await t.data()), [1.5, 2, 3, 4]);
  assert.deepEqual(Array.from(t.T.dataSync()), [1.5, 3, 2, 4]);
  assert.deepEqual(Array.from(await t.T.data()), [1.5, 3, 2, 4]);
  assert.deepEqual(Array.from(await t.slice(1, 1).data()), [2, 4]);
  assert.equal(nb.tensor([[7]]).item(), 7);
  assert.equal(nb.tensor(true).item(), 1);
  assert.equal(nb.tensor(2.5).tolist(), 2.5);
  assert.throws(() => t.item(), /item: a tensor with 4 elements cannot be converted to a number/);
  // dataSync is a copy: writing to it leaves the tensor alone
  const d = t.dataSync();
  d[0] = 100;
  assert.equal(t.tolist() instanceof Array && (t.tolist() as number[][])[0]![0], 1.5);
});
