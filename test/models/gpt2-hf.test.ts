// GPT-2 checkpoints in Hugging Face's layout (test/fixtures/gpt2, written by scripts/fixtures/gpt2.py
// from a plain PyTorch GPT-2 forward with random weights): nabla loads them (Conv1D weights
// transposed, mask buffers skipped, "transformer." prefixes accepted), reproduces PyTorch's logits
// within float32 tolerance and its greedy continuation, and refuses configs the weights contradict.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import { loadSafetensors, saveSafetensors } from "../../src/io/index.js";
import { GPT } from "../../src/models/gpt.js";
import { generate } from "../../src/models/gpt-sample.js";
import { inferGpt2Config, loadGpt2, loadGpt2StateDict } from "../../src/models/gpt2-hf.js";

const DIR = new URL("../fixtures/gpt2/", import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as {
  cases: { ids: number[][]; shape: number[]; logits: number[] }[];
  greedy: { prompt: number[]; continuation: number[] };
};

function assertLogits(model: GPT): void {
  for (const c of expected.cases) {
    const { logits } = nb.noGrad(() => model.forward(nb.tensor(c.ids, { dtype: "int32" })));
    assert.deepEqual(logits.shape, c.shape);
    const got = logits.dataSync();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - c.logits[i]!));
    assert.ok(worst < 1e-4, `max |nabla − torch| = ${worst}`);
  }
}

test("a GPT-2 folder (config.json + model.safetensors) gives PyTorch's logits", () => {
  const { model, config } = loadGpt2(DIR);
  assert.deepEqual(
    { ...config },
    { vocabSize: 100, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, layerNormEps: 1e-5, bias: true, dropout: 0, positional: "learned" },
  ); // prettier-ignore
  assertLogits(model);
});

test("greedy generation matches PyTorch's, with and without the KV cache", () => {
  const { model } = loadGpt2(DIR);
  const { prompt, continuation } = expected.greedy;
  for (const useCache of [true, false])
    assert.deepEqual(generate(model, prompt, { maxNewTokens: continuation.length, temperature: 0, useCache }), continuation);
}); // prettier-ignore

test("a bare .safetensors file with a config; HF's 'transformer.' prefix and lm_head are accepted", () => {
  const file = join(DIR, "model.safetensors");
  assertLogits(loadGpt2(file, { nHead: 2 }).model);
  assertLogits(loadGpt2(file, { n_head: 2, n_layer: 2 }).model);
  const { tensors } = loadSafetensors(file);
  const prefixed = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [`transformer.${k}`, t]));
  prefixed["lm_head.weight"] = tensors["wte.weight"]!;
  const model = new GPT(inferGpt2Config(prefixed, { nHead: 2 }, "prefixed"));
  loadGpt2StateDict(model, prefixed);
  assertLogits(model);
});

test("configs the weights contradict, and files that are not GPT-2, are clear errors", () => {
  const file = join(DIR, "model.safetensors");
  assert.throws(() => loadGpt2(file), /must give the number of heads \(n_head or nHead\)/);
  assert.throws(
    () => loadGpt2(file, { nHead: 2, nEmbd: 64, nLayer: 3 }),
    /the weights do not match the config: nEmbd is 32 in the weights, 64 in the config; nLayer is 2 in the weights, 3 in the config/,
  );
  assert.throws(() => loadGpt2(file, { nHead: 3 }), /nEmbd 32 must be divisible by nHead 3/);
  assert.throws(() => loadGpt2(file, { nHeads: 2 }), /unknown key "nHeads"/);
  assert.throws(() => loadGpt2(DIR, { activation_function: "relu" }), /not GPT-2's gelu_new/);
  const dir = mkdtempSync(join(tmpdir(), "nabla-gpt2-"));
  try {
    const other = join(dir, "other.safetensors");
    saveSafetensors(other, { "fc.weight": nb.zeros([2, 2]) });
    assert.throws(() => loadGpt2(other, { nHead: 1 }), /not a GPT-2 checkpoint/);
    const { tensors } = loadSafetensors(file);
    delete tensors["h.1.mlp.c_fc.bias"];
    const partial = join(dir, "partial.safetensors");
    saveSafetensors(partial, tensors);
    assert.throws(() => loadGpt2(partial, { nHead: 2 }), /missing keys: h\.1\.mlp\.c_fc\.bias/);
    assert.throws(() => loadGpt2(dir), /has no config\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
