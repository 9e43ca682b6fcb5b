// The GPT model: config checks, GPT-2 initialisation and weight tying, the KV cache (incremental
// forwards equal the full one, with learned or rotary positions and MoE blocks), generation with
// the cache equal to recomputation (greedy, seeded sampling, sliding past the block), sampling
// filters, streaming text decoding, and the MoE load-balancing loss.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";
import { GPT, defaultGPTConfig, type GPTConfig } from "../../src/models/gpt.js";
import { TextStream, generate, sampleToken } from "../../src/models/gpt-sample.js";
import { BpeTokenizer, SAMPLE_TEXT, gpt2Tokenizer } from "../../src/text/index.js";

const tiny = (over: Partial<GPTConfig> = {}): GPTConfig =>
  defaultGPTConfig({ vocabSize: 11, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 8, ...over });

function model(over: Partial<GPTConfig> = {}, seed = 0): GPT {
  nb.manualSeed(seed);
  return new GPT(tiny(over)).eval();
}

const ids = (xs: number[][]) => nb.tensor(xs, { dtype: "int32" });

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test("bad configs are refused with the field named", () => {
  assert.throws(() => new GPT(tiny({ nEmbd: 10, nHead: 4 })), /nEmbd 10 must be divisible by nHead 4/);
  assert.throws(() => new GPT(tiny({ nEmbd: 6, nHead: 2, positional: "rope" })), /even head size/);
  assert.throws(() => new GPT(tiny({ vocabSize: 0 })), /vocabSize must be a positive integer/);
  assert.throws(() => new GPT(tiny({ dropout: 1 })), /dropout must be a number in \[0, 1\)/);
  const moe = { layers: [2], numExperts: 2, topK: 1, auxLossWeight: 0.01 };
  assert.throws(() => new GPT(tiny({ moe })), /moe.layers must list block indices in \[0, 2\)/);
  assert.throws(() => new GPT(tiny({ moe: { ...moe, layers: [0], topK: 3 } })), /moe.topK/);
});

test("GPT-2's parameter names, initialisation and tied output head", () => {
  nb.manualSeed(1);
  const m = new GPT(defaultGPTConfig({ vocabSize: 50, blockSize: 16, nLayer: 4, nHead: 4, nEmbd: 64 }));
  const sd = m.stateDict();
  for (const k of ["wte.weight", "wpe.weight", "h.3.ln_1.bias", "h.0.attn.c_attn.weight", "h.0.mlp.c_fc.bias", "ln_f.weight"])
    assert.ok(k in sd, k); // prettier-ignore
  assert.deepEqual(sd["h.0.attn.c_attn.weight"]!.shape, [192, 64]); // nabla's Linear: [out, in]
  const std = (t: nb.Tensor) => t.std().item();
  assert.ok(Math.abs(std(sd["h.1.attn.c_attn.weight"]!) - 0.02) < 0.002);
  assert.ok(Math.abs(std(sd["h.1.mlp.c_proj.weight"]!) - 0.02 / Math.sqrt(8)) < 0.001); // residual projections
  assert.ok(Math.abs(std(sd["wte.weight"]!) - 0.02) < 0.002);
  assert.equal(sd["h.2.attn.c_proj.bias"]!.abs().sum().item(), 0);
  assert.equal(sd["h.2.ln_2.weight"]!.sub(1).abs().sum().item(), 0);
  // the head is the embedding: counted once, and the loss's gradient reaches it
  let n = 0;
  for (const p of m.parameters()) n += p.numel();
  assert.equal(m.numParameters(), n);
  assert.equal(
    n,
    Object.values(sd).reduce((a, t) => a + t.numel(), 0),
  );
  const { logits, loss } = m.forward(ids([[1, 2, 3]]), { targets: ids([[2, 3, 4]]) });
  assert.deepEqual(logits.shape, [1, 3, 50]);
  assert.ok(Math.abs(loss!.item() - Math.log(50)) < 0.1, `initial loss ${loss!.item()} ≈ ln 50`);
  loss!.backward();
  assert.ok(
    m.wte.weight.grad!.abs().select(0, 40).sum().item() > 0,
    "unseen token rows get the head's gradient",
  );
});

test("bad inputs to forward are clear errors", () => {
  const m = model();
  assert.throws(() => m.forward(nb.zeros([1, 3])), /expected int32 token ids \[B, T\], got float32/);
  assert.throws(() => m.forward(ids([Array(13).fill(0)])), /13 positions exceed the block size 12/);
  assert.throws(() => m.forward(ids([[1, 2]]), { targets: ids([[1]]) }), /targets must be int32 \[1,2\]/);
  const cache = m.newCache();
  nb.noGrad(() => m.forward(ids([Array(10).fill(1)]), { cache }));
  assert.throws(() => m.forward(ids([[1, 2, 3]]), { cache }), /13 positions \(10 cached \+ 3 new\) exceed/);
});

for (const [name, over] of [
  ["learned positions", {}],
  ["rotary positions", { positional: "rope" as const }],
  ["a mixture-of-experts block", { moe: { layers: [1], numExperts: 3, topK: 2, auxLossWeight: 0.01 } }],
] as [string, Partial<GPTConfig>][])
  test(`the KV cache gives the full forward's logits (${name})`, () => {
    const m = model(over, 2);
    const seq = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const full = nb.noGrad(() => m.forward(ids([seq])).logits);
    // a prefill of 4, one token, then a chunk of 5: the chunk's causal mask must be aligned after the cache
    const cache = m.newCache();
    const parts = [seq.slice(0, 4), seq.slice(4, 5), seq.slice(5)];
    const pieces = parts.map((p) => nb.noGrad(() => m.forward(ids([p]), { cache }).logits));
    assert.equal(cache[0]!.k!.shape[2], seq.length);
    assertClose(nb.cat(pieces, 1).dataSync(), full.dataSync(), 1e-5, name);
  });

test("generation with the cache equals generation by recomputation: greedy, seeded, sliding", () => {
  for (const over of [{}, { positional: "rope" as const }]) {
    const m = model(over, 3);
    const greedy = (useCache: boolean) => generate(m, [1, 2], { maxNewTokens: 10, temperature: 0, useCache });
    assert.deepEqual(greedy(true), greedy(false));
    const sampled = (useCache: boolean) =>
      generate(m, [5], {
        maxNewTokens: 11,
        temperature: 1.3,
        topK: 6,
        generator: new nb.Generator(9),
        useCache,
      });
    const s = sampled(true);
    assert.deepEqual(s, sampled(false));
    assert.equal(s.length, 11);
    // past the block size (12) the window restarts from its last 6 tokens, the same way in both modes
    const slid = (useCache: boolean) =>
      generate(m, [1, 2, 3], {
        maxNewTokens: 30,
        temperature: 1,
        generator: new nb.Generator(4),
        useCache,
        slide: true,
      });
    assert.deepEqual(slid(true), slid(false));
  }
});

test("generate streams each token, restores training mode, and checks its arguments", () => {
  const m = model();
  m.train();
  const seen: number[] = [];
  const out = generate(m, [1], { maxNewTokens: 4, temperature: 0, onToken: (id) => seen.push(id) });
  assert.deepEqual(seen, out);
  assert.equal(m.training, true);
  assert.throws(() => generate(m, [1, 2], { maxNewTokens: 11 }), /prompt \(2 tokens\) plus 11 new tokens exceed the block size 12/);
  assert.throws(() => generate(m, [], { maxNewTokens: 1 }), /at least one token/);
  assert.throws(() => generate(m, [11], { maxNewTokens: 1 }), /prompt token 11 is not in the model's vocabulary \(ids 0..10\)/);
  assert.throws(() => generate(m, [1], { maxNewTokens: 1, temperature: -1 }), /temperature must be a finite number ≥ 0/);
  const long = generate(m, Array(20).fill(1), { maxNewTokens: 3, slide: true, generator: new nb.Generator(1) });
  assert.equal(long.length, 3); // a long prompt keeps its last blockSize tokens
}); // prettier-ignore

test("sampleToken: greedy, top-k, top-p and temperature", () => {
  const logits = [1, 3, 2, -1];
  assert.equal(sampleToken(logits, { temperature: 0 }), 1);
  const g = new nb.Generator(0);
  const counts = (opts: Parameters<typeof sampleToken>[1], n = 4000) => {
    const c = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) c[sampleToken(logits, { ...opts, generator: g })]!++;
    return c.map((x) => x / n);
  };
  assert.deepEqual(counts({ topK: 1 }, 50), [0, 1, 0, 0]);
  assert.deepEqual(counts({ topP: 0.1 }, 50), [0, 1, 0, 0]);
  const top2 = counts({ topK: 2 });
  assert.equal(top2[0]! + top2[3]!, 0);
  assert.ok(Math.abs(top2[1]! - 1 / (1 + Math.exp(-1))) < 0.03, `P(top) ${top2[1]}`);
  const all = counts({});
  const z = logits.reduce((a, l) => a + Math.exp(l), 0);
  logits.forEach((l, i) => assert.ok(Math.abs(all[i]! - Math.exp(l) / z) < 0.03, `P(${i}) ${all[i]}`));
  const cold = counts({ temperature: 0.25 }, 500);
  assert.ok(cold[1]! > 0.95);
  assert.throws(() => sampleToken(logits, { topK: 0 }), /topK must be a positive integer/);
  assert.throws(() => sampleToken(logits, { topP: 1.5 }), /topP must be in \(0, 1\]/);
});

const STREAM_TEXT = "Whales 🐋 and café — naïve “quotes” 中文 end";

function streamed(
  tok: { encode(s: string): number[] } & ConstructorParameters<typeof TextStream>[0],
): string[] {
  const stream = new TextStream(tok);
  const pieces = tok.encode(STREAM_TEXT).map((id) => stream.push(id));
  pieces.push(stream.flush());
  return pieces;
}

test("TextStream prints whole characters as byte-level BPE tokens arrive", () => {
  const bpe = BpeTokenizer.train(SAMPLE_TEXT, 300);
  const pieces = streamed(bpe);
  assert.equal(pieces.join(""), STREAM_TEXT);
  for (const p of pieces) assert.ok(!p.includes("\uFFFD"), `a piece with U+FFFD: ${JSON.stringify(p)}`);
  assert.ok(pieces.filter((p) => p === "").length >= 3, "the bytes of 🐋, 中 and 文 arrive one at a time");
  // bytes that never complete a character come out as U+FFFD at the end
  const stream = new TextStream(bpe);
  assert.equal(stream.push(0xf0), "");
  assert.equal(stream.push(0x9f), "");
  assert.equal(stream.flush(), "\uFFFD");
});

const g2 = gpt2Tokenizer();

test("TextStream prints whole characters as GPT-2 tokens arrive", () => {
  const pieces = streamed(g2);
  assert.equal(pieces.join(""), STREAM_TEXT);
  for (const p of pieces) assert.ok(!p.includes("\uFFFD"), `a piece with U+FFFD: ${JSON.stringify(p)}`);
});

test("MoE blocks: the load-balancing loss is added, and router and experts learn", () => {
  const moe = { layers: [0], numExperts: 4, topK: 2, auxLossWeight: 0.5 };
  const m = model({ moe }, 5).train();
  const x = ids([[1, 2, 3, 4, 5, 6]]);
  const y = ids([[2, 3, 4, 5, 6, 7]]);
  const { logits, loss } = m.forward(x, { targets: y });
  const block = m.h.at(0).mlp as nn.MixtureOfExperts;
  const ce = nn.functional.crossEntropy(logits.reshape(-1, 11), y.reshape(-1)).item();
  assert.ok(block.auxLoss!.item() >= 1 - 1e-6, "E·Σ f·P is at least 1"); // equality when balanced
  assert.ok(Math.abs(loss!.item() - (ce + 0.5 * block.auxLoss!.item())) < 1e-5);
  loss!.backward();
  assert.ok(block.router.weight.grad!.abs().sum().item() > 0, "the router gets a gradient");
  const opt = new optim.AdamW([...m.parameters()], { lr: 1e-2 });
  let first = 0;
  let last = 0;
  for (let i = 0; i < 30; i++) {
    const l = m.forward(x, { targets: y }).loss!;
    opt.zeroGrad();
    l.backward();
    opt.step();
    if (i === 0) first = l.item();
    last = l.item();
  }
  assert.ok(last < first - 1, `loss ${first} → ${last}`);
  // top-1 routing (Switch): the cross-entropy alone still reaches the router, through the gate
  const top1 = model({ moe: { layers: [1], numExperts: 3, topK: 1, auxLossWeight: 0 } }, 7).train();
  top1.forward(x, { targets: y }).loss!.backward();
  const router = (top1.h.at(1).mlp as nn.MixtureOfExperts).router;
  assert.ok(router.weight.grad!.abs().sum().item() > 0, "top-1 router gradient");
});

test("dropout is active in training only, and the model overfits a tiny sequence", () => {
  const m = model({ dropout: 0.3 }, 6).train();
  const x = ids([[1, 2, 3, 4]]);
  const a = nb.noGrad(() => m.forward(x).logits.dataSync());
  const b = nb.noGrad(() => m.forward(x).logits.dataSync());
  assert.notDeepEqual(Array.from(a), Array.from(b));
  m.eval();
  assert.deepEqual(Array.from(nb.noGrad(() => m.forward(x).logits.dataSync())), Array.from(nb.noGrad(() => m.forward(x).logits.dataSync())));
}); // prettier-ignore
