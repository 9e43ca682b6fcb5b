// Classifier training as `nabla train` runs it: it learns (moons), writes a checkpoint every
// epoch, and a run resumed from a checkpoint ends bitwise identical to an uninterrupted one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainClassifier, type ClassifyConfig } from "../../src/models/classify.js";

const cfg: ClassifyConfig = {
  model: "mlp",
  dataset: "moons",
  epochs: 4,
  lr: 0.01,
  batchSize: 32,
  optimizer: "adam",
  weightDecay: 0,
  seed: 3,
  hidden: [16, 16],
  limit: 200,
};

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "nabla-train-"));
}

test("an MLP learns two moons and records one history entry per epoch", () => {
  const dir = tmp();
  try {
    const { history } = trainClassifier({ ...cfg, epochs: 10, lr: 0.03 }, { outDir: dir });
    assert.equal(history.length, 10);
    assert.ok(history.at(-1)!.testAccuracy > 0.95, `test accuracy ${history.at(-1)!.testAccuracy}`);
    assert.ok(history.at(-1)!.trainLoss < history[0]!.trainLoss);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resuming from a checkpoint continues exactly as if the run had never stopped", () => {
  const a = tmp();
  const b = tmp();
  try {
    const straight = trainClassifier(cfg, { outDir: a });
    trainClassifier({ ...cfg, epochs: 2 }, { outDir: b });
    const resumed = trainClassifier(cfg, { outDir: b, resume: true });
    assert.deepEqual(
      resumed.history,
      straight.history.map((r, i) => ({
        ...r,
        seconds: resumed.history[i]!.seconds,
        samplesPerSecond: resumed.history[i]!.samplesPerSecond,
      })),
    );
    const sa = straight.model.stateDict();
    const sb = resumed.model.stateDict();
    for (const k of Object.keys(sa))
      assert.deepEqual(Array.from(sb[k]!.dataSync()), Array.from(sa[k]!.dataSync()), k);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test("resume refuses a checkpoint from a different model and a missing one", () => {
  const dir = tmp();
  try {
    assert.throws(() => trainClassifier(cfg, { outDir: dir, resume: true }), /no checkpoint at/);
    trainClassifier({ ...cfg, epochs: 1 }, { outDir: dir });
    assert.throws(
      () => trainClassifier({ ...cfg, hidden: [8] }, { outDir: dir, resume: true }),
      /trained with hidden=\[16,16\], not \[8\]/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
