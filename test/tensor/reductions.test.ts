// Reductions against PyTorch fixtures (scripts/fixtures/reductions.py): sums, products, max/min,
// arg*, var/std, logsumexp, softmax, norms, scans and boolean reductions, forward values and
// gradients, contiguous and strided inputs; plus error messages and float64 gradchecks.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { replayFixtures } from "../helpers/fixtures.js";

const pair = (r: nb.ValuesIndices) => [r.values, r.indices];

replayFixtures("reductions", {
  sum: (a) => a!.sum(),
  sumDims: (a) => a!.sum([0, 2], { keepdim: true }),
  sumMid: (a) => a!.sum(1),
  sumNeg: (a) => a!.sum(-1),
  sum0: (a) => a!.sum(0),
  sumExpanded: (a) => a!.expand(3, 2, 4).sum(0),
  mean: (a) => a!.mean(),
  meanDims: (a) => a!.mean([0, -1], { keepdim: true }),
  mean1: (a) => a!.mean(1),
  prod: (a) => a!.prod(),
  prod1: (a) => a!.prod(1),
  prod0Keep: (a) => a!.prod(0, { keepdim: true }),
  max: (a) => a!.max(),
  min: (a) => a!.min(),
  max1: (a) => pair(a!.max(1)),
  max0Keep: (a) => pair(a!.max(0, { keepdim: true })),
  minNeg: (a) => pair(a!.min(-1)),
  maxOther: (a, b) => a!.max(b!),
  minOther: (a, b) => nb.min(a!, b!),
  amax: (a) => a!.amax([0, 2]),
  amaxKeep: (a) => nb.amax(a!, -1, { keepdim: true }),
  amin: (a) => a!.amin(),
  argmax: (a) => a!.argmax(),
  argmax1: (a) => a!.argmax(1),
  argmaxKeep: (a) => a!.argmax(undefined, { keepdim: true }),
  argmin0Keep: (a) => nb.argmin(a!, 0, { keepdim: true }),
  argmin: (a) => a!.argmin(),
  var: (a) => a!.var(),
  var1: (a) => a!.var(1),
  varDimsKeep: (a) => nb.var(a!, [0, 2], { keepdim: true }),
  varC0: (a) => a!.var(-1, { correction: 0 }),
  varC2: (a) => a!.var(0, { correction: 2 }),
  varBiased: (a) => a!.var(0, { unbiased: false }),
  std: (a) => a!.std(),
  std1: (a) => a!.std(1),
  stdC0Keep: (a) => a!.std(0, { correction: 0, keepdim: true }),
  varMean: (a) => nb.varMean(a!, 1),
  stdMean: (a) => nb.stdMean(a!, [0, 1], { keepdim: true }),
  logsumexp1: (a) => a!.logsumexp(1),
  logsumexpDimsKeep: (a) => nb.logsumexp(a!, [0, 2], { keepdim: true }),
  softmax: (a) => nb.softmax(a!, -1),
  softmax0: (a) => a!.softmax(0),
  softmax1: (a) => a!.softmax(1),
  softmaxDtype: (a) => a!.softmax(1, { dtype: "float64" }),
  logSoftmax: (a) => nb.logSoftmax(a!, -1),
  logSoftmax0: (a) => a!.logSoftmax(0),
  norm: (a) => a!.norm(),
  norm2Dim: (a) => a!.norm(2, 1),
  norm1Dim: (a) => a!.norm(1, -1, { keepdim: true }),
  normInf: (a) => a!.norm(Infinity, 1),
  normNegInf: (a) => nb.norm(a!, -Infinity, 0),
  norm3: (a) => a!.norm(3, [0, 1]),
  norm05: (a) => a!.norm(0.5, 1),
  norm0: (a) => a!.norm(0, 1),
  normFro: (a) => a!.norm("fro"),
  cumsum1: (a) => a!.cumsum(1),
  cumsum0: (a) => nb.cumsum(a!, 0),
  cumsumNeg: (a) => a!.cumsum(-1),
  cumprod1: (a) => a!.cumprod(1),
  cumprod0: (a) => nb.cumprod(a!, 0),
  all1: (a) => a!.all(1),
  any1: (a) => nb.any(a!, 1),
  countNonzero: (a) => a!.countNonzero(),
  countNonzero0: (a) => nb.countNonzero(a!, 0),
});

const f64 = (shape: number[], seed: number) =>
  nb.randn(shape, { dtype: "float64", generator: new nb.Generator(seed) }).requiresGrad_();

test("reductions: float64 gradients match central differences", () => {
  const x = f64([3, 4], 1);
  const x3 = f64([2, 3, 2], 2);
  const checks: [string, (t: nb.Tensor) => nb.Tensor][] = [
    ["prod", (t) => t.prod(1)],
    ["max(dim)", (t) => t.max(1).values],
    ["amin", (t) => t.amin([0, -1])],
    ["var", (t) => t.var([0, -1], { keepdim: true })],
    ["std", (t) => t.std(0, { correction: 0 })],
    ["logsumexp", (t) => t.logsumexp(-1)],
    ["softmax", (t) => t.softmax(1)],
    ["logSoftmax", (t) => t.logSoftmax(0)],
    ["norm", (t) => t.norm(3, -1)],
    ["cumsum", (t) => t.cumsum(1)],
    ["cumprod", (t) => t.cumprod(-1)],
  ];
  for (const [name, fn] of checks)
    for (const input of [x, x3]) {
      const r = nb.gradcheck(fn, [input]);
      assert.ok(r.ok, `${name} on ${JSON.stringify(input.shape)}`);
    }
  // cumprod through zeros: the exact gradient, with no division by the zero
  const z = nb.tensor([[0.5, 0, 2, 0, 1.5]], { dtype: "float64" }).requiresGrad_();
  assert.ok(nb.gradcheck((t) => t.cumprod(1), [z]).ok);
  assert.ok(
    nb.gradcheck((t) => t.prod(1), [nb.tensor([[0.5, 0, 2]], { dtype: "float64" }).requiresGrad_()]).ok,
  );
});

test("max/min along a dim destructure as an array or an object", () => {
  const x = nb.tensor([
    [1, 5, 5],
    [7, 0, 2],
  ]);
  const [values, indices] = x.max(1);
  assert.deepEqual(values!.tolist(), [5, 7]);
  assert.deepEqual(indices!.tolist(), [1, 0]);
  assert.equal(indices!.dtype, "int32");
  const r = x.min(0, { keepdim: true });
  assert.ok(r instanceof nb.ValuesIndices);
  assert.deepEqual(r.values.tolist(), [[1, 0, 2]]);
  assert.deepEqual(r.indices.tolist(), [[0, 1, 1]]);
  assert.deepEqual(x.max(nb.tensor([3, 3, 3])).tolist(), [
    [3, 5, 5],
    [7, 3, 3],
  ]);
});

test("reductions: errors name the op, the shape and the rule", () => {
  const empty = nb.zeros([2, 0]);
  assert.throws(
    () => empty.max(1),
    (e: Error) =>
      e instanceof nb.ShapeError &&
      e.message === "max: cannot reduce dim 1 of size 0 (input shape [2,0]): an empty reduction has no max",
  );
  assert.throws(
    () => empty.amin(),
    /^ShapeError: amin: cannot reduce dim 1 of size 0 \(input shape \[2,0\]\)/,
  );
  assert.throws(() => empty.argmax(-1), /argmax: cannot reduce dim 1 of size 0/);
  assert.throws(
    () => nb.zeros([0, 3]).max(),
    /max: cannot reduce an empty tensor \(shape \[0,3\]\) over all dims; give a dim of nonzero size/,
  );
  assert.throws(() => nb.zeros([0]).argmin(), /argmin: cannot reduce an empty tensor/);
  assert.throws(() => nb.zeros([3, 0]).norm(Infinity, 1), /norm: cannot reduce dim 1 of size 0/);
  assert.throws(() => nb.zeros([2, 3]).sum(2), /sum: dim 2 is out of range for a tensor of 2 dims/);
  assert.throws(() => nb.zeros([2, 3]).amax([1, -1]), /amax: dim \[1,-1\] repeats a dim/);
  assert.throws(() => nb.zeros([2, 3]).max(-3), /max: dim -3 is out of range/);
  const ints = nb.tensor([1, 2, 3]);
  assert.throws(() => ints.mean(), /mean: needs a floating-point input, got int32/);
  assert.throws(() => ints.var(), /var: needs a floating-point input, got int32/);
  assert.throws(() => ints.std(), /std: needs a floating-point input, got int32/);
  assert.throws(() => ints.norm(), /norm: needs a floating-point input, got int32/);
  assert.throws(() => ints.softmax(0), /softmax: needs a floating-point input, got int32/);
  assert.throws(() => ints.logSoftmax(0), /logSoftmax: needs a floating-point input, got int32/);
  assert.throws(
    () => nb.ones([3]).var(0, { correction: 1, unbiased: true }),
    /var: give correction or unbiased, not both/,
  );
});

test("reductions: dtypes follow PyTorch (int64 → int32)", () => {
  const b = nb.tensor([true, false, true]);
  assert.equal(b.sum().dtype, "int32");
  assert.equal(b.prod().dtype, "int32");
  assert.equal(b.cumsum(0).dtype, "int32");
  assert.equal(b.max().dtype, "bool");
  assert.equal(b.all().dtype, "bool");
  assert.equal(nb.tensor([1, 2]).argmax().dtype, "int32");
  assert.equal(nb.tensor([1, 2]).logsumexp(0).dtype, "float32");
  assert.equal(nb.ones([2], { dtype: "float64" }).softmax(0).dtype, "float64");
});

test("reductions: the reference kernel agrees across layouts and reduction orders", () => {
  // inner (last dim) and outer (leading dims) kernel paths, on views with negative and zero strides
  const x = nb.randn([4, 5, 6], { dtype: "float64", generator: new nb.Generator(3) });
  const v = x.dataSync();
  const at = (i: number, j: number, k: number) => v[i * 30 + j * 6 + k]!;
  for (const dims of [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]) {
    const s = x.sum(dims).dataSync();
    // a view with negative strides and reversed dims must agree with its contiguous copy
    const view = x.flip([0, 2]).permute(2, 1, 0);
    const vd = dims.map((d) => 2 - d);
    const fromView = [
      ...view.sum(vd).dataSync(),
      ...view.amax(vd).dataSync(),
      ...view.argmin(vd[0]).dataSync(),
    ];
    const c = view.contiguous();
    const fromCopy = [...c.sum(vd).dataSync(), ...c.amax(vd).dataSync(), ...c.argmin(vd[0]).dataSync()];
    fromView.forEach((q, i) =>
      assert.ok(Math.abs(q - fromCopy[i]!) < 1e-12, `view ${JSON.stringify(dims)} [${i}]`),
    );
    const m = x.amax(dims).dataSync();
    let n = 0;
    // brute force over the kept positions in row-major order
    const kept = [0, 1, 2].filter((d) => !dims.includes(d));
    const sizes = [4, 5, 6];
    const keptSizes = kept.map((d) => sizes[d]!);
    const total = keptSizes.reduce((p, q) => p * q, 1);
    for (let o = 0; o < total; o++) {
      const idx = [0, 0, 0];
      let rem = o;
      for (let k = kept.length - 1; k >= 0; k--) {
        idx[kept[k]!] = rem % keptSizes[k]!;
        rem = Math.floor(rem / keptSizes[k]!);
      }
      let acc = 0;
      let best = -Infinity;
      const walk = (d: number): void => {
        if (d === 3) {
          const val = at(idx[0]!, idx[1]!, idx[2]!);
          acc += val;
          best = Math.max(best, val);
          return;
        }
        if (!dims.includes(d)) return walk(d + 1);
        for (let i = 0; i < sizes[d]!; i++) {
          idx[d] = i;
          walk(d + 1);
        }
      };
      walk(0);
      assert.ok(Math.abs(s[o]! - acc) < 1e-12, `sum ${JSON.stringify(dims)} at ${o}`);
      assert.equal(m[o], best, `amax ${JSON.stringify(dims)} at ${o}`);
      n++;
    }
    assert.equal(n, s.length);
  }
  const col = nb.tensor([[1], [2], [3]], { dtype: "float32" }).expand(3, 4);
  assert.deepEqual(col.sum(0).tolist(), [6, 6, 6, 6]);
  assert.deepEqual(col.argmax(0).tolist(), [2, 2, 2, 2]);
  assert.deepEqual(col.argmin(1).tolist(), [0, 0, 0]);
});

test("softmax over the last dim of [128, 1000] float32 is fast enough", () => {
  const x = nb.randn([128, 1000], { generator: new nb.Generator(5) });
  x.softmax(-1); // warm up
  const t0 = performance.now();
  const y = x.softmax(-1);
  const ms = performance.now() - t0;
  const rowSums = y.sum(-1).dataSync();
  assert.ok(rowSums.every((s) => Math.abs(s - 1) < 1e-5));
  // a loose bound: tens of ms would mean a per-element slow path crept in
  assert.ok(ms < 100, `softmax took ${ms.toFixed(1)} ms`);
});
