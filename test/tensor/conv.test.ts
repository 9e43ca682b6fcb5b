// Convolution and pooling against PyTorch fixtures (scripts/fixtures/conv.py): forward values and
// gradients of input, weight and bias, contiguous and strided inputs; plus errors and FD checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { fold, unfold, type UnfoldAttrs } from "../../src/ops/primitives/conv.js";
import { apply } from "../../src/tensor/tensor.js";
import { replayFixtures } from "../helpers/fixtures.js";

replayFixtures("conv", {
  conv2d: (x, w, b) => nb.conv2d(x!, w!, b),
  conv2dNoBias: (x, w) => nb.conv2d(x!, w!),
  conv2dStride2Pad1: (x, w, b) => nb.conv2d(x!, w!, b, { stride: 2, padding: 1 }),
  conv2dPad2: (x, w, b) => nb.conv2d(x!, w!, b, { padding: 2 }),
  conv2dDilation2: (x, w, b) => nb.conv2d(x!, w!, b, { dilation: 2, padding: 2 }),
  conv2dGroups2: (x, w, b) => nb.conv2d(x!, w!, b, { padding: 1, groups: 2 }),
  conv2dDepthwise: (x, w, b) => nb.conv2d(x!, w!, b, { padding: 1, groups: 3 }),
  conv2dDepthMult: (x, w, b) => nb.conv2d(x!, w!, b, { groups: 2 }),
  conv2d1x1: (x, w, b) => nb.conv2d(x!, w!, b),
  conv2dNonSquare: (x, w, b) => nb.conv2d(x!, w!, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
  conv2dOdd: (x, w, b) => nb.conv2d(x!, w!, b, { stride: 3, padding: [1, 0] }),
  conv2dSame: (x, w, b) => nb.conv2d(x!, w!, b, { padding: "same" }),
  conv2dSameDilated: (x, w) => nb.conv2d(x!, w!, null, { padding: "same", dilation: [1, 2] }),
  conv2dValid: (x, w, b) => nb.conv2d(x!, w!, b, { padding: "valid" }),
  conv2dUnbatched: (x, w, b) => nb.conv2d(x!, w!, b, { padding: 1 }),
  conv2dOnePixel: (x, w, b) => nb.conv2d(x!, w!, b),
  conv2dEmptyBatch: (x, w, b) => nb.conv2d(x!, w!, b),

  conv1d: (x, w, b) => nb.conv1d(x!, w!, b),
  conv1dNoBias: (x, w) => nb.conv1d(x!, w!),
  conv1dStride2Pad1: (x, w, b) => nb.conv1d(x!, w!, b, { stride: 2, padding: 1 }),
  conv1dDilation2: (x, w, b) => nb.conv1d(x!, w!, b, { dilation: 2, padding: 2 }),
  conv1dGroups2: (x, w, b) => nb.conv1d(x!, w!, b, { groups: 2 }),
  conv1dDepthwise: (x, w, b) => nb.conv1d(x!, w!, b, { padding: 2, groups: 3 }),
  conv1dSame: (x, w, b) => nb.conv1d(x!, w!, b, { padding: "same" }),
  conv1dUnbatched: (x, w, b) => nb.conv1d(x!, w!, b),

  maxPool2d: (x) => nb.maxPool2d(x!, 2),
  maxPool2dOverlap: (x) => nb.maxPool2d(x!, 3, { stride: 2 }),
  maxPool2dPad: (x) => nb.maxPool2d(x!, 3, { stride: 2, padding: 1 }),
  maxPool2dDilation: (x) => nb.maxPool2d(x!, 2, { stride: 1, padding: 1, dilation: 2 }),
  maxPool2dNonSquare: (x) => nb.maxPool2d(x!, [2, 3], { stride: [1, 2], padding: [1, 1] }),
  maxPool2dTies: (x) => nb.maxPool2d(x!, 2, { stride: 1 }),
  maxPool2dTiesPad: (x) => nb.maxPool2d(x!, 3, { stride: 2, padding: 1 }),
  maxPool2dCeil: (x) => nb.maxPool2d(x!, 3, { stride: 2, ceilMode: true }),
  maxPool2dCeilPad: (x) => nb.maxPool2d(x!, 2, { stride: 2, padding: 1, ceilMode: true }),
  maxPool2dIndices: (x) => nb.maxPool2d(x!, 3, { stride: 2, padding: 1, returnIndices: true }),
  maxPool2dNegInf: (x) => nb.maxPool2d(x!, 2, { stride: 2, padding: 1 }),
  maxPool2dUnbatched: (x) => nb.maxPool2d(x!, 2),
  maxPool2dThin: (x) => nb.maxPool2d(x!, [1, 2]),
  maxPool2dEmptyBatch: (x) => nb.maxPool2d(x!, 2),
  maxPool1d: (x) => nb.maxPool1d(x!, 3, { stride: 2, padding: 1 }),
  maxPool1dTies: (x) => nb.maxPool1d(x!, 3, { stride: 1 }),
  maxPool1dCeil: (x) => nb.maxPool1d(x!, 3, { stride: 2, ceilMode: true }),
  maxPool1dIndices: (x) => nb.maxPool1d(x!, 2, { dilation: 2, padding: 1, returnIndices: true }),

  avgPool2d: (x) => nb.avgPool2d(x!, 2),
  avgPool2dPad: (x) => nb.avgPool2d(x!, 3, { stride: 2, padding: 1 }),
  avgPool2dPadExclude: (x) => nb.avgPool2d(x!, 3, { stride: 2, padding: 1, countIncludePad: false }),
  avgPool2dCeil: (x) => nb.avgPool2d(x!, 3, { stride: 2, ceilMode: true }),
  avgPool2dCeilPad: (x) => nb.avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true }),
  avgPool2dCeilPadExclude: (x) =>
    nb.avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  avgPool2dDivisor: (x) => nb.avgPool2d(x!, 2, { stride: 1, divisorOverride: 3 }),
  avgPool2dNonSquare: (x) => nb.avgPool2d(x!, [3, 2], { stride: [1, 2], padding: [1, 0] }),
  avgPool2dUnbatched: (x) => nb.avgPool2d(x!, 2, { stride: 1 }),
  avgPool1d: (x) => nb.avgPool1d(x!, 2),
  avgPool1dPadExclude: (x) => nb.avgPool1d(x!, 3, { stride: 2, padding: 1, countIncludePad: false }),
  avgPool1dCeil: (x) => nb.avgPool1d(x!, 4, { stride: 3, padding: 1, ceilMode: true }),

  adaptiveAvgPool2dGlobal: (x) => nb.adaptiveAvgPool2d(x!, 1),
  adaptiveAvgPool2d: (x) => nb.adaptiveAvgPool2d(x!, [3, 2]),
  adaptiveAvgPool2dKeepH: (x) => nb.adaptiveAvgPool2d(x!, [null, 4]),
  adaptiveAvgPool2dUp: (x) => nb.adaptiveAvgPool2d(x!, [5, 4]),
  adaptiveAvgPool2dUnbatched: (x) => nb.adaptiveAvgPool2d(x!, 3),
  adaptiveAvgPool1d: (x) => nb.adaptiveAvgPool1d(x!, 4),
});

const f64 = (...shape: number[]) => nb.randn(shape, { dtype: "float64", requiresGrad: true });

test("conv: float64 gradients match central finite differences", () => {
  nb.manualSeed(3);
  const cases: [string, nb.Tensor[], (...xs: nb.Tensor[]) => nb.Tensor][] = [
    [
      "conv2d stride/pad/dilation/groups",
      [f64(1, 4, 5, 4), f64(2, 2, 2, 3), f64(2)],
      (x, w, b) => nb.conv2d(x!, w!, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }),
    ],
    [
      "conv2d same",
      [f64(1, 1, 4, 4), f64(2, 1, 2, 2)],
      (x, w) => nb.conv2d(x!, w!, null, { padding: "same" }),
    ],
    [
      "conv1d",
      [f64(2, 2, 6), f64(2, 1, 3), f64(2)],
      (x, w, b) => nb.conv1d(x!, w!, b, { padding: 1, groups: 2 }),
    ],
    ["maxPool2d", [f64(1, 2, 5, 5)], (x) => nb.maxPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true })],
    ["maxPool1d", [f64(2, 1, 7)], (x) => nb.maxPool1d(x!, 2, { dilation: 2 })],
    [
      "avgPool2d",
      [f64(1, 2, 5, 4)],
      (x) => nb.avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    ],
    ["adaptiveAvgPool2d", [f64(1, 1, 5, 4)], (x) => nb.adaptiveAvgPool2d(x!, [3, 3])],
  ];
  for (const [name, inputs, fn] of cases) {
    const report = nb.gradcheck(fn, inputs, { atol: 1e-7, rtol: 1e-6 });
    assert.ok(report.ok, name);
  }
});

test("maxPool2d: ties go to the first maximum in row-major order, in the indices and the gradient", () => {
  const x = nb.tensor(
    [
      [
        [3, 1, 3],
        [0, 3, 2],
        [3, 1, 0],
      ],
    ],
    { dtype: "float32", requiresGrad: true },
  );
  const [out, idx] = nb.maxPool2d(x, 2, { stride: 1, returnIndices: true });
  assert.deepEqual(out.tolist(), [
    [
      [3, 3],
      [3, 3],
    ],
  ]);
  assert.equal(idx.dtype, "int32");
  assert.deepEqual(idx.tolist(), [
    [
      [0, 2],
      [4, 4],
    ],
  ]); // flat offsets into the 3×3 plane
  out.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [
    [
      [1, 0, 1],
      [0, 2, 0],
      [0, 0, 0],
    ],
  ]);
  assert.ok(nb.maxPool2d(x, 2) instanceof nb.Tensor);
});

test("conv: shape errors name the op, the shapes and the rule", () => {
  const x = nb.zeros([1, 4, 5, 5]);
  const throwsShape = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof nb.ShapeError && re.test(e.message));
  const throwsNabla = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof nb.NablaError && re.test(e.message));
  throwsShape(
    () => nb.conv2d(x, nb.zeros([2, 2, 3, 3])),
    /^conv2d: input \[1,4,5,5\] has 4 channels but weight \[2,2,3,3\] with groups=1 expects 2 \(weight\.shape\[1\] · groups\)$/,
  );
  throwsShape(
    () => nb.conv2d(x, nb.zeros([3, 2, 3, 3]), null, { groups: 2 }),
    /^conv2d: weight \[3,2,3,3\] has 3 output channels, which groups=2 does not divide$/,
  );
  throwsShape(
    () => nb.conv2d(nb.zeros([1, 3, 5, 5]), nb.zeros([2, 1, 3, 3]), null, { groups: 2 }),
    /^conv2d: input \[1,3,5,5\] has 3 channels, which groups=2 does not divide$/,
  );
  throwsShape(
    () => nb.conv2d(x, nb.zeros([2, 4, 7, 3])),
    /^conv2d: kernel \[7,3\] \(dilated to \[7,3\]\) is larger than the padded input \[5,5\] \(input \[5,5\] with padding \[0,0\] on each side\)$/,
  );
  throwsShape(() => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), null, { dilation: 3 }), /dilated to \[7,7\]/);
  throwsShape(
    () => nb.conv2d(nb.zeros([5, 5]), nb.zeros([2, 1, 3, 3])),
    /^conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got \[5,5\]$/,
  );
  throwsShape(
    () => nb.conv1d(nb.zeros([1, 2, 5]), nb.zeros([2, 2, 3, 3])),
    /^conv1d: weight must be 3-D \[outChannels, inChannels\/groups, kW\], got \[2,2,3,3\]$/,
  );
  throwsShape(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), nb.zeros([3])),
    /^conv2d: bias must be 1-D with 2 elements \(weight \[2,4,3,3\]\), got \[3\]$/,
  );
  throwsNabla(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), null, { stride: 2, padding: "same" }),
    /^conv2d: padding="same" needs stride 1/,
  );
  throwsNabla(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3], { dtype: "float64" })),
    /^conv2d: input is float32 but weight is float64/,
  );
  throwsNabla(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), null, { stride: 0 }),
    /^conv2d: stride must hold integers ≥ 1, got 0$/,
  );
  throwsNabla(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), null, { padding: [1, 1, 1] }),
    /^conv2d: padding must be an int or a list of 2 ints, got \[1,1,1\]$/,
  );
  throwsNabla(
    () => nb.conv2d(x, nb.zeros([2, 4, 3, 3]), null, { groups: 0 }),
    /^conv2d: groups must be a positive integer/,
  );
});

test("pooling: errors name the op, the shapes and the rule", () => {
  const throwsRe = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => re.test(e.message));
  throwsRe(
    () => nb.maxPool2d(nb.zeros([1, 1, 5, 5]), 3, { padding: 2 }),
    /^maxPool2d: padding \[2,2\] must be at most half of kernelSize \[3,3\]/,
  );
  throwsRe(
    () => nb.maxPool2d(nb.zeros([1, 1, 2, 2]), 3),
    /^maxPool2d: input \[1,1,2,2\] is too small for kernelSize \[3,3\] with padding \[0,0\] and dilation \[1,1\]: the output would be \[0,0\]$/,
  );
  throwsRe(
    () => nb.avgPool1d(nb.zeros([4]), 2),
    /^avgPool1d: expected a 2-D \(unbatched\) or 3-D \(batched\) input, got \[4\]$/,
  );
  throwsRe(
    () => nb.maxPool2d(nb.zeros([1, 2, 4, 4], { dtype: "int32" }), 2),
    /^maxPool2d: needs a floating-point input, got int32/,
  );
  throwsRe(
    () => nb.avgPool2d(nb.zeros([1, 1, 4, 4]), 2, { divisorOverride: 0 }),
    /^avgPool2d: divisorOverride must be a nonzero integer, got 0$/,
  );
  throwsRe(
    () => nb.adaptiveAvgPool2d(nb.zeros([1, 1, 4, 4]), [2, 2, 2]),
    /^adaptiveAvgPool2d: outputSize must be an int or a list of 2 ints/,
  );
});

test("unfold and fold are adjoint (⟨unfold x, y⟩ = ⟨x, fold y⟩), including strided x and explicit outSize", () => {
  nb.manualSeed(5);
  const geos: [number[], UnfoldAttrs][] = [
    [[2, 3, 5, 6], { kernel: [3, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], padValue: 0 }],
    [
      [1, 2, 4, 4],
      { kernel: [2, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1], padValue: 0, outSize: [3, 4] },
    ],
    [[2, 2, 7], { kernel: [3], stride: [2], padding: [2], dilation: [2], padValue: 0 }],
    [[1, 1, 5], { kernel: [4], stride: [1], padding: [1], dilation: [1], padValue: 0, outSize: [5] }],
  ];
  for (const [shape, g] of geos) {
    const x = nb.randn(shape, { dtype: "float64" }).transpose(-1, -2).contiguous().transpose(-1, -2);
    const cols = apply(unfold, [x], g);
    const y = nb.randn(cols.shape, { dtype: "float64" });
    const back = apply(fold, [y], { ...g, spatial: shape.slice(2) });
    assert.deepEqual(back.shape, shape);
    const lhs = cols.mul(y).sum().item();
    const rhs = x.mul(back).sum().item();
    assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)), `${JSON.stringify(g)}: ${lhs} vs ${rhs}`);
  }
  // fold's own gradient (an unfold with the cols' output size)
  const g: UnfoldAttrs = { kernel: [2, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 1], padValue: 0 };
  const y = f64(...apply(unfold, [nb.zeros([1, 1, 3, 4])], g).shape);
  assert.ok(nb.gradcheck((t) => apply(fold, [t!], { ...g, spatial: [3, 4] }), [y]).ok);
});
