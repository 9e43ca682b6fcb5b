// Finite-difference checks (float64) of the nn functions' gradients: normalisations, attention with
// masks, positional rotations, gated and parametric activations, and the losses with options.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

const F = nn.functional;
const gen = new nb.Generator(42);
const r = (...shape: number[]) => nb.randn(shape, { dtype: "float64", generator: gen, requiresGrad: true });
const check = (fn: (...xs: nb.Tensor[]) => nb.Tensor | nb.Tensor[], inputs: nb.Tensor[]) =>
  assert.ok(nb.gradcheck(fn, inputs).ok);

test("gradcheck: layerNorm, rmsNorm and batchNorm (training statistics) with their affine parameters", () => {
  check((x, w, b) => F.layerNorm(x, [2, 3], w, b), [r(2, 2, 3), r(2, 3), r(2, 3)]);
  check((x, w) => F.rmsNorm(x, [3], w, 1e-3), [r(2, 3), r(3)]);
  check((x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }), [r(3, 2, 2), r(2), r(2)]);
  // in training the running statistics are updated in place but do not enter the gradient
  const bn = new nn.BatchNorm1d(2).double();
  check((x) => bn.forward(x), [r(4, 2)]);
});

test("gradcheck: attention through masks (bool, float, causal) and MultiheadAttention's inputs", () => {
  const mask = nb.tensor([
    [true, false, true],
    [true, true, false],
  ]);
  check((q, k, v) => nn.scaledDotProductAttention(q, k, v, { attnMask: mask }), [r(2, 4), r(3, 4), r(3, 2)]);
  check(
    (q, k, v) => nn.scaledDotProductAttention(q, k, v, { isCausal: true }),
    [r(1, 3, 2), r(1, 3, 2), r(1, 3, 2)],
  );
  const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true, dtype: "float64", generator: gen });
  const kpm = nb.tensor([[false, false, true]]);
  const floatMask = nb.randn([2, 3], { dtype: "float64", generator: gen });
  check(
    (q, k, v) => mha.forward(q, k, v, { keyPaddingMask: kpm, attnMask: floatMask }) as nb.Tensor[],
    [r(1, 2, 4), r(1, 3, 4), r(1, 3, 4)],
  );
  check(
    (x) => mha.forward(x, x, x, { isCausal: true, averageAttnWeights: false }) as nb.Tensor[],
    [r(1, 3, 4)],
  );
});

test("gradcheck: a pre-norm Transformer block, RoPE and the sinusoidal encoding", () => {
  const block = new nn.TransformerEncoderLayer(4, 2, {
    dimFeedforward: 6,
    dropout: 0,
    normFirst: true,
    activation: "gelu",
    batchFirst: true,
    dtype: "float64",
    generator: gen,
  });
  check((x) => block.forward(x, { isCausal: true }), [r(1, 3, 4)]);
  const rope = new nn.RotaryEmbedding(4);
  check((x) => rope.forward(x, 2), [r(2, 3, 4)]);
  const pe = new nn.SinusoidalPositionalEncoding(4, 10, { dtype: "float64" });
  check((x) => pe.forward(x, 1), [r(3, 4)]);
});

test("gradcheck: bilinear, glu, prelu, normalize and linear", () => {
  check((a, b, w, bias) => F.bilinear(a, b, w, bias), [r(2, 3), r(2, 2), r(2, 3, 2), r(2)]);
  check((x) => F.glu(x, 1), [r(2, 4)]);
  check((x, w) => F.prelu(x, w), [r(2, 3, 2), r(3)]);
  check((x) => F.normalize(x, { dim: -1 }), [r(3, 4)]);
  check((x, w, b) => F.linear(x, w, b), [r(2, 3), r(4, 3), r(4)]);
});

test("gradcheck: losses with their options", () => {
  const t = nb.tensor([0, 2, 1, 2], { dtype: "int32" });
  const w = nb.tensor([0.5, 2, 1.5], { dtype: "float64" });
  check((x) => F.crossEntropy(x, t, { weight: w, ignoreIndex: 1, labelSmoothing: 0.2 }), [r(4, 3)]);
  check((x, p) => F.crossEntropy(x, p.softmax(1), { labelSmoothing: 0.1 }), [r(2, 3, 2), r(2, 3, 2)]);
  check((x) => F.nllLoss(x.logSoftmax(1), nb.tensor([[1, 0]], { dtype: "int32" })), [r(1, 3, 2)]);
  check((x, y) => F.binaryCrossEntropyWithLogits(x, y.sigmoid(), { posWeight: w }), [r(2, 3), r(2, 3)]);
  check((x) => F.binaryCrossEntropy(x.sigmoid(), nb.full([2, 2], 0.3, { dtype: "float64" })), [r(2, 2)]);
  check((x, y) => F.klDiv(x.logSoftmax(1), y.softmax(1), { reduction: "batchmean" }), [r(2, 3), r(2, 3)]);
  check((x, y) => F.klDiv(x, y, { logTarget: true }), [r(2, 3), r(2, 3)]);
  check((x) => F.multiMarginLoss(x, t, { p: 2, margin: 0.9, weight: w }), [r(4, 3)]);
  check((x, y) => F.huberLoss(x, y, { delta: 0.5 }), [r(5), r(5)]);
  check((x, y) => F.smoothL1Loss(x, y, { beta: 0.5, reduction: "sum" }), [r(5), r(5)]);
  check((a, b) => F.cosineSimilarity(a, b, -1), [r(2, 3), r(2, 3)]);
});
