// The Module API beyond the basics: tied weights in state dicts, dtype conversion in place, hooks,
// freezing, containers with verbatim keys, summaries with output shapes, and train/eval behaviour.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

class TiedLM extends nn.Module {
  wte = new nn.Embedding(10, 4);
  lmHead = new nn.Linear(4, 10, { bias: false });
  constructor() {
    super();
    this.lmHead.weight = this.wte.weight; // weight tying, as GPT-2
  }
  forward(idx: nb.Tensor): nb.Tensor {
    return this.lmHead.forward(this.wte.forward(idx));
  }
}

test("tied weights: listed once as parameters, under both keys in the state dict (as PyTorch)", () => {
  const m = new TiedLM();
  assert.deepEqual(
    [...m.namedParameters()].map(([k]) => k),
    ["wte.weight"],
  );
  assert.deepEqual(Object.keys(m.stateDict()), ["wte.weight", "lm_head.weight"]);
  const src = new TiedLM();
  m.loadStateDict(src.stateDict());
  assert.deepEqual(m.lmHead.weight.tolist(), src.wte.weight.tolist());
  // to() converts in place: the tie and outside references (an optimizer's) survive
  const p = m.wte.weight;
  m.forward(nb.tensor([1, 2], { dtype: "int32" }))
    .sum()
    .backward();
  m.double();
  assert.equal(m.wte.weight, p);
  assert.equal(m.lmHead.weight, p);
  assert.equal(p.dtype, "float64");
  assert.equal(p.grad!.dtype, "float64");
  assert.equal(m.forward(nb.tensor([3], { dtype: "int32" })).dtype, "float64");
});

test("a submodule held under two names is one child, but its state appears under both names", () => {
  class Twice extends nn.Module {
    a = new nn.Linear(2, 2);
    b = this.a;
    forward(x: nb.Tensor) {
      return this.b.forward(this.a.forward(x));
    }
  }
  const t = new Twice();
  assert.deepEqual(
    [...t.namedChildren()].map(([k]) => k),
    ["a"],
  );
  assert.deepEqual(
    [...t.namedModules()].map(([k]) => k),
    ["", "a"],
  );
  assert.deepEqual(Object.keys(t.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
});

test("loadStateDict casts dtypes, loads buffers, reports what strict=false skipped, and rejects non-tensors", () => {
  const bn = new nn.BatchNorm1d(2);
  const r = bn.loadStateDict(
    {
      weight: nb.tensor([2, 3], { dtype: "float64" }),
      running_mean: nb.tensor([0.5, -0.5]),
      extra: nb.zeros([1]),
    },
    { strict: false },
  );
  assert.deepEqual(r, {
    missingKeys: ["bias", "running_var", "num_batches_tracked"],
    unexpectedKeys: ["extra"],
  });
  assert.equal(bn.weight!.dtype, "float32");
  assert.deepEqual(bn.weight!.tolist(), [2, 3]);
  assert.deepEqual(bn.runningMean!.tolist(), [0.5, -0.5]);
  assert.throws(
    () => bn.loadStateDict({ ...bn.stateDict(), weight: [1, 2] as unknown as nb.Tensor }),
    /loadStateDict \(BatchNorm1d\): not a Tensor: weight/,
  );
  assert.throws(
    () => bn.loadStateDict({ ...bn.stateDict(), running_var: nb.zeros([3]) }, { strict: false }),
    /size mismatch for running_var: checkpoint \[3\] vs model \[2\]/,
  );
});

test("non-persistent buffers stay out of the state dict; null buffers and parameters are skipped", () => {
  class M extends nn.Module {
    declare cache: nb.Tensor;
    declare unused: nb.Tensor | null;
    constructor() {
      super();
      this.registerBuffer("cache", nb.zeros([2]), { persistent: false });
      this.registerBuffer("unused", null);
      this.registerParameter("scaleFactor", new nn.Parameter(nb.ones([1])));
      this.registerModule("subLayer", new nn.Linear(1, 1));
    }
    forward(x: nb.Tensor) {
      return x;
    }
  }
  const m = new M();
  assert.deepEqual(
    [...m.namedBuffers()].map(([k]) => k),
    ["cache"],
  );
  assert.deepEqual(Object.keys(m.stateDict()), ["scale_factor", "sub_layer.weight", "sub_layer.bias"]);
  assert.equal(new nn.SinusoidalPositionalEncoding(4, 8).stateDict().pe, undefined);
});

test("hooks: removing twice is harmless, a pre-hook may return one value, undefined keeps the output", () => {
  const lin = new nn.Linear(2, 2);
  const calls: string[] = [];
  const h1 = lin.registerForwardHook(() => void calls.push("h1"));
  const h2 = lin.registerForwardHook(() => void calls.push("h2"));
  h1.remove();
  h1.remove();
  lin.forward(nb.zeros([1, 2]));
  assert.deepEqual(calls, ["h2"]);
  h2.remove();
  const pre = lin.registerForwardPreHook((_m, [x]) => (x as nb.Tensor).mul(0));
  assert.deepEqual(lin.forward(nb.ones([1, 2])).tolist(), [lin.bias!.tolist()]);
  pre.remove();
});

test("zeroGrad to zeros in place, requiresGrad_ freezes, apply reaches every module", () => {
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
  net
    .forward(nb.randn([2, 3]))
    .sum()
    .backward();
  const g = (net.at(0) as nn.Linear).weight.grad!;
  net.zeroGrad({ setToNone: false });
  assert.equal((net.at(0) as nn.Linear).weight.grad, g);
  assert.ok(g.dataSync().every((v) => v === 0));
  net.requiresGrad_(false);
  assert.ok([...net.parameters()].every((p) => !p.requiresGrad));
  assert.match(net.summary(), /total parameters: 21 \(trainable: 0\)/);
  net.requiresGrad_(true);
  net.apply((m) => {
    if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
  });
  assert.ok(
    [...net.parameters()].filter((p) => p.ndim === 2).every((p) => p.dataSync().every((v) => v === 0)),
  );
});

test("containers: Sequential by name, ModuleDict keys verbatim and in insertion order", () => {
  // a Map (or [key, module] pairs) keeps integer-like keys in place; a plain object would list them first
  const seq = new nn.Sequential(
    new Map<string, nn.Module>([
      ["fcIn", new nn.Linear(2, 3)],
      ["act", new nn.Tanh()],
      ["2", new nn.Linear(3, 1)],
    ]),
  );
  assert.deepEqual(Object.keys(seq.stateDict()), ["fcIn.weight", "fcIn.bias", "2.weight", "2.bias"]);
  assert.deepEqual(seq.forward(nb.zeros([4, 2])).shape, [4, 1]);
  assert.ok(seq.at(-1) instanceof nn.Linear);
  assert.throws(() => seq.at(3), /Sequential: index 3 is out of range for 3 modules/);
  const d = new nn.ModuleDict([
    ["zeta", new nn.Linear(1, 1)],
    ["10", new nn.Linear(1, 1)],
    ["myHead", new nn.Linear(1, 1)],
  ]);
  assert.deepEqual(d.keys(), ["zeta", "10", "myHead"]);
  assert.deepEqual(
    Object.keys(d.stateDict()).filter((k) => k.endsWith("weight")),
    ["zeta.weight", "10.weight", "myHead.weight"],
  );
  assert.ok(d.has("10") && d.get("nope") === undefined);
  d.delete("zeta");
  assert.equal(d.length, 2);
  assert.throws(
    () => d.set("a.b", new nn.Linear(1, 1)),
    /ModuleDict: key 'a.b' must be non-empty and contain no "."/,
  );
  assert.throws(() => d.set("x", {} as nn.Linear), /ModuleDict: 'x' is not a Module/);
  const list = new nn.ModuleList([new nn.Linear(1, 2)]).extend([new nn.Linear(2, 3)]);
  assert.deepEqual(
    [...list].map((m) => (m as nn.Linear).outFeatures),
    [2, 3],
  );
  assert.throws(() => list.forward(), /ModuleList has no forward/);
});

test("summary with example inputs shows each module's output shape", () => {
  const net = new nn.Sequential(
    new nn.Conv2d(1, 2, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(32, 5),
  );
  const s = net.summary(nb.zeros([3, 1, 4, 4]));
  assert.match(s, /0\s+Conv2d\s+\[3, 2, 4, 4\]\s+20/);
  assert.match(s, /3\s+Linear\s+\[3, 5\]\s+165/);
  assert.match(s, /\(root\)\s+Sequential\s+\[3, 5\]\s+0/);
  assert.match(String(net), /Conv2d\(1, 2, kernelSize=\[3,3\], padding=1\)/);
});

test("train/eval: attention dropout is active only in training; Dropout with a generator is reproducible", () => {
  const mha = new nn.MultiheadAttention(4, 2, {
    dropout: 0.5,
    batchFirst: true,
    generator: new nb.Generator(1),
  });
  const x = nb.randn([1, 5, 4]);
  const [a] = mha.forward(x, x, x);
  const [b] = mha.forward(x, x, x);
  assert.notDeepEqual(a.tolist(), b.tolist());
  mha.eval();
  const [c, w] = mha.forward(x, x, x);
  assert.deepEqual(c.tolist(), mha.forward(x, x, x)[0].tolist());
  assert.ok(w!.sum(-1).sub(1).abs().max().item() < 1e-6);
  const d1 = new nn.Dropout(0.3, { generator: new nb.Generator(5) });
  const d2 = new nn.Dropout(0.3, { generator: new nb.Generator(5) });
  assert.deepEqual(d1.forward(nb.ones([20])).tolist(), d2.forward(nb.ones([20])).tolist());
});

test("Embedding: the padding row gets no gradient; fromPretrained freezes unless asked", () => {
  const e = new nn.Embedding(4, 2, { paddingIdx: 0 });
  e.forward(nb.tensor([0, 1, 0, 3], { dtype: "int32" }))
    .mul(3)
    .sum()
    .backward();
  assert.deepEqual(e.weight.grad!.tolist(), [[0, 0], [3, 3], [0, 0], [3, 3]]); // prettier-ignore
  const w = nb.tensor([[1, 2], [3, 4]], { dtype: "float32" }); // prettier-ignore
  const frozen = nn.Embedding.fromPretrained(w);
  assert.equal(frozen.weight.requiresGrad, false);
  assert.deepEqual(frozen.forward(nb.tensor([1], { dtype: "int32" })).tolist(), [[3, 4]]);
  assert.equal(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
});

test("BatchNorm: eval uses the running statistics, resetRunningStats restores them", () => {
  const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
  bn.forward(
    nb.tensor(
      [
        [1, 10],
        [3, 30],
      ],
      { dtype: "float32" },
    ),
  ); // batch mean [2, 20], unbiased var [2, 200]
  assert.deepEqual(bn.runningMean!.tolist(), [1, 10]);
  assert.deepEqual(bn.runningVar!.tolist(), [1.5, 100.5]);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  bn.eval();
  const y = bn.forward(nb.tensor([[1, 10]], { dtype: "float32" }));
  assert.ok(y.abs().max().item() < 1e-6); // x equals the running mean
  bn.resetRunningStats();
  assert.deepEqual(
    [bn.runningMean!.tolist(), bn.runningVar!.tolist(), bn.numBatchesTracked!.item()],
    [[0, 0], [1, 1], 0],
  );
});

test("thin wrapper modules compute what their functions do", () => {
  const x = nb.randn([2, 3, 4, 4]);
  const same = (m: nn.Module, y: nb.Tensor, ...args: nb.Tensor[]) =>
    assert.deepEqual((m.forward(...(args.length ? args : [x])) as nb.Tensor).tolist(), y.tolist());
  same(new nn.MaxPool2d(2), nb.maxPool2d(x, 2));
  same(new nn.AvgPool2d(3, { stride: 1, padding: 1 }), nb.avgPool2d(x, 3, { stride: 1, padding: 1 }));
  same(new nn.AdaptiveAvgPool2d([1, 2]), nb.adaptiveAvgPool2d(x, [1, 2]));
  const s = x.flatten(2);
  same(new nn.MaxPool1d(3, { stride: 2 }), nb.maxPool1d(s, 3, { stride: 2 }), s);
  same(new nn.AvgPool1d(2), nb.avgPool1d(s, 2), s);
  same(new nn.AdaptiveAvgPool1d(5), nb.adaptiveAvgPool1d(s, 5), s);
  same(new nn.Flatten(), x.reshape(2, 48));
  same(new nn.Unflatten(1, [3, 1]), x.reshape(2, 3, 1, 4, 4));
  same(new nn.Identity(), x);
  same(new nn.Softmax(1), nb.softmax(x, 1));
  same(new nn.LogSoftmax(), nb.logSoftmax(x, -1));
  same(new nn.GELU(), nb.gelu(x));
  same(new nn.ReLU(), nb.relu(x));
  same(new nn.CosineSimilarity({ dim: 1 }), nn.functional.cosineSimilarity(x, x.flip(3), 1), x, x.flip(3));
  const y = nb.randn([2, 3, 4, 4]);
  same(new nn.MSELoss({ reduction: "sum" }), nn.functional.mseLoss(x, y, { reduction: "sum" }), x, y);
});
