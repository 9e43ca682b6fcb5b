// Errors are part of the API: each names the op or module, the shapes involved and the rule broken.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

const F = nn.functional;
const int = (v: nb.NestedArray) => nb.tensor(v, { dtype: "int32" });

test("layer shape errors", () => {
  assert.throws(
    () => new nn.BatchNorm2d(3).forward(nb.zeros([2, 3, 4])),
    /BatchNorm2d: expected a 4-D input \[N, C, H, W\], got \[2,3,4\]/,
  );
  assert.throws(
    () => new nn.BatchNorm1d(3).forward(nb.zeros([2, 4])),
    /BatchNorm1d: input \[2,4\] has 4 channels in dim 1, expected numFeatures = 3/,
  );
  assert.throws(
    () => new nn.BatchNorm1d(3).forward(nb.zeros([1, 3])),
    /batchNorm: expected more than 1 value per channel when training, got input \[1, 3\]/,
  );
  assert.throws(
    () => new nn.LayerNorm([2, 3]).forward(nb.zeros([3, 2])),
    /layerNorm: input \[3, 2\] does not end with the normalized shape \[2, 3\]/,
  );
  assert.throws(
    () => new nn.RMSNorm(4).forward(nb.zeros([4, 3])),
    /rmsNorm: input \[4, 3\] does not end with the normalized shape \[4\]/,
  );
  assert.throws(
    () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    /Conv2d: inChannels 3 and outChannels 4 must be divisible by groups 2/,
  );
  assert.throws(
    () => new nn.Conv1d(2, 2, 3, { padding: "same", stride: 2 }),
    /Conv1d: padding "same" needs stride 1/,
  );
  assert.throws(
    () => new nn.Embedding(5, 2, { paddingIdx: 5 }),
    /Embedding: paddingIdx must be an integer in \[-5, 5\), got 5/,
  );
  assert.throws(() => new nn.Embedding(5, 2).forward(int([1, 5])), /embedding: index 5 is out of bounds/);
  assert.throws(
    () => nn.Embedding.fromPretrained(nb.tensor([[1, 2]])),
    /Embedding.fromPretrained: embeddings must be float32 or float64, got int32/,
  );
  assert.throws(() => new nn.Dropout(1.5), /Dropout: probability must be in \[0, 1\], got 1.5/);
  assert.throws(() => new nn.RotaryEmbedding(5), /RotaryEmbedding: dim must be even, got 5/);
  assert.throws(
    () => new nn.RotaryEmbedding(4).forward(nb.zeros([3, 6])),
    /RotaryEmbedding: input \[3,6\] must be \[\.\.\., T, dim\] with dim = 4/,
  );
  assert.throws(
    () => new nn.SinusoidalPositionalEncoding(4, 5).forward(nb.zeros([6, 4])),
    /positions up to 6 exceed maxLen 5/,
  );
  assert.throws(
    () => F.glu(nb.zeros([2, 3])),
    /glu: dim -1 of input \[2, 3\] must exist and have an even size/,
  );
  assert.throws(
    () => new nn.PReLU(3).forward(nb.zeros([2, 4])),
    /prelu: weight has 3 entries but input \[2, 4\] has 4 channels \(dim 1\)/,
  );
  assert.throws(
    () => new nn.Bilinear(2, 3, 4).forward(nb.zeros([5, 2]), nb.zeros([4, 3])),
    /bilinear: inputs \[5, 2\] and \[4, 3\] need equal leading dims/,
  );
});

test("MultiheadAttention names the shapes and the rule", () => {
  assert.throws(
    () => new nn.MultiheadAttention(10, 3),
    /MultiheadAttention: embedDim 10 must be divisible by numHeads 3/,
  );
  const m = new nn.MultiheadAttention(4, 2, { batchFirst: true });
  const x = nb.zeros([2, 3, 4]);
  assert.throws(
    () => m.forward(nb.zeros([2, 3, 5]), x, x),
    /query \[2, 3, 5\].*query's last dim must be embedDim = 4/,
  );
  assert.throws(
    () => m.forward(x, nb.zeros([1, 3, 4]), nb.zeros([1, 3, 4])),
    /query, key and value must have the same batch size/,
  );
  assert.throws(
    () => m.forward(x, x, nb.zeros([2, 2, 4])),
    /key and value must have the same batch and length/,
  );
  assert.throws(
    () => m.forward(x, x, x, { keyPaddingMask: nb.zeros([3, 2], { dtype: "bool" }) }),
    /keyPaddingMask \[3, 2\] must be \[2, 3\] \(batch, key length\)/,
  );
  assert.throws(
    () => m.forward(x, x, x, { attnMask: nb.zeros([2, 3, 3]) }),
    /attnMask \[2, 3, 3\] must be \[3, 3\] or \[4, 3, 3\]/,
  );
  assert.throws(
    () => m.forward(nb.zeros([4]), nb.zeros([4]), nb.zeros([4])),
    /query must be 3-D \(\[N, L, E\]\) or 2-D \[L, E\] \(unbatched\)/,
  );
  assert.throws(
    () => nn.scaledDotProductAttention(nb.zeros([2, 3]), nb.zeros([2, 4]), nb.zeros([2, 4])),
    /scaledDotProductAttention: query \[2, 3\], key \[2, 4\] and value \[2, 4\] must be/,
  );
  assert.throws(
    () =>
      nn.scaledDotProductAttention(x, x, x, { isCausal: true, attnMask: nb.ones([3, 3], { dtype: "bool" }) }),
    /give attnMask or isCausal, not both/,
  );
});

test("loss errors: shapes, target dtype and range, options", () => {
  const x = nb.zeros([3, 4]);
  assert.throws(
    () => F.mseLoss(x, nb.zeros([4, 3])),
    /mseLoss: input \[3, 4\] and target \[4, 3\] must have the same shape/,
  );
  assert.throws(
    () => F.l1Loss(x, x, { reduction: "avg" as "mean" }),
    /l1Loss: reduction must be "mean", "sum" or "none", got "avg"/,
  );
  assert.throws(
    () => F.crossEntropy(x, int([1, 2])),
    /crossEntropy: input \[3, 4\] needs a class-index target of shape \[3\], got \[2\]/,
  );
  assert.throws(
    () => F.crossEntropy(x, int([1, 2, 4])),
    /crossEntropy: target 4 is out of bounds for 4 classes \(and is not ignoreIndex -100\)/,
  );
  assert.throws(
    () => F.crossEntropy(x, nb.zeros([3])),
    /crossEntropy: probability targets must have the input's shape \[3, 4\], got \[3\] \(class indices must be int32\)/,
  );
  assert.throws(
    () => F.crossEntropy(x, nb.zeros([3, 4]), { ignoreIndex: 1 }),
    /ignoreIndex is not supported for probability targets/,
  );
  assert.throws(
    () => F.crossEntropy(x, int([0, 1, 2]), { weight: nb.ones([3]) }),
    /crossEntropy: weight \[3\] must hold one entry per class \[4\]/,
  );
  assert.throws(
    () => F.crossEntropy(x, int([0, 1, 2]), { labelSmoothing: 1.2 }),
    /labelSmoothing must be in \[0, 1\], got 1.2/,
  );
  assert.throws(
    () => F.crossEntropy(nb.zeros([]), int(0)),
    /crossEntropy: input must be \[C\], \[N, C\] or \[N, C, d1, \.\.\.\], got a 0-d tensor/,
  );
  assert.throws(
    () => F.nllLoss(nb.zeros([2, 3, 5]), int([[0, 1, 2]])),
    /nllLoss: input \[2, 3, 5\] needs a class-index target of shape \[2, 5\], got \[1, 3\]/,
  );
  assert.throws(() => F.nllLoss(x, nb.zeros([3])), /nllLoss: class-index targets must be int32, got float32/);
  assert.throws(
    () => F.binaryCrossEntropy(nb.tensor([0.5, 1.5]), nb.tensor([0, 1], { dtype: "float32" })),
    /binaryCrossEntropy: every input must be a probability in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => F.multiMarginLoss(x, int([0, 1, 2]), { p: 3 }),
    /multiMarginLoss: only p = 1 and p = 2 are supported, got 3/,
  );
  assert.throws(
    () => F.multiMarginLoss(x, int([0, 1, -1])),
    /multiMarginLoss: target -1 is out of bounds for 4 classes/,
  );
  assert.throws(() => F.smoothL1Loss(x, x, { beta: -1 }), /smoothL1Loss: beta must be >= 0, got -1/);
  assert.throws(() => F.huberLoss(x, x, { delta: 0 }), /huberLoss: delta must be > 0, got 0/);
  assert.throws(
    () => F.klDiv(x, nb.zeros([4])),
    /klDiv: input \[3, 4\] and target \[4\] must have the same shape/,
  );
});

test("ignoreIndex everywhere gives NaN for mean (0/0), as PyTorch; loss modules hold weights as buffers", () => {
  assert.ok(Number.isNaN(F.crossEntropy(nb.zeros([2, 3]), int([-100, -100])).item()));
  assert.equal(F.crossEntropy(nb.zeros([2, 3]), int([-100, -100]), { reduction: "sum" }).item(), 0);
  const ce = new nn.CrossEntropyLoss({
    weight: nb.tensor([1, 2, 3], { dtype: "float32" }),
    labelSmoothing: 0.1,
  });
  assert.deepEqual(Object.keys(ce.stateDict()), ["weight"]);
  ce.double();
  assert.equal(ce.forward(nb.zeros([2, 3], { dtype: "float64" }), int([0, 2])).dtype, "float64");
  const bce = new nn.BCEWithLogitsLoss({ posWeight: nb.ones([3]) });
  assert.deepEqual(Object.keys(bce.stateDict()), ["pos_weight"]);
  assert.ok(Math.abs(bce.forward(nb.zeros([2, 3]), nb.ones([2, 3])).item() - Math.LN2) < 1e-6);
});
