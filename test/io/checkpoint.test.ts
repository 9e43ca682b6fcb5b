// Checkpoints and state dicts: tensors plus JSON state (with nested tensors, special numbers and
// RNG state) round-trip exactly so training resumes; bad state and foreign files get clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import {
  CHECKPOINT_STATE_KEY,
  CHECKPOINT_VERSION_KEY,
  loadCheckpoint,
  loadSafetensors,
  loadStateDict,
  saveCheckpoint,
  saveSafetensors,
  saveStateDict,
} from "../../src/io/index.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-ckpt-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(dir, `c${count++}.safetensors`);

test("tensors and nested state round-trip; resuming the RNG continues the same stream", () => {
  const path = fresh();
  const gen = new nb.Generator(42);
  gen.normal(); // leaves a spare normal in the state
  const model = { "fc.weight": nb.randn([3, 2], { generator: gen }), "fc.bias": nb.zeros([3]) };
  const state = {
    step: 1234,
    epoch: 3,
    lr: 0.001,
    best: Infinity,
    worst: -Infinity,
    missing: NaN,
    negZero: -0,
    name: "run ü ✓",
    done: false,
    none: null,
    rng: gen.getState(),
    optimizer: {
      state: [{ step: 5, expAvg: nb.ones([3, 2]), expAvgSq: nb.full([3], 0.5, { dtype: "float64" }) }],
      paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], params: [0, 1] }],
    },
    $weird: { $tensor: "not a marker", $$x: 1 },
    skipped: undefined,
  };
  saveCheckpoint(path, { tensors: model, state });
  const expectedNext = [gen.normal(), gen.random(), gen.nextUint32()];

  const loaded = loadCheckpoint<typeof state>(path);
  assert.deepEqual(Object.keys(loaded.tensors).sort(), ["fc.bias", "fc.weight"]);
  assert.deepEqual(loaded.tensors["fc.weight"]!.dataSync(), model["fc.weight"].dataSync());
  const { optimizer, ...plain } = loaded.state;
  const { optimizer: _o, skipped: _s, ...plainIn } = state;
  assert.deepEqual(plain, plainIn);
  assert.ok(Object.is(loaded.state.negZero, -0));
  assert.equal(optimizer.state[0]!.step, 5);
  assert.deepEqual(optimizer.state[0]!.expAvg.tolist(), nb.ones([3, 2]).tolist());
  assert.equal(optimizer.state[0]!.expAvgSq.dtype, "float64");
  assert.deepEqual(optimizer.paramGroups, state.optimizer.paramGroups);
  assert.equal("skipped" in loaded.state, false);

  const resumed = new nb.Generator(0).setState(loaded.state.rng);
  assert.deepEqual([resumed.normal(), resumed.random(), resumed.nextUint32()], expectedNext);
});

test("a checkpoint stays a plain safetensors file (other tools can read it)", () => {
  const path = fresh();
  saveCheckpoint(path, { tensors: { w: nb.ones([2]) }, state: { m: [nb.zeros([1])] } });
  const { tensors, metadata } = loadSafetensors(path);
  assert.deepEqual(Object.keys(tensors).sort(), ["__state__/m/0", "w"]);
  assert.equal(metadata[CHECKPOINT_VERSION_KEY], "1");
  assert.deepEqual(JSON.parse(metadata[CHECKPOINT_STATE_KEY]!), { m: [{ $tensor: "__state__/m/0" }] });
  const empty = fresh();
  saveCheckpoint(empty, {});
  assert.deepEqual(loadCheckpoint(empty), { tensors: {}, state: null });
});

test("state that JSON would silently change is refused, naming where", () => {
  const bad: [unknown, RegExp][] = [
    [{ a: { b: 1n } }, /state\.a\.b is a bigint, which a checkpoint cannot store/],
    [{ f: () => 1 }, /state\.f is a function/],
    [{ xs: [1, undefined] }, /state\.xs\[1\] is undefined; use null/],
    [{ m: new Map() }, /state\.m is a Map; a checkpoint stores plain objects/],
    [{ g: new nb.Generator(1) }, /state\.g is a Generator.*generator\.getState\(\)/],
    [{ "a b": new Float32Array(2) }, /state\["a b"\] is a Float32Array/],
  ];
  for (const [state, message] of bad) assert.throws(() => saveCheckpoint(fresh(), { state }), message);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = { back: cyclic };
  assert.throws(
    () => saveCheckpoint(fresh(), { state: cyclic }),
    /state\.self\.back refers back .* \(a cycle\)/,
  );
  assert.throws(
    () => saveCheckpoint(fresh(), { tensors: { "__state__/x": nb.ones([1]) } }),
    /tensor name "__state__\/x" uses the reserved prefix/,
  );
});

test("foreign or tampered files get errors naming the file", () => {
  const plain = fresh();
  saveSafetensors(plain, { w: nb.ones([1]) });
  assert.throws(
    () => loadCheckpoint(plain),
    new RegExp(`loadCheckpoint: ${plain}: is a safetensors file but not a nabla checkpoint`),
  );
  const cases: [Record<string, string>, Record<string, nb.Tensor>, RegExp][] = [
    [
      { [CHECKPOINT_VERSION_KEY]: "2", [CHECKPOINT_STATE_KEY]: "null" },
      {},
      /format version "2"; this nabla reads version 1/,
    ],
    [
      { [CHECKPOINT_VERSION_KEY]: "1", [CHECKPOINT_STATE_KEY]: "{oops" },
      {},
      /"nabla\.state" metadata is not valid JSON/,
    ],
    [
      { [CHECKPOINT_VERSION_KEY]: "1", [CHECKPOINT_STATE_KEY]: '{"a":{"$tensor":"__state__/a"}}' },
      {},
      /refers to tensor "__state__\/a", which the file does not hold/,
    ],
    [
      { [CHECKPOINT_VERSION_KEY]: "1", [CHECKPOINT_STATE_KEY]: "{}" },
      { "__state__/x": nb.ones([1]) },
      /tensor "__state__\/x" is not referenced/,
    ],
    [
      { [CHECKPOINT_VERSION_KEY]: "1", [CHECKPOINT_STATE_KEY]: '{"$number":"1e999x"}' },
      {},
      /unknown number "1e999x"/,
    ],
    [
      { [CHECKPOINT_VERSION_KEY]: "1", [CHECKPOINT_STATE_KEY]: '{"$what":1}' },
      {},
      /unknown marker key "\$what"/,
    ],
  ];
  for (const [metadata, tensors, message] of cases) {
    const p = fresh();
    saveSafetensors(p, tensors, metadata);
    assert.throws(() => loadCheckpoint(p), message);
  }
  assert.throws(
    () => loadCheckpoint(join(dir, "nope")),
    /loadCheckpoint: cannot read .*nope: no such file or directory/,
  );
});

test("state dicts: save, load, refuse non-tensors", () => {
  const path = fresh();
  const sd = {
    "0.weight": nb.randn([2, 2]),
    "0.bias": nb.zeros([2]),
    steps: nb.full([], 3, { dtype: "int32" }),
  };
  saveStateDict(path, sd, { metadata: { arch: "mlp" } });
  const back = loadStateDict(path);
  assert.deepEqual(Object.keys(back).sort(), Object.keys(sd).sort());
  for (const k of Object.keys(sd)) assert.deepEqual(back[k]!.tolist(), sd[k as keyof typeof sd].tolist());
  assert.deepEqual(loadSafetensors(path).metadata, { arch: "mlp" });
  assert.throws(
    () => saveStateDict(path, { lr: 0.1 } as unknown as Record<string, nb.Tensor>),
    /saveStateDict: "lr" is not a Tensor/,
  );
  assert.throws(
    () => saveStateDict(path, [] as unknown as Record<string, nb.Tensor>),
    /expected a state dict/,
  );
  assert.throws(() => loadStateDict(""), /loadStateDict: expected a file path/);
});
