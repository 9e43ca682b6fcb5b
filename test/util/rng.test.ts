// The seedable generator: determinism, independence of seeds, ranges, and state save/restore.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, defaultGenerator, manualSeed } from "../../src/util/rng.js";

const draws = (g: Generator, n: number, f: (g: Generator) => number) => Array.from({ length: n }, () => f(g));

test("the same seed gives the same stream; nearby seeds give different ones", () => {
  assert.deepEqual(
    draws(new Generator(5), 10, (g) => g.nextUint32()),
    draws(new Generator(5), 10, (g) => g.nextUint32()),
  );
  assert.notDeepEqual(
    draws(new Generator(5), 4, (g) => g.random()),
    draws(new Generator(6), 4, (g) => g.random()),
  );
  assert.notDeepEqual(
    draws(new Generator(0), 4, (g) => g.random()),
    draws(new Generator(2 ** 32), 4, (g) => g.random()),
  );
  const g = new Generator(9);
  const a = draws(g, 3, (x) => x.normal());
  g.manualSeed(9);
  assert.deepEqual(
    draws(g, 3, (x) => x.normal()),
    a,
    "manualSeed restarts the stream and drops the spare normal",
  );
});

test("random() is in [0, 1), integer() in [low, high), normals look standard", () => {
  const g = new Generator(123);
  const u = draws(g, 20000, (x) => x.random());
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const buckets = new Array<number>(10).fill(0);
  for (const v of u) buckets[Math.floor(v * 10)]!++;
  assert.ok(
    buckets.every((c) => Math.abs(c - 2000) < 200),
    `uniform buckets ${buckets}`,
  );
  const k = draws(g, 5000, (x) => x.integer(-3, 4));
  assert.deepEqual(
    [...new Set(k)].sort((p, q) => p - q),
    [-3, -2, -1, 0, 1, 2, 3],
  );
  const n = draws(g, 20000, (x) => x.normal());
  const m = n.reduce((s, v) => s + v, 0) / n.length;
  const sd = Math.sqrt(n.reduce((s, v) => s + (v - m) ** 2, 0) / n.length);
  assert.ok(Math.abs(m) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${m} sd ${sd}`);
});

test("getState/setState resumes exactly, and the state is a copy", () => {
  const g = new Generator(77);
  g.normal(); // leaves a spare normal in the state
  const s = g.getState();
  assert.notEqual(s.spare, null);
  const rest = draws(g, 6, (x) => x.normal());
  const h = new Generator().setState(s);
  assert.deepEqual(
    draws(h, 6, (x) => x.normal()),
    rest,
  );
  s.s[0] = 0;
  assert.deepEqual(
    draws(new Generator(77), 1, (x) => x.normal()),
    draws(new Generator(77), 1, (x) => x.normal()),
  );
  assert.deepEqual(JSON.parse(JSON.stringify(h.getState())), h.getState(), "the state survives JSON");
});

test("manualSeed reseeds the default generator", () => {
  assert.equal(manualSeed(1), defaultGenerator);
  const a = defaultGenerator.random();
  manualSeed(1);
  assert.equal(defaultGenerator.random(), a);
});
