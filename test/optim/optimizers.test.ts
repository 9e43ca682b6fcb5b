// Optimizers and schedules against PyTorch (scripts/fixtures/optim.py): each optimizer's parameter
// trajectory over 20 steps matches to 1e-5 in float64, and each schedule's learning rates match.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nb from "../../src/index.js";
import * as optim from "../../src/optim/index.js";

interface Step {
  w: number[];
  b: number[];
  loss: number;
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  problem: { x: number[]; y: number[]; w0: number[]; b0: number[] };
  trajectories: { optimizer: string; options: Record<string, unknown>; groups: boolean; steps: Step[] }[];
  schedules: Record<string, { lr: number; momentum: number | null; beta1: number | null }[]>;
};

const f64 = { dtype: "float64" as const };
const X = nb.fromArray(fx.problem.x, [8, 4], f64);
const Y = nb.fromArray(fx.problem.y, [8, 3], f64);
const loss = (w: nb.Tensor, b: nb.Tensor) => X.matmul(w.T).add(b).tanh().sub(Y).square().mean();

const CLASSES: Record<string, new (p: never, o: never) => optim.Optimizer> = {
  SGD: optim.SGD as never,
  Adagrad: optim.Adagrad as never,
  Adadelta: optim.Adadelta as never,
  RMSprop: optim.RMSprop as never,
  Adam: optim.Adam as never,
  AdamW: optim.AdamW as never,
};

function close(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]!) <= tol,
      `${what}[${i}]: ${a} vs ${expected[i]} (diff ${Math.abs(a - expected[i]!)})`,
    ),
  );
}

fx.trajectories.forEach((t, k) => {
  test(`${t.optimizer} #${k} ${JSON.stringify(t.options)}${t.groups ? " with two param groups" : ""} follows PyTorch for 20 steps`, () => {
    const w = nb.fromArray(fx.problem.w0, [3, 4], f64).requiresGrad_();
    const b = nb.fromArray(fx.problem.b0, [3], f64).requiresGrad_();
    const lr = t.options.lr as number;
    const params = t.groups ? [{ params: [w] }, { params: [b], lr: lr / 10 }] : [w, b];
    const opt = new CLASSES[t.optimizer]!(params as never, t.options as never);
    t.steps.forEach((s, i) => {
      opt.zeroGrad();
      const l = loss(w, b);
      l.backward();
      opt.step();
      assert.ok(Math.abs(l.item() - s.loss) < 1e-9, `loss at step ${i}`);
      close(w.dataSync() as unknown as number[], s.w, 1e-5, `w after step ${i + 1}`);
      close(b.dataSync() as unknown as number[], s.b, 1e-5, `b after step ${i + 1}`);
    });
  });
});

const SCHEDULES: Record<
  string,
  [(o: optim.Optimizer) => optim.LRScheduler, (p: nb.Tensor[]) => optim.Optimizer]
> = {
  StepLR: [(o) => new optim.StepLR(o, 3, 0.5), (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ExponentialLR: [
    (o) => new optim.ExponentialLR(o, 0.9),
    (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  ],
  CosineAnnealingLR: [
    (o) => new optim.CosineAnnealingLR(o, 10, 0.01),
    (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  ],
  LinearLR: [
    (o) => new optim.LinearLR(o, { startFactor: 0.25, endFactor: 1, totalIters: 8 }),
    (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  ],
  OneCycleLR: [
    (o) => new optim.OneCycleLR(o, { maxLr: 1.0, totalSteps: 20 }),
    (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  ],
  OneCycleLRLinear3: [
    (o) =>
      new optim.OneCycleLR(o, { maxLr: 0.5, totalSteps: 20, annealStrategy: "linear", threePhase: true }),
    (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  ],
  OneCycleLRAdam: [
    (o) => new optim.OneCycleLR(o, { maxLr: 0.01, totalSteps: 20 }),
    (p) => new optim.Adam(p, { lr: 0.001 }),
  ],
};

for (const [name, expected] of Object.entries(fx.schedules)) {
  test(`${name} gives PyTorch's learning rates (and momentum where it cycles)`, () => {
    const [makeSched, makeOpt] = SCHEDULES[name]!;
    const p = nb.zeros([1]).requiresGrad_();
    const opt = makeOpt([p]);
    const sched = makeSched(opt);
    expected.forEach((e, i) => {
      const g = opt.paramGroups[0]!;
      assert.ok(Math.abs((g.lr as number) - e.lr) < 1e-12, `${name} lr at step ${i}: ${g.lr} vs ${e.lr}`);
      if (e.momentum !== null && name.startsWith("OneCycle"))
        assert.ok(Math.abs((g.momentum as number) - e.momentum) < 1e-12, `momentum at ${i}`);
      if (e.beta1 !== null) assert.ok(Math.abs((g.betas as number[])[0]! - e.beta1) < 1e-12, `beta1 at ${i}`);
      opt.step();
      sched.step();
    });
  });
}

test("optimizer stateDict round-trips and resumes the same trajectory", () => {
  const run = (resumeAt: number | null) => {
    const w = nb.fromArray(fx.problem.w0, [3, 4], f64).requiresGrad_();
    const b = nb.fromArray(fx.problem.b0, [3], f64).requiresGrad_();
    let opt = new optim.Adam([w, b], { lr: 0.01, amsgrad: true });
    for (let i = 0; i < 10; i++) {
      if (i === resumeAt) {
        const sd = opt.stateDict();
        opt = new optim.Adam([w, b], { lr: 0.5 });
        opt.loadStateDict(sd);
      }
      opt.zeroGrad();
      loss(w, b).backward();
      opt.step();
    }
    return [...w.dataSync(), ...b.dataSync()];
  };
  assert.deepEqual(run(5), run(null));
});

test("bad optimizer input gets a clear error", () => {
  const p = nb.zeros([2]).requiresGrad_();
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /empty parameter list/);
  assert.throws(() => new optim.SGD([p], { lr: -1 }), /invalid learning rate/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), /Nesterov/);
  assert.throws(() => new optim.Adam([p], { betas: [1.2, 0.9] }), /betas/);
  assert.throws(() => new optim.SGD([{ params: [p], lrr: 1 } as never]), /unknown option 'lrr'/);
  const opt = new optim.SGD([p], { lr: 0.1 });
  assert.throws(() => opt.loadStateDict({ state: {}, paramGroups: [] }), /0 parameter groups saved, 1 here/);
});

test("clipGradNorm_ rescales to the max norm and returns the norm before", () => {
  const a = nb.zeros([2]).requiresGrad_();
  const b = nb.zeros([1]).requiresGrad_();
  a.mul(nb.tensor([3, 0], f64).to("float32"))
    .sum()
    .backward();
  b.mul(4).sum().backward();
  const n = optim.clipGradNorm_([a, b], 1);
  assert.ok(Math.abs(n - 5) < 1e-5);
  const after = Math.hypot(...(a.grad!.tolist() as number[]), ...(b.grad!.tolist() as number[]));
  assert.ok(Math.abs(after - 1) < 1e-4);
  optim.clipGradValue_([a, b], 0.1);
  assert.deepEqual(
    (a.grad!.tolist() as number[]).map((v) => Math.round(v * 1e6) / 1e6),
    [0.1, 0],
  );
});
