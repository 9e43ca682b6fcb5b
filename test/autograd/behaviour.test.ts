// Autograd behaviour through the public API, as PyTorch defines it: accumulation, retained and
// freed graphs, hooks, grad(), grad mode, deep graphs and anomaly detection.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

const vals = (t: nb.Tensor | null) => Array.from(t!.dataSync());

test("gradients accumulate into leaves over backward calls; a tensor used twice gets both", () => {
  const x = nb.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
  x.mul(x).sum().backward(); // d/dx x² = 2x, from both uses of x
  assert.deepEqual(vals(x.grad), [2, 4, 6]);
  x.mul(3).sum().backward();
  assert.deepEqual(vals(x.grad), [5, 7, 9]);
  x.grad = null;
  x.add(x).add(x).sum().backward();
  assert.deepEqual(vals(x.grad), [3, 3, 3]);
});

test("grad on leaves; non-leaves keep theirs only after retainGrad()", () => {
  const x = nb.tensor([1.5, -2], { requiresGrad: true });
  const h = x.mul(2);
  const k = x.mul(3).retainGrad();
  assert.equal(x.isLeaf, true);
  assert.equal(h.isLeaf, false);
  h.mul(k).sum().backward();
  assert.equal(h.grad, null);
  assert.deepEqual(vals(k.grad), vals(h));
  assert.deepEqual(vals(x.grad), [18, -24]); // d/dx 6x² = 12x
  assert.throws(() => nb.ones([2]).retainGrad(), /retainGrad: .*does not require grad/);
});

test("detach() shares data but leaves the graph", () => {
  const x = nb.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const d = x.mul(2).detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.isLeaf, true);
  assert.equal(d.gradFn, null);
  const y = x.mul(d).sum();
  y.backward();
  assert.deepEqual(vals(x.grad), [2, 4]);
  assert.deepEqual(vals(x.detach()), [1, 2]);
});

test("noGrad records nothing; enableGrad turns recording back on inside it", () => {
  const x = nb.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = nb.noGrad(() => x.mul(2).exp());
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  const z = nb.noGrad(() => nb.enableGrad(() => x.mul(2)));
  assert.equal(z.requiresGrad, true);
  assert.equal(nb.isGradEnabled(), true);
  assert.throws(
    () =>
      nb.noGrad(() => {
        throw new Error("boom");
      }),
    /boom/,
  );
  assert.equal(nb.isGradEnabled(), true, "noGrad restores grad mode after a throw");
  nb.setGradEnabled(false);
  try {
    assert.equal(x.mul(2).requiresGrad, false);
  } finally {
    nb.setGradEnabled(true);
  }
});

test("registerHook changes the gradient and remove() unregisters it", () => {
  const x = nb.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const seen: number[][] = [];
  const h = x.mul(3);
  const handle = h.registerHook((g) => {
    seen.push(vals(g));
    return g.mul(10);
  });
  h.sum().backward();
  assert.deepEqual(seen, [[1, 1]]);
  assert.deepEqual(vals(x.grad), [30, 30]);
  handle.remove();
  handle.remove(); // twice is harmless
  x.grad = null;
  const h2 = x.mul(3);
  h2.sum().backward();
  assert.deepEqual(vals(x.grad), [3, 3]);
  // hooks on a leaf see the summed gradient before it is accumulated
  const leafHook = x.registerHook((g) => g.mul(0));
  x.mul(5).sum().backward();
  assert.deepEqual(vals(x.grad), [3, 3]);
  leafHook.remove();
  const bad = x.mul(2);
  bad.registerHook(() => nb.ones([3]));
  assert.throws(
    () => bad.sum().backward(),
    /registerHook: the hook returned a gradient of shape \[3\] for a tensor of shape \[2\]/,
  );
  assert.throws(() => nb.ones([2]).registerHook(() => undefined), /registerHook: .*does not require grad/);
});

test("backward twice through a freed graph fails; retainGraph keeps it and accumulates", () => {
  const x = nb.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = x.exp().sum();
  y.backward();
  assert.throws(
    () => y.backward(),
    /backward: trying to go through the graph a second time \(at sum\).*retainGraph/,
  );
  x.grad = null;
  const z = x.mul(x).sum();
  z.backward({ retainGraph: true });
  z.backward(undefined, { retainGraph: true });
  z.backward();
  assert.deepEqual(vals(x.grad), [6, 12]);
});

test("nb.grad returns gradients without touching .grad; gradOutputs; allowUnused", () => {
  const x = nb.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
  const w = nb.tensor([2, 2, 2], { dtype: "float32", requiresGrad: true });
  const u = nb.tensor([0, 0], { dtype: "float32", requiresGrad: true });
  const y = x.mul(w);
  const [gx, gw] = nb.grad(y.sum(), [x, w], { retainGraph: true });
  assert.deepEqual(vals(gx!), [2, 2, 2]);
  assert.deepEqual(vals(gw!), [1, 2, 3]);
  assert.equal(x.grad, null);
  assert.equal(w.grad, null);
  const [gv] = nb.grad(y, x, { gradOutputs: [nb.tensor([1, 0, -1], { dtype: "float32" })] });
  assert.deepEqual(vals(gv!), [2, 0, -2]);
  assert.throws(() => nb.grad(x.mul(2), x), /grad: output 0 has shape \[3\]; give gradOutputs/);
  assert.throws(() => nb.grad(x.sum(), [x, u]), /grad: input 1 was not used.*allowUnused/);
  const [a, b] = nb.grad(x.sum(), [x, u], { allowUnused: true });
  assert.deepEqual(vals(a!), [1, 1, 1]);
  assert.equal(b, null);
  assert.throws(() => nb.grad(nb.ones([1]).sum(), x), /grad: output 0 does not require grad/);
  // a non-leaf input: the gradient at an intermediate tensor
  const h = x.mul(2);
  const [gh] = nb.grad(h.mul(h).sum(), h);
  assert.deepEqual(vals(gh!), [4, 8, 12]);
});

test("backward's errors: non-scalar without gradient, tensors without grad, wrong gradient shape", () => {
  const x = nb.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  assert.throws(
    () => x.mul(2).backward(),
    /backward: grad can be implicitly created only for scalar outputs; this tensor has shape \[2\]/,
  );
  assert.throws(() => nb.ones([2]).sum().backward(), /backward: this tensor does not require grad/);
  assert.throws(
    () => x.mul(2).backward(nb.ones([3])),
    /backward: gradient has shape \[3\] but the tensor has shape \[2\]/,
  );
  const y = x.mul(2);
  y.backward(nb.tensor([1, 1], { dtype: "float64" }));
  assert.equal(x.grad!.dtype, "float32");
});

test("only floating-point tensors can require grad", () => {
  assert.throws(
    () => nb.tensor([1, 2], { requiresGrad: true }),
    /requiresGrad: only floating-point tensors can require gradients, not int32/,
  );
  assert.throws(() => nb.ones([2], { dtype: "bool" }).requiresGrad_(), /requiresGrad_: .*not bool/);
  assert.throws(() => {
    nb.arange(3).requiresGrad = true;
  }, /not int32/);
});

test("a graph 100,000 ops deep runs backward without overflowing the stack", () => {
  const x = nb.tensor([1], { dtype: "float32", requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1);
  y.sum().backward();
  assert.deepEqual(vals(x.grad), [1]);
  assert.equal(y.item(), 100_001);
});

test("setDetectAnomaly names the op that made a NaN, forward and backward", () => {
  nb.setDetectAnomaly(true);
  try {
    const x = nb.tensor([1, -1], { dtype: "float32", requiresGrad: true });
    assert.throws(
      () => x.log(),
      (e: Error) => e instanceof nb.NonFiniteError && /^log: output holds NaN/.test(e.message),
    );
    const z = nb.tensor([0, 4], { dtype: "float32", requiresGrad: true });
    const s = z.sqrt().sum(); // finite forward; d/dz √z = 1/(2√z) is Inf at 0
    assert.throws(() => s.backward(), /sqrt backward: gradient holds Infinity \(anomaly detection\)/);
  } finally {
    nb.setDetectAnomaly(false);
  }
  assert.equal(nb.tensor([-1]).log().dataSync()[0], NaN, "off again: NaN passes silently");
});
