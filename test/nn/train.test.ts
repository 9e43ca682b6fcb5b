// End to end: small models built from nn layers learn toy tasks with nabla/optim, so gradients reach
// every parameter through the modules (conv, norm, attention, embedding) and the losses.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import { Adam } from "../../src/optim/index.js";

function fit(model: nn.Module, lossOf: () => nb.Tensor, steps: number, lr = 0.05): [number, number] {
  const opt = new Adam([...model.parameters()], { lr });
  let first = NaN;
  let last = NaN;
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = lossOf();
    loss.backward();
    opt.step();
    if (i === 0) first = loss.item();
    last = loss.item();
  }
  return [first, last];
}

test("an MLP with BatchNorm and Dropout learns XOR-like classes with crossEntropy", () => {
  const gen = new nb.Generator(0);
  const x = nb.randn([64, 2], { generator: gen });
  const y = x.select(1, 0).mul(x.select(1, 1)).gt(0).int();
  const model = new nn.Sequential(
    new nn.Linear(2, 16, { generator: gen }),
    new nn.BatchNorm1d(16),
    new nn.ReLU(),
    new nn.Dropout(0.1, { generator: gen }),
    new nn.Linear(16, 2, { generator: gen }),
  );
  const [first, last] = fit(
    model,
    () => nn.functional.crossEntropy(model.forward(x), y, { labelSmoothing: 0.05 }),
    150,
  );
  model.eval();
  const acc = model.forward(x).argmax(1).eq(y).float().mean().item();
  assert.ok(last < first / 2 && acc > 0.9, `loss ${first} → ${last}, accuracy ${acc}`);
});

test("a causal Transformer block over embeddings learns to copy the previous token", () => {
  const gen = new nb.Generator(1);
  const V = 5;
  const T = 6;
  class TinyLM extends nn.Module {
    emb = new nn.Embedding(V, 16, { generator: gen });
    pos = new nn.SinusoidalPositionalEncoding(16, T);
    block = new nn.TransformerEncoderLayer(16, 2, {
      dimFeedforward: 32,
      dropout: 0,
      normFirst: true,
      batchFirst: true,
      generator: gen,
    });
    head = new nn.Linear(16, V, { generator: gen });
    forward(idx: nb.Tensor): nb.Tensor {
      return this.head.forward(
        this.block.forward(this.pos.forward(this.emb.forward(idx)), { isCausal: true }),
      );
    }
  }
  const model = new TinyLM();
  const idx = nb.randint(0, V, [8, T], { generator: gen });
  const target = nb.cat([nb.full([8, 1], -100, { dtype: "int32" }), idx.slice(1, 0, T - 1)], 1); // predict x[t-1]
  const lossOf = () => nn.functional.crossEntropy(model.forward(idx).permute(0, 2, 1), target);
  const [first, last] = fit(model, lossOf, 80, 0.02);
  assert.ok(last < 0.2 * first, `loss ${first} → ${last}`);
});
