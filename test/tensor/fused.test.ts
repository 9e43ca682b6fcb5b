// The fused softmax, logSoftmax and layerNorm (one kernel each way) against the composites they
// replace — values and gradients in float32 — and finite-difference gradient checks in float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

const gen = new nb.Generator(31);
const randn = (shape: number[], dtype: nb.DType = "float32") => nb.randn(shape, { dtype, generator: gen });

function close(a: nb.Tensor, b: nb.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const [x, y] = [a.dataSync(), b.dataSync()];
  x.forEach((v, i) =>
    assert.ok(Math.abs(v - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}[${i}]: ${v} vs ${y[i]}`),
  );
}

/** The value of f and the gradient it sends back to each input for a fixed upstream gradient. */
function valueAndGrads(
  f: (...xs: nb.Tensor[]) => nb.Tensor,
  inputs: nb.Tensor[],
  up: nb.Tensor,
): nb.Tensor[] {
  const xs = inputs.map((t) => t.detach().requiresGrad_());
  const y = f(...xs);
  y.mul(up).sum().backward();
  return [y.detach(), ...xs.map((t) => t.grad!)];
}

test("softmax and logSoftmax over the last dim: the fused kernels give the composite's values and gradients", () => {
  for (const shape of [
    [1, 7],
    [3, 33],
    [2, 4, 65],
  ]) {
    const x = randn(shape).mul(4);
    const up = randn(shape);
    for (const name of ["softmax", "logSoftmax"] as const) {
      // along the last dim the fused kernel runs; moved to dim 0 the same rows take the composite
      const fused = valueAndGrads((t) => t[name](-1), [x], up);
      const last = shape.length - 1;
      const composite = valueAndGrads((t) => t.transpose(last, 0)[name](0).transpose(0, last), [x], up);
      fused.forEach((t, i) => close(t, composite[i]!, 2e-6, `${name} ${i ? "grad" : "value"} [${shape}]`));
    }
  }
  // a fully masked row gives NaN, as in PyTorch; masked entries of other rows are exactly 0
  const masked = nb
    .tensor([
      [-Infinity, -Infinity],
      [0, -Infinity],
    ])
    .softmax(-1)
    .dataSync();
  assert.ok(Number.isNaN(masked[0]!) && Number.isNaN(masked[1]!));
  assert.deepEqual([masked[2], masked[3]], [1, 0]);
});

test("causalSoftmax: the kernel's mask gives the masked composite's values and gradients, any diagonal", () => {
  for (const [shape, diagonal] of [
    [[2, 3, 5, 5], 0],
    [[4, 7], 3], // bottom-right: 4 queries at the last 4 of 7 keys
    [[3, 6, 9], -2], // the first two rows see nothing: NaN, as an all −∞ row
  ] as const) {
    const x = randn([...shape]).mul(3);
    const up = randn([...shape]);
    const [L, S] = shape.slice(-2) as [number, number];
    const allowed = nb.ones([L, S], { dtype: "bool" }).tril(diagonal);
    const fused = valueAndGrads((t) => nb.causalSoftmax(t, diagonal), [x], up);
    const composite = valueAndGrads((t) => nb.where(allowed, t, -Infinity).softmax(-1), [x], up);
    const [a, b] = [fused[0]!.dataSync(), composite[0]!.dataSync()];
    a.forEach((v, i) =>
      assert.ok(Object.is(v, b[i]) || Math.abs(v - b[i]!) <= 2e-6, `value ${i}: ${v} vs ${b[i]}`),
    );
    if (diagonal >= 0) close(fused[1]!, composite[1]!, 2e-6, `grad [${shape}] diagonal ${diagonal}`);
  }
  assert.throws(() => nb.causalSoftmax(nb.zeros([3])), /causalSoftmax: needs a \[\.\.\., L, S\] input/);
});

test("layerNorm: the fused kernel gives the composite's values and gradients, with or without weight and bias", () => {
  const composite = (x: nb.Tensor, dims: number[], w?: nb.Tensor, b?: nb.Tensor) => {
    const mu = x.mean(dims, { keepdim: true });
    const c = x.sub(mu);
    let y = c.mul(c.square().mean(dims, { keepdim: true }).add(1e-5).rsqrt());
    if (w) y = y.mul(w);
    return b ? y.add(b) : y;
  };
  for (const [shape, norm] of [
    [[4, 10], [10]],
    [
      [2, 3, 4, 5],
      [4, 5],
    ],
  ] as const) {
    const x = randn([...shape])
      .mul(3)
      .add(1);
    const w = randn([...norm]);
    const b = randn([...norm]);
    const up = randn([...shape]);
    const dims = norm.map((_, i) => shape.length - norm.length + i);
    for (const affine of [true, false]) {
      const ins = affine ? [x, w, b] : [x];
      const fused = valueAndGrads(
        (t, ww, bb) => nb.layerNorm(t, [...norm], { weight: ww, bias: bb }),
        ins,
        up,
      );
      const comp = valueAndGrads((t, ww, bb) => composite(t, dims, ww, bb), ins, up);
      fused.forEach((t, i) => close(t, comp[i]!, 3e-5, `layerNorm [${shape}] affine=${affine} output ${i}`));
    }
  }
});

test("gradcheck (float64): fused softmax, logSoftmax and layerNorm over two trailing dims", () => {
  const r = (...s: number[]) => nb.randn(s, { dtype: "float64", generator: gen, requiresGrad: true });
  assert.ok(nb.gradcheck((x) => x.softmax(-1), [r(3, 5)]).ok);
  assert.ok(nb.gradcheck((x) => x.logSoftmax(-1), [r(2, 2, 4)]).ok);
  assert.ok(nb.gradcheck((x) => nb.causalSoftmax(x, 1), [r(2, 3, 5)]).ok);
  assert.ok(
    nb.gradcheck((x, w, b) => nb.layerNorm(x, [2, 3], { weight: w, bias: b }), [r(4, 2, 3), r(2, 3), r(2, 3)])
      .ok,
  );
  assert.ok(nb.gradcheck((x, b) => nb.layerNorm(x, [5], { bias: b }), [r(3, 5), r(5)]).ok);
});

test("layerNorm: a clear error for shapes that do not fit", () => {
  const x = nb.zeros([2, 3]);
  assert.throws(
    () => nb.layerNorm(x, [2]),
    /layerNorm: input \[2, 3\] does not end with the normalized shape \[2\]/,
  );
  assert.throws(
    () => nb.layerNorm(x, [3], { weight: nb.ones([1, 3]) }),
    /layerNorm: weight has shape \[1, 3\], the normalized shape is \[3\]/,
  );
  assert.throws(
    () => nb.layerNorm(nb.zeros([2, 3], { dtype: "int32" }), [3]),
    /layerNorm: needs a floating-point input, got int32/,
  );
});

test("GELU (tanh) on a backend without its fused kernels runs the composite, with the same values and gradients", async () => {
  const { ReferenceBackend } = await import("../../src/backend/reference/backend.js");
  class NoFusedGelu extends ReferenceBackend {
    override readonly name = "no-fused-gelu" as "reference";
    override supports(k: nb.KernelName, d: nb.DType, op?: string): boolean {
      return op !== "geluTanh" && op !== "geluTanhBackward" && super.supports(k, d);
    }
  }
  const prev = nb.getBackend().name;
  const x0 = [-3, -0.5, 0, 0.7, 2.5];
  const run = () => {
    const x = nb.tensor(x0, { dtype: "float64" }).requiresGrad_();
    const y = nb.gelu(x, { approximate: "tanh" });
    y.sum().backward();
    return [[...y.dataSync()], [...x.grad!.dataSync()]];
  };
  const fused = run();
  nb.registerBackend(new NoFusedGelu());
  nb.setBackend("no-fused-gelu");
  try {
    const composite = run();
    composite.forEach((vals, i) =>
      vals.forEach((v, j) => assert.ok(Math.abs(v - fused[i]![j]!) < 1e-12, `${i}:${j}`)),
    );
  } finally {
    nb.setBackend(prev);
  }
});

test("addmm on a backend that cannot add a bias inside its product adds it after, with the same values and gradients", async () => {
  const { ReferenceBackend } = await import("../../src/backend/reference/backend.js");
  class NoBias extends ReferenceBackend {
    override readonly name = "no-matmul-bias" as "reference";
    override supports(k: nb.KernelName, d: nb.DType, op?: string): boolean {
      return !(k === "matmul" && op === "bias") && super.supports(k, d);
    }
  }
  const prev = nb.getBackend().name;
  const run = () => {
    const g = new nb.Generator(4);
    const [c, a, b] = [[3], [2, 4], [4, 3]].map((s) =>
      nb.randn(s, { dtype: "float64", generator: g }).requiresGrad_(),
    );
    const y = nb.addmm(c!, a!, b!);
    y.square().sum().backward();
    return [y, c!.grad!, a!.grad!, b!.grad!].map((t) => [...t.dataSync()]);
  };
  const fused = run();
  nb.registerBackend(new NoBias());
  nb.setBackend("no-matmul-bias");
  try {
    run().forEach((vals, i) =>
      vals.forEach((v, j) => assert.ok(Math.abs(v - fused[i]![j]!) < 1e-12, `${i}:${j}`)),
    );
  } finally {
    nb.setBackend(prev);
  }
});
