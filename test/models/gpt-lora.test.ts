// LoRA on a GPT: wrapping starts from the base model's outputs (B = 0) and keeps its state-dict
// keys; training changes only the adapters; merging gives the unmerged outputs and unmerging gives
// the base weights back; the adapters alone save to and load from a safetensors file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";
import { loadSafetensors, saveStateDict } from "../../src/io/index.js";
import { GPT, defaultGPTConfig } from "../../src/models/gpt.js";
import { loadLoraAdapters, saveLoraAdapters } from "../../src/models/gpt-lora.js";

const cfg = defaultGPTConfig({ vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 });
const x = nb.tensor([[1, 2, 3, 4, 5, 6]], { dtype: "int32" });
const y = nb.tensor([[2, 3, 4, 5, 6, 7]], { dtype: "int32" });

/** A stand-in for a pretrained model: GPT-2's tiny initial embedding (std 0.02) scaled up, so the tied head can move the logits. */
function base(seed = 0): GPT {
  nb.manualSeed(seed);
  const m = new GPT(cfg);
  nb.noGrad(() => m.wte.weight.mul_(25));
  return m;
}
const logits = (m: GPT) => Array.from(nb.noGrad(() => m.eval().forward(x).logits.dataSync()));
const values = (sd: Record<string, nb.Tensor>) =>
  Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, Array.from(t.dataSync())]));

function assertClose(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

function trainAdapters(m: GPT, steps = 15): void {
  m.train();
  const opt = new optim.AdamW(
    [...m.parameters()].filter((p) => p.requiresGrad),
    { lr: 2e-2, weightDecay: 0 },
  );
  for (let i = 0; i < steps; i++) {
    const { loss } = m.forward(x, { targets: y });
    opt.zeroGrad();
    loss!.backward();
    opt.step();
  }
}

test("LoRA starts from the base model's outputs and keeps its state-dict keys", () => {
  const m = base();
  const before = logits(m);
  const keys = Object.keys(m.stateDict());
  const wrapped = nn.applyLora(m, ["c_attn", "mlp.c_fc"], { r: 2, alpha: 4 });
  assert.deepEqual(wrapped, ["h.0.attn.c_attn", "h.0.mlp.c_fc", "h.1.attn.c_attn", "h.1.mlp.c_fc"]);
  assert.deepEqual(logits(m), before); // B = 0
  const after = Object.keys(m.stateDict());
  assert.deepEqual(
    after.filter((k) => !k.includes("lora_")),
    keys,
  );
  assert.deepEqual(Object.keys(nn.loraStateDict(m)).sort(), [
    ...wrapped.flatMap((w) => [`${w}.lora_a`, `${w}.lora_b`]),
  ].sort()); // prettier-ignore
  const trainable = [...m.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
  assert.ok(trainable.length === 8 && trainable.every((k) => /lora_[ab]$/.test(k)), trainable.join());
  assert.throws(
    () => nn.applyLora(base(), ["c_attention"], { r: 2 }),
    /no Linear layer is named "c_attention"/,
  );
  assert.throws(() => nn.applyLora(base(), ["c_attn"], { r: 0 }), /rank r must be a positive integer/);
});

test("training changes only the adapters; merge equals unmerged, unmerge restores the base", () => {
  const m = base(1);
  const baseSd = values(m.stateDict());
  nn.applyLora(m, ["c_attn", "c_proj", "c_fc"], { r: 2, alpha: 8 });
  const before = m.forward(x, { targets: y }).loss!.item();
  trainAdapters(m);
  const trainedLoss = m.forward(x, { targets: y }).loss!.item();
  assert.ok(trainedLoss < before - 0.3, `loss ${before} → ${trainedLoss}`);
  const sd = values(m.stateDict());
  for (const [k, v] of Object.entries(baseSd)) assert.deepEqual(sd[k], v, `${k} changed`);
  for (const [k, t] of Object.entries(nn.loraStateDict(m)))
    if (k.endsWith("lora_b")) assert.ok(t.abs().sum().item() > 0, `${k} still zero`);
  const unmerged = logits(m);
  nn.mergeLora(m);
  assert.ok([...m.modules()].every((l) => !(l instanceof nn.LoRALinear) || l.merged));
  assertClose(logits(m), unmerged, 1e-5, "merged");
  assert.notDeepEqual(values(m.stateDict())["h.0.attn.c_attn.weight"], baseSd["h.0.attn.c_attn.weight"]);
  nn.mergeLora(m, false);
  assertClose(
    values(m.stateDict())["h.0.attn.c_attn.weight"]!,
    baseSd["h.0.attn.c_attn.weight"]!,
    1e-6,
    "unmerged W",
  );
  assertClose(logits(m), unmerged, 1e-5, "unmerged");
});

test("adapters save to and load from safetensors alone, onto a fresh base model", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-lora-"));
  try {
    const m = base(2);
    nn.applyLora(m, ["c_attn"], { r: 3, alpha: 6 });
    trainAdapters(m, 5);
    const want = logits(m);
    const file = join(dir, "adapters.safetensors");
    saveLoraAdapters(file, m);
    const saved = loadSafetensors(file).tensors;
    assert.deepEqual(Object.keys(saved).sort(), Object.keys(nn.loraStateDict(m)).sort()); // only the adapters
    const fresh = base(2);
    loadLoraAdapters(file, fresh);
    assertClose(logits(fresh), want, 1e-6, "reloaded");
    // into a model that already has its adapters, merged: unmerged, loaded, merged again
    const merged = base(2);
    nn.applyLora(merged, ["c_attn"], { r: 3, alpha: 6 });
    nn.mergeLora(merged);
    nn.loadLoraStateDict(merged, saved);
    assertClose(logits(merged), want, 1e-5, "merged reload");
    // adapters that do not fit are refused by name
    const other = base(2);
    nn.applyLora(other, ["c_fc"], { r: 3 });
    assert.throws(() => nn.loadLoraStateDict(other, saved), /missing adapters: h\.0\.mlp\.c_fc\.lora_a.*unexpected keys: h\.0\.attn\.c_attn\.lora_a/);
    const plain = join(dir, "plain.safetensors");
    saveStateDict(plain, saved);
    assert.throws(() => loadLoraAdapters(plain, base(2)), /no "nabla.lora" metadata/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}); // prettier-ignore
