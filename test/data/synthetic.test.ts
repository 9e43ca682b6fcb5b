// Synthetic 2-D sets: shapes and dtypes, the geometry of each set without noise, class balance,
// seeded reproducibility, and argument checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import {
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpirals,
  makeXor,
  type Synthetic2D,
} from "../../src/data/index.js";

function points({ x, y }: Synthetic2D): [number, number, number][] {
  const xs = x.dataSync();
  return [...y.dataSync()].map((label, i) => [xs[2 * i]!, xs[2 * i + 1]!, label]);
}
const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) < tol;
const counts = (d: Synthetic2D, k: number) => {
  const c = Array<number>(k).fill(0);
  for (const v of d.y.dataSync()) c[v]!++;
  return c;
};

test("every set: x float32 [n, 2], y int32 [n], same seed same data, other seed other data", () => {
  const makers = [makeMoons, makeCircles, makeSpirals, makeBlobs, makeXor];
  for (const make of makers) {
    const d = make(101, { noise: 0.1, seed: 5 });
    assert.equal(d.x.dtype, "float32", make.name);
    assert.deepEqual(d.x.shape, [101, 2], make.name);
    assert.equal(d.y.dtype, "int32", make.name);
    assert.deepEqual(d.y.shape, [101], make.name);
    assert.deepEqual(make(101, { noise: 0.1, seed: 5 }).x.dataSync(), d.x.dataSync(), make.name);
    assert.notDeepEqual(make(101, { noise: 0.1, seed: 6 }).x.dataSync(), d.x.dataSync(), make.name);
    assert.deepEqual(
      make(101, { noise: 0.1, generator: new nb.Generator(5) }).x.dataSync(),
      d.x.dataSync(),
      make.name,
    );
    assert.deepEqual(make(0).x.shape, [0, 2], make.name);
  }
});

test("moons: two half circles, labels 0 (upper) and 1 (lower, shifted), shuffled", () => {
  const d = makeMoons(200, { seed: 1 });
  assert.deepEqual(counts(d, 2), [100, 100]);
  for (const [a, b, label] of points(d))
    if (label === 0) assert.ok(close(a * a + b * b, 1) && b >= -1e-6);
    else assert.ok(close((a - 1) ** 2 + (b - 0.5) ** 2, 1) && b <= 0.5 + 1e-6);
  const labels = [...d.y.dataSync()];
  assert.notDeepEqual(labels, [...labels].sort()); // shuffled
  const grouped = [...makeMoons(6, { shuffle: false }).y.dataSync()];
  assert.deepEqual(grouped, [0, 0, 0, 1, 1, 1]);
  assert.equal(counts(makeMoons(7, { seed: 1 }), 2)[1], 4); // the odd point goes to the inner moon
});

test("circles: radius 1 (label 0) and radius factor (label 1)", () => {
  const d = makeCircles(100, { factor: 0.3, seed: 2 });
  assert.deepEqual(counts(d, 2), [50, 50]);
  for (const [a, b, label] of points(d)) assert.ok(close(Math.hypot(a, b), label === 0 ? 1 : 0.3));
  assert.throws(() => makeCircles(10, { factor: 1 }), /factor must be in \[0, 1\), got 1/);
});

test("spirals: k balanced arms inside the unit disc", () => {
  const d = makeSpirals(301, { classes: 3, seed: 3 });
  assert.deepEqual(counts(d, 3), [101, 100, 100]);
  for (const [a, b] of points(d)) assert.ok(Math.hypot(a, b) <= 1 + 1e-6);
  assert.throws(() => makeSpirals(10, { classes: 0 }), /classes must be a positive integer, got 0/);
});

test("blobs: points gather around their centers", () => {
  const centers = [
    [-5, 0],
    [5, 5],
  ];
  const d = makeBlobs(2000, { centers, std: 0.5, seed: 4 });
  assert.deepEqual(counts(d, 2), [1000, 1000]);
  const sums = centers.map(() => [0, 0]);
  for (const [a, b, label] of points(d)) {
    sums[label]![0]! += a / 1000;
    sums[label]![1]! += b / 1000;
  }
  sums.forEach((m, j) =>
    assert.ok(close(m[0]!, centers[j]![0]!, 0.1) && close(m[1]!, centers[j]![1]!, 0.1), `${m}`),
  );
  assert.deepEqual(counts(makeBlobs(10, { centers: 4, seed: 1 }), 4), [3, 3, 2, 2]);
  assert.throws(
    () => makeBlobs(10, { centers: [[1]] }),
    /centers must be a non-empty list of \[x, y\] pairs/,
  );
  assert.throws(() => makeBlobs(10, { std: -1 }), /std must be non-negative/);
});

test("xor: label 1 exactly where the coordinates' signs differ", () => {
  const d = makeXor(500, { seed: 5 });
  for (const [a, b, label] of points(d)) {
    assert.ok(Math.abs(a) <= 1 && Math.abs(b) <= 1);
    assert.equal(label, a > 0 !== b > 0 ? 1 : 0);
  }
  const [c0, c1] = counts(d, 2);
  assert.ok(c0! > 200 && c1! > 200);
});

test("noise moves points off the clean curves; arguments are checked", () => {
  const noisy = makeCircles(100, { noise: 0.2, seed: 1 });
  assert.ok(points(noisy).some(([a, b, label]) => !close(Math.hypot(a, b), label === 0 ? 1 : 0.8, 1e-3)));
  assert.throws(() => makeMoons(-1), /makeMoons: n must be a non-negative integer, got -1/);
  assert.throws(() => makeMoons(2.5), /n must be a non-negative integer/);
  assert.throws(() => makeMoons(10, { noise: -0.1 }), /noise must be a finite non-negative number/);
  assert.throws(
    () => makeXor(10, { seed: 1, generator: new nb.Generator(1) }),
    /a seed or a generator, not both/,
  );
});
