// The fused Adam/AdamW kernel against the chain of single ops it replaces: on float32 the two give
// bit-for-bit equal parameters and moments over several steps, for every option that changes the
// formula; the chain is what runs under anomaly detection (which checks each op's output).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as optim from "../../src/optim/index.js";

type Opts = { weightDecay?: number; amsgrad?: boolean; maximize?: boolean; lr?: number };
type AdamClass = new (params: nb.Tensor[], opts: Opts) => optim.Optimizer;

/** Runs `steps` updates of two parameters from a fixed start and returns every float they end with. */
function run(Cls: AdamClass, opts: Opts, chain: boolean, steps = 6): number[][] {
  const g = new nb.Generator(11);
  const w = nb.randn([37, 5], { generator: g }).requiresGrad_(); // 185: SIMD body and a scalar tail
  const b = nb.randn([3], { generator: g }).requiresGrad_();
  const x = nb.randn([8, 5], { generator: g });
  const opt = new Cls([w, b], { lr: 0.01, ...opts });
  nb.setDetectAnomaly(chain);
  try {
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      x.matmul(w.T).tanh().sum().add(b.square().sum()).backward();
      opt.step();
    }
  } finally {
    nb.setDetectAnomaly(false);
  }
  const st = [...opt.state.values()].flatMap((s) =>
    Object.values(s).filter((v): v is nb.Tensor => v instanceof nb.Tensor),
  );
  return [w, b, ...st].map((t) => [...t.dataSync()]);
}

const CASES: [string, AdamClass, Opts][] = [
  ["Adam", optim.Adam, {}],
  ["Adam with L2 weight decay", optim.Adam, { weightDecay: 0.05 }],
  ["Adam, AMSGrad, maximize", optim.Adam, { amsgrad: true, maximize: true }],
  ["AdamW", optim.AdamW, {}],
  ["AdamW without decay", optim.AdamW, { weightDecay: 0 }],
  ["AdamW, AMSGrad, decay 0.1, lr 0.3", optim.AdamW, { amsgrad: true, weightDecay: 0.1, lr: 0.3 }],
];

for (const [name, Cls, opts] of CASES)
  test(`fused ${name}: bit for bit the chain of float32 ops`, () => {
    const fused = run(Cls, opts, false);
    const chain = run(Cls, opts, true);
    assert.equal(fused.length, chain.length);
    fused.forEach((vals, i) => assert.deepEqual(vals, chain[i], `tensor ${i} (parameters, then state)`));
  });

test("Adam's step runs one fused kernel per parameter where it applies, and the chain where it does not", () => {
  const be = nb.getBackend();
  const original = be.adam;
  let calls = 0;
  be.adam = function (...args: Parameters<typeof original>) {
    calls++;
    return original.apply(this, args);
  };
  try {
    const w = nb.randn([4, 3]).requiresGrad_();
    const h = nb.randn([3, 4]).requiresGrad_();
    const opt = new optim.AdamW([w, h]);
    w.sum().backward();
    h.sum().backward();
    opt.step();
    assert.equal(calls, 2);
    // a gradient in another layout (a transposed view) takes the chain, with the same result
    const before = [...w.dataSync()];
    const twin = nb.tensor(before, { dtype: "float32" }).reshape(4, 3).requiresGrad_();
    const optTwin = new optim.AdamW([twin]);
    optTwin.state.set(twin, { ...opt.state.get(w)! });
    for (const k of ["expAvg", "expAvgSq"])
      optTwin.state.get(twin)![k] = (opt.state.get(w)![k] as nb.Tensor).clone();
    const gradT = nb.randn([3, 4]);
    w.grad = gradT.T.contiguous();
    twin.grad = gradT.T;
    opt.step();
    optTwin.step();
    assert.equal(calls, 4); // w and h once more; twin not at all
    assert.deepEqual([...twin.dataSync()], [...w.dataSync()]);
  } finally {
    be.adam = original;
  }
});
