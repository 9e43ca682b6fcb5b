// nabla/nn losses against PyTorch (scripts/fixtures/losses.py → test/fixtures/losses.json): every
// loss, reduction and option, forward values and gradients, with contiguous and strided inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import {
  assertClose,
  decode,
  type FixtureCase,
  loadFixtures,
  nonContiguous,
  TOL,
} from "../helpers/fixtures.js";

const F = nn.functional;
type LossCase = FixtureCase & { opts: Record<string, unknown>; tensorOpts: string[] };
type LossFn = (input: nb.Tensor, target: nb.Tensor, opts: Record<string, unknown>) => nb.Tensor;

const LOSSES: Record<string, LossFn> = {
  mseLoss: F.mseLoss,
  l1Loss: F.l1Loss,
  smoothL1Loss: F.smoothL1Loss,
  huberLoss: F.huberLoss,
  crossEntropy: F.crossEntropy,
  nllLoss: F.nllLoss,
  binaryCrossEntropy: F.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
  klDiv: F.klDiv,
  multiMarginLoss: F.multiMarginLoss,
  cosineSimilarity: (a, b, o) =>
    F.cosineSimilarity(a, b, o.dim as number | undefined, o.eps as number | undefined),
};

const cases = loadFixtures("losses") as LossCase[];

test("losses: every fixture has a loss and every loss a fixture", () => {
  const names = new Set(cases.map((c) => c.name));
  assert.deepEqual([...names].sort(), Object.keys(LOSSES).sort());
});

const counts = new Map<string, number>();
for (const c of cases) {
  const k = counts.get(c.name) ?? 0;
  counts.set(c.name, k + 1);
  for (const layout of ["contiguous", "strided"] as const) {
    const label = `${c.name} #${k} ${c.inputs[0]!.dtype} ${JSON.stringify(c.opts)}${c.tensorOpts.length ? " +" + c.tensorOpts.join("+") : ""} ${layout}`;
    test(`losses: ${label}`, () => {
      const inputs = c.inputs.map((d) => {
        let t = nb.fromArray(d.data.map(decode), d.shape, { dtype: d.dtype });
        if (layout === "strided") t = nonContiguous(t);
        return d.requiresGrad ? t.detach().requiresGrad_(true) : t;
      });
      const opts: Record<string, unknown> = { ...c.opts };
      c.tensorOpts.forEach((name, i) => (opts[name] = inputs[2 + i]));
      const out = LOSSES[c.name]!(inputs[0]!, inputs[1]!, opts);
      const e = c.outputs[0]!;
      assert.deepEqual(out.shape, e.shape, "output shape");
      assert.equal(out.dtype, e.dtype, "output dtype");
      const tol = TOL[e.dtype];
      assertClose(out.dataSync(), e.data.map(decode), tol, `${label} output`);
      const go = c.gradOutputs[0];
      if (!go) return;
      out.backward(nb.fromArray(go.map(decode), out.shape, { dtype: out.dtype }));
      c.grads.forEach((g, i) => {
        if (!g) return;
        assert.ok(inputs[i]!.grad, `input ${i} got no gradient`);
        assertClose(inputs[i]!.grad.dataSync(), g.map(decode), tol, `${label} grad ${i}`);
      });
    });
  }
}
