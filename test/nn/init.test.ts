// nn.init and the layers' default initialisation, checked statistically: bounds of the uniform
// variants, standard deviations of the normal ones (against PyTorch's formulas), orthogonality.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

const { init } = nn;
const gen = () => new nb.Generator(123);

function stats(t: nb.Tensor) {
  const v = Float64Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}
/** U(−b, b) fills [−b, b] (its extremes come close to ±b) with std b/√3. */
function assertUniform(t: nb.Tensor, bound: number, what: string) {
  const s = stats(t);
  assert.ok(s.min >= -bound && s.max <= bound, `${what}: values within ±${bound} (got ${s.min}, ${s.max})`);
  assert.ok(s.min < -0.97 * bound && s.max > 0.97 * bound, `${what}: values reach near ±${bound}`);
  assert.ok(
    Math.abs(s.std / (bound / Math.sqrt(3)) - 1) < 0.05,
    `${what}: std ${s.std} vs ${bound / Math.sqrt(3)}`,
  );
}
function assertNormal(t: nb.Tensor, std: number, what: string, tol = 0.05) {
  const s = stats(t);
  assert.ok(Math.abs(s.mean) < 0.05 * std, `${what}: mean ${s.mean}`);
  assert.ok(Math.abs(s.std / std - 1) < tol, `${what}: std ${s.std} vs ${std}`);
}

test("uniform_, normal_, constant_, zeros_, ones_, eye_", () => {
  const t = nb.zeros([100, 100]);
  init.uniform_(t, -0.3, 0.7, { generator: gen() });
  const s = stats(t);
  assert.ok(s.min >= -0.3 && s.max < 0.7 && Math.abs(s.mean - 0.2) < 0.01);
  assertNormal(init.normal_(nb.zeros([100, 100]), 0, 2.5, { generator: gen() }), 2.5, "normal_");
  assert.deepEqual(init.constant_(nb.zeros([2]), 3).tolist(), [3, 3]);
  assert.deepEqual(init.ones_(nb.zeros([2])).tolist(), [1, 1]);
  assert.deepEqual(init.zeros_(nb.ones([2])).tolist(), [0, 0]);
  assert.deepEqual(init.eye_(nb.zeros([2, 3])).tolist(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  // a parameter is filled in place, without touching autograd
  const p = new nn.Parameter(nb.zeros([3]));
  assert.equal(init.ones_(p), p);
  assert.equal(p.requiresGrad, true);
});

test("xavier: U(±gain·√(6/(fanIn+fanOut))) and N(0, gain²·2/(fanIn+fanOut)), conv fans include the kernel", () => {
  assertUniform(
    init.xavierUniform_(nb.zeros([200, 300]), 2, { generator: gen() }),
    2 * Math.sqrt(6 / 500),
    "xavierUniform_",
  );
  assertNormal(
    init.xavierNormal_(nb.zeros([200, 300]), 1.5, { generator: gen() }),
    1.5 * Math.sqrt(2 / 500),
    "xavierNormal_",
  );
  // conv weight [out 32, in 16, 3, 3]: fanIn 144, fanOut 288
  assertUniform(
    init.xavierUniform_(nb.zeros([32, 16, 3, 3]), 1, { generator: gen() }),
    Math.sqrt(6 / 432),
    "xavier conv",
  );
  assert.deepEqual(init.fans(nb.zeros([32, 16, 3, 3])), { fanIn: 144, fanOut: 288 });
});

test("kaiming: gain/√fan with PyTorch's defaults (a = 0, leaky_relu, fan in), fan out, relu, a = √5", () => {
  const w = () => nb.zeros([64, 48, 2, 2]); // fanIn 192, fanOut 256
  assertUniform(
    init.kaimingUniform_(w(), { generator: gen() }),
    Math.sqrt(2) * Math.sqrt(3 / 192),
    "kaimingUniform_ default",
  );
  assertUniform(
    init.kaimingUniform_(w(), { mode: "fanOut", nonlinearity: "relu", generator: gen() }),
    Math.sqrt(6 / 256),
    "fanOut relu",
  );
  assertUniform(
    init.kaimingUniform_(w(), { mode: "fan_out", generator: gen() }),
    Math.sqrt(6 / 256),
    "PyTorch's spelling",
  );
  assertUniform(
    init.kaimingUniform_(w(), { a: Math.sqrt(5), generator: gen() }),
    1 / Math.sqrt(192),
    "a = √5",
  );
  assertNormal(init.kaimingNormal_(w(), { generator: gen() }), Math.sqrt(2 / 192), "kaimingNormal_");
  assertNormal(
    init.kaimingNormal_(w(), { nonlinearity: "tanh", mode: "fanOut", generator: gen() }),
    5 / 3 / 16,
    "tanh fanOut",
  );
  assertNormal(
    init.kaimingNormal_(w(), { a: 0.2, generator: gen() }),
    Math.sqrt(2 / 1.04 / 192),
    "leaky 0.2",
  );
});

test("truncNormal_ stays in [a, b] with the truncated distribution's spread; orthogonal_ is orthonormal", () => {
  const t = init.truncNormal_(nb.zeros([200, 100]), 0, 1, -2, 2, { generator: gen() });
  const s = stats(t);
  assert.ok(s.min >= -2 && s.max <= 2 && s.min < -1.95 && s.max > 1.95);
  // the std of N(0, 1) truncated to [−2, 2]: √(1 − 4φ(2)/(Φ(2) − Φ(−2))) ≈ 0.8796
  assert.ok(Math.abs(s.std - 0.8796) < 0.02, `truncNormal_ std ${s.std}`);
  const u = stats(init.truncNormal_(nb.zeros([5000]), 1, 0.02, 0.99, 1.5, { generator: gen() }));
  assert.ok(u.min >= 0.99 && u.max <= 1.5 && u.mean > 1);
  for (const shape of [
    [6, 4],
    [4, 6],
    [3, 2, 2],
  ]) {
    const q = init
      .orthogonal_(nb.zeros(shape, { dtype: "float64" }), 2, { generator: gen() })
      .reshape(shape[0]!, -1);
    const [rows, cols] = q.shape as [number, number];
    const gram = rows >= cols ? q.T.matmul(q) : q.matmul(q.T); // 4·I
    const id = nb.eye(Math.min(rows, cols), undefined, { dtype: "float64" }).mul(4);
    assert.ok(gram.sub(id).abs().max().item() < 1e-12, `orthogonal_ ${shape}`);
  }
  assert.throws(() => init.orthogonal_(nb.zeros([3])), /orthogonal_: needs at least 2 dims, got \[3\]/);
});

test("a generator makes initialisation reproducible; fans and gains reject bad input", () => {
  const a = new nn.Linear(5, 4, { generator: new nb.Generator(9) });
  const b = new nn.Linear(5, 4, { generator: new nb.Generator(9) });
  assert.deepEqual(a.stateDict().weight!.tolist(), b.stateDict().weight!.tolist());
  assert.deepEqual(a.bias!.tolist(), b.bias!.tolist());
  assert.throws(
    () => init.fans(nb.zeros([3])),
    /fan in and fan out can not be computed for a tensor with fewer than 2 dims, got \[3\]/,
  );
  assert.throws(
    () => init.calculateGain("swish" as nn.init.Nonlinearity),
    /calculateGain: unsupported nonlinearity 'swish'/,
  );
  assert.throws(
    () => init.kaimingUniform_(nb.zeros([2, 2]), { mode: "in" as "fanIn" }),
    /kaimingUniform_: mode must be/,
  );
  assert.equal(init.kaimingUniform_(nb.zeros([0, 3])).numel(), 0); // zero elements: a no-op, as PyTorch
});

test("layers start as PyTorch initialises them", () => {
  const lin = new nn.Linear(50, 400, { generator: gen() });
  assertUniform(lin.weight, 1 / Math.sqrt(50), "Linear.weight");
  assertUniform(lin.bias!, 1 / Math.sqrt(50), "Linear.bias");
  const conv = new nn.Conv2d(8, 64, 3, { groups: 2, generator: gen() }); // fanIn = 4·3·3 = 36
  assertUniform(conv.weight, 1 / 6, "Conv2d.weight");
  const conv1 = new nn.Conv1d(4, 300, 5, { generator: gen() });
  assertUniform(conv1.bias!, 1 / Math.sqrt(20), "Conv1d.bias");
  const emb = new nn.Embedding(300, 40, { paddingIdx: 3, generator: gen() });
  assertNormal(emb.weight, 1, "Embedding.weight");
  assert.deepEqual(emb.weight.select(0, 3).tolist(), new Array(40).fill(0));
  const mha = new nn.MultiheadAttention(64, 4, { generator: gen() });
  assertUniform(mha.inProjWeight!, Math.sqrt(6 / (64 + 192)), "MHA in_proj_weight (xavier on [3E, E])");
  assertUniform(mha.outProj.weight, 1 / 8, "MHA out_proj.weight");
  assert.ok(
    mha.inProjBias!.dataSync().every((v) => v === 0) && mha.outProj.bias!.dataSync().every((v) => v === 0),
  );
  const sep = new nn.MultiheadAttention(64, 4, { kdim: 32, vdim: 16, generator: gen() });
  assertUniform(sep.kProjWeight!, Math.sqrt(6 / (64 + 32)), "MHA k_proj_weight");
  const bil = new nn.Bilinear(16, 30, 100, { generator: gen() });
  assertUniform(bil.weight, 1 / 4, "Bilinear.weight");
  const bn = new nn.BatchNorm2d(3);
  assert.deepEqual(
    [bn.weight!, bn.bias!, bn.runningMean!, bn.runningVar!, bn.numBatchesTracked!].map((t) => t.tolist()),
    [[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1], 0],
  );
  const ln = new nn.LayerNorm([2, 2]);
  assert.deepEqual([ln.weight!.tolist(), ln.bias!.tolist()], [[[1, 1], [1, 1]], [[0, 0], [0, 0]]]); // prettier-ignore
  assert.deepEqual(new nn.RMSNorm(2).weight!.tolist(), [1, 1]);
  assert.deepEqual(new nn.PReLU(2).weight.tolist(), [0.25, 0.25]);
});
