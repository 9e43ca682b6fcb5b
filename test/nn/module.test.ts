// The Module contract: parameters and submodules found by attribute (PyTorch's dotted snake_case
// names), buffers, train/eval, zeroGrad, apply, hooks, summary, stateDict/loadStateDict errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 8, { generator: new nb.Generator(1) });
  act = new nn.ReLU();
  blocks = new nn.ModuleList([new nn.Linear(8, 8), new nn.Linear(8, 8)]);
  outHead = new nn.Linear(8, 2);
  declare runningTotal: nb.Tensor;
  constructor() {
    super();
    this.registerBuffer("runningTotal", nb.zeros([2]));
  }
  forward(x: nb.Tensor): nb.Tensor {
    let h = this.act.forward(this.fc1.forward(x)) as nb.Tensor;
    for (const b of this.blocks) h = b.forward(h) as nb.Tensor;
    return this.outHead.forward(h) as nb.Tensor;
  }
}

test("parameters and buffers get PyTorch's dotted snake_case names in order", () => {
  const net = new Net();
  assert.deepEqual(
    [...net.namedParameters()].map(([k]) => k),
    [
      "fc1.weight",
      "fc1.bias",
      "blocks.0.weight",
      "blocks.0.bias",
      "blocks.1.weight",
      "blocks.1.bias",
      "out_head.weight",
      "out_head.bias",
    ],
  );
  assert.deepEqual(
    [...net.namedBuffers()].map(([k]) => k),
    ["running_total"],
  );
  // PyTorch's state_dict order: a module's own parameters, its own buffers, then each child's
  assert.deepEqual(Object.keys(net.stateDict()).at(0), "running_total");
  assert.equal([...net.parameters()].length, 8);
  assert.deepEqual(
    [...net.namedChildren()].map(([k]) => k),
    ["fc1", "act", "blocks", "out_head"],
  );
});

test("Linear initialises as PyTorch (U(±1/√in)) reproducibly and computes x·Wᵀ + b", () => {
  const a = new nn.Linear(100, 50, { generator: new nb.Generator(7) });
  const b = new nn.Linear(100, 50, { generator: new nb.Generator(7) });
  assert.deepEqual(a.weight.tolist(), b.weight.tolist());
  const w = a.weight.dataSync();
  assert.ok(w.every((v) => Math.abs(v) <= 0.1));
  assert.ok(Math.max(...w) > 0.09 && Math.min(...w) < -0.09);
  const x = nb.randn([3, 100]);
  const y = a.forward(x);
  const expected = x.matmul(a.weight.T).add(a.bias!);
  assert.deepEqual(y.tolist(), expected.tolist());
  assert.throws(
    () => a.forward(nb.zeros([3, 7])),
    /linear: input \[3, 7\] has 7 features in its last dim, weight \[50, 100\] expects 100/,
  );
});

test("train/eval reach every submodule; zeroGrad clears gradients", () => {
  const net = new Net();
  net
    .forward(nb.randn([2, 4]))
    .sum()
    .backward();
  assert.ok(net.fc1.weight.grad);
  net.zeroGrad();
  assert.equal(net.fc1.weight.grad, null);
  net.eval();
  assert.ok([...net.modules()].every((m) => !m.training));
  net.train();
  assert.ok([...net.modules()].every((m) => m.training));
});

test("apply visits children first; forward hooks see and may replace the output", () => {
  const net = new Net();
  const seen: string[] = [];
  net.apply((m) => seen.push(m.constructor.name));
  assert.equal(seen.at(-1), "Net");
  assert.equal(seen.filter((s) => s === "Linear").length, 4);
  const h = net.outHead.registerForwardHook((_m, _inp, out) => (out as nb.Tensor).mul(0));
  assert.ok(
    net
      .forward(nb.randn([1, 4]))
      .dataSync()
      .every((v) => v === 0),
  );
  h.remove();
  assert.notDeepEqual(net.forward(nb.randn([1, 4])).tolist(), [[0, 0]]);
  const pre = net.registerForwardPreHook((_m, [x]) => [(x as nb.Tensor).mul(0)]);
  const y0 = net.forward(nb.randn([1, 4]));
  const y1 = net.forward(nb.randn([1, 4]));
  assert.deepEqual(y0.tolist(), y1.tolist());
  pre.remove();
});

test("loadStateDict copies values and names missing, unexpected and mis-shaped keys", () => {
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  assert.deepEqual(b.fc1.weight.tolist(), a.fc1.weight.tolist());
  const x = nb.randn([2, 4]);
  assert.deepEqual(b.forward(x).tolist(), a.forward(x).tolist());
  const sd = a.stateDict();
  delete sd["fc1.bias"];
  sd["extra.weight"] = nb.zeros([1]);
  sd["out_head.weight"] = nb.zeros([3, 8]);
  assert.throws(
    () => b.loadStateDict(sd),
    /size mismatch for out_head\.weight: checkpoint \[3,8\] vs model \[2,8\].*missing keys: fc1\.bias.*unexpected keys: extra\.weight/,
  );
  const sd2 = a.stateDict();
  delete sd2["fc1.bias"];
  const r = b.loadStateDict(sd2, { strict: false });
  assert.deepEqual(r.missingKeys, ["fc1.bias"]);
});

test("summary lists layers and parameter counts", () => {
  const s = new Net().summary();
  assert.match(s, /fc1\s+Linear\s+40/);
  assert.match(s, /total parameters: 202 \(trainable: 202\)/);
});

test("Sequential runs in order; to(float64) converts parameters", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
  assert.equal(seq.length, 3);
  assert.deepEqual(Object.keys(seq.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
  seq.double();
  assert.equal((seq.at(0) as nn.Linear).weight.dtype, "float64");
  const y = seq.forward(nb.randn([4, 2], { dtype: "float64" }));
  assert.deepEqual(y.shape, [4, 1]);
  assert.equal(y.dtype, "float64");
});

test("Dropout zeroes about p of the values in training, none in eval, and rescales", () => {
  const d = new nn.Dropout(0.25, { generator: new nb.Generator(3) });
  const x = nb.ones([10000]);
  const y = d.forward(x);
  const zeros = (y.dataSync() as Float32Array).filter((v) => v === 0).length;
  assert.ok(Math.abs(zeros / 10000 - 0.25) < 0.02);
  assert.ok(Math.abs(y.mean().item() - 1) < 0.03);
  d.eval();
  assert.deepEqual(d.forward(x).tolist(), x.tolist());
});
