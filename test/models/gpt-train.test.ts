// Language-model training as `nabla train gpt` runs it (src/models/lm-train.ts), on tiny configs:
// the loss falls, evaluations and checkpoints happen on schedule, a run resumed after a crash ends
// bitwise identical to an uninterrupted one, the checkpoint reloads for sampling, BPE works, and
// bad corpora and mismatched resumes are clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import { loadLm } from "../../src/models/lm-checkpoint.js";
import { evalBatches } from "../../src/models/lm-data.js";
import { defaultLmTrainConfig, trainLm, type LmTrainConfig } from "../../src/models/lm-train.js";
import { SAMPLE_TEXT } from "../../src/text/index.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "nabla-gpt-train-"));
  dirs.push(d);
  return d;
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function corpus(text = SAMPLE_TEXT): string {
  const file = join(tmp(), "corpus.txt");
  writeFileSync(file, text);
  return file;
}

const tiny = (over: Partial<LmTrainConfig> = {}): LmTrainConfig =>
  defaultLmTrainConfig({
    model: { blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0.1, bias: true, positional: "learned" },
    data: corpus(),
    steps: 8,
    batchSize: 4,
    lr: 1e-2,
    minLr: 1e-3,
    warmupSteps: 2,
    evalInterval: 4,
    evalWindows: 8,
    sampleTokens: 24,
    ...over,
  });

test("a tiny model learns, evaluating, sampling and checkpointing on schedule", () => {
  const out = tmp();
  const evals: [number, string | null][] = [];
  const steps: number[] = [];
  const { history, data } = trainLm(tiny({ steps: 12 }), {
    outDir: out,
    hooks: { onEval: (r, sample) => evals.push([r.step, sample]), onStep: (s) => steps.push(s.step) },
  });
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(
    evals.map(([s]) => s),
    [0, 4, 8, 12],
  );
  assert.equal(evals[0]![1], null); // no sample before training
  for (const [, sample] of evals.slice(1)) assert.equal(sample!.length > 0, true);
  assert.equal(history.losses.length, 12);
  const [first, , , last] = history.evals;
  assert.ok(Math.abs(first!.valLoss - Math.log(49)) < 0.3, `initial validation loss ${first!.valLoss}`);
  assert.ok(last!.valLoss < first!.valLoss - 0.5, `validation loss ${first!.valLoss} → ${last!.valLoss}`);
  assert.ok(data.unigram > 2 && data.unigram < 4, `unigram ${data.unigram}`);
  assert.ok(existsSync(join(out, "checkpoint.safetensors")));
});

test("a run resumed after a crash ends bitwise identical to an uninterrupted one", () => {
  const cfg = tiny();
  const straight = trainLm(cfg, { outDir: tmp() });
  const out = tmp();
  const crash = (r: { step: number }) => {
    if (r.step === 4) throw new Error("power cut");
  };
  assert.throws(() => trainLm(cfg, { outDir: out, hooks: { onEval: crash } }), /power cut/);
  const resumed = trainLm(cfg, { outDir: out, resume: true });
  assert.deepEqual(resumed.history.losses, straight.history.losses);
  assert.deepEqual(resumed.history.evals, straight.history.evals);
  const [a, b] = [straight.model.stateDict(), resumed.model.stateDict()];
  for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k]!.dataSync()), Array.from(a[k]!.dataSync()), k);
  // the checkpoint reloads as a model and tokenizer for sampling, with the same outputs
  const { model, tokenizer, state } = loadLm(out);
  assert.equal(state.step, 8);
  assert.equal(tokenizer.decode(tokenizer.encode("the keeper")), "the keeper");
  const x = nb.tensor([tokenizer.encode("the keeper")], { dtype: "int32" });
  resumed.model.eval();
  assert.deepEqual(Array.from(nb.noGrad(() => model.forward(x).logits.dataSync())), Array.from(nb.noGrad(() => resumed.model.forward(x).logits.dataSync())));
}); // prettier-ignore

test("resuming with settings the checkpoint was not trained with is refused", () => {
  const out = tmp();
  const cfg = tiny({ steps: 4, sampleTokens: 0 });
  trainLm(cfg, { outDir: out });
  assert.throws(
    () => trainLm({ ...cfg, model: { ...cfg.model, nLayer: 3 }, lr: 0.5 }, { outDir: out, resume: true }),
    /was trained with lr=0\.01, not 0\.5; nLayer=2, not 3/,
  );
  // more steps are fine: the run goes on from step 4
  const more = trainLm({ ...cfg, steps: 6 }, { outDir: out, resume: true });
  assert.equal(more.history.losses.length, 6);
  assert.throws(
    () => trainLm(cfg, { outDir: tmp(), resume: true }),
    /no checkpoint at .*checkpoint\.safetensors/,
  );
});

test("byte-level BPE tokens work end to end", () => {
  const { tokenizer, history } = trainLm(
    tiny({ tokenizer: "bpe", vocabSize: 300, steps: 4, sampleTokens: 8 }),
    {
      outDir: tmp(),
    },
  );
  assert.equal(tokenizer.type, "bpe");
  assert.equal(tokenizer.vocabSize, 300);
  assert.ok(history.evals.at(-1)!.valLoss < Math.log(300));
});

test("empty, missing and too-short corpora are clear errors", () => {
  assert.throws(() => trainLm(tiny({ data: corpus("") }), { outDir: tmp() }), /the corpus .*corpus\.txt is empty/);
  assert.throws(() => trainLm(tiny({ data: "/nonexistent/text.txt" }), { outDir: tmp() }), /cannot read the corpus \/nonexistent\/text\.txt: no such file/);
  assert.throws(
    () => trainLm(tiny({ data: corpus("Call me Ishmael. Some years ago, never mind how long precisely.") }), { outDir: tmp() }),
    /too short: its validation part has 7 tokens, fewer than block size \+ 1 = 17/,
  );
}); // prettier-ignore

test("validation windows are fixed and spread over the data", () => {
  const data = Int32Array.from({ length: 100 }, (_, i) => i);
  const batches = evalBatches(data, 5, 2, 10);
  assert.deepEqual(
    batches.map((b) => b.x.shape),
    [
      [2, 10],
      [2, 10],
      [1, 10],
    ],
  );
  const starts = batches.flatMap((b) => (b.x.tolist() as number[][]).map((row) => row[0]));
  assert.deepEqual(starts, [0, 22, 45, 67, 89]);
  assert.deepEqual((batches[0]!.y.tolist() as number[][])[1]!.slice(0, 2), [23, 24]);
});
