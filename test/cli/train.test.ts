// `nabla train mlp|cnn` as a user runs it: a short run on moons writes a checkpoint and curves and
// reports test accuracy; --resume continues; bad input is one line on stderr, exit code non-zero.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertOneLineError, nabla } from "../helpers/cli.js";

test("nabla train mlp on moons trains, checkpoints, draws curves, and resumes", () => {
  const out = mkdtempSync(join(tmpdir(), "nabla-cli-train-"));
  try {
    const base = [
      "train",
      "mlp",
      "--dataset",
      "moons",
      "--limit",
      "300",
      "--batch-size",
      "32",
      "--lr",
      "0.03",
      "--hidden",
      "16,16",
      "--out",
      join(out, "new", "dir"),
    ];
    const r = nabla(...base, "--epochs", "2");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /backend wasm/, "the WebAssembly backend is the default");
    assert.match(r.stdout, /epoch 2\/2 +train loss [\d.]+ acc [\d.]+% +test loss [\d.]+ acc [\d.]+%/);
    assert.match(r.stdout, /done in [\d.]+ s: test accuracy [\d.]+%/);
    assert.ok(existsSync(join(out, "new", "dir", "checkpoint.safetensors")));
    assert.match(
      readFileSync(join(out, "new", "dir", "curves.svg"), "utf8"),
      /<svg[\s\S]*accuracy[\s\S]*<\/svg>/,
    );
    const resumed = nabla(...base, "--epochs", "3", "--resume");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming from .* at epoch 3/);
    assert.doesNotMatch(resumed.stdout, /epoch 1\/3 +train/);
    assert.match(resumed.stdout, /epoch 3\/3 +train loss/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("bad training input gets one line and a non-zero exit", () => {
  assertOneLineError(nabla("train", "rnn"), /'rnn' is invalid.*mlp, cnn/);
  assertOneLineError(nabla("train", "mlp", "--epochs", "0"), /--epochs.*positive integer/);
  assertOneLineError(nabla("train", "mlp", "--dataset", "imagenet"), /one of fashion-mnist, moons/);
  assertOneLineError(
    nabla("train", "cnn", "--dataset", "moons", "--limit", "10"),
    /cnn model needs image data/,
  );
  assertOneLineError(
    nabla("train", "mlp", "--dataset", "moons", "--hidden", "8,x"),
    /--hidden: expected comma-separated positive integers/,
  );
  const empty = mkdtempSync(join(tmpdir(), "nabla-cli-empty-"));
  try {
    assertOneLineError(
      nabla("train", "mlp", "--dataset", "moons", "--resume", "--out", empty),
      /no checkpoint at/,
    );
    assertOneLineError(
      nabla("train", "mlp", "--data", empty, "--out", empty),
      /apt-get install dataset-fashion-mnist/,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("--backend (or NABLA_BACKEND) chooses where tensors compute, and the progress line says which", () => {
  const out = mkdtempSync(join(tmpdir(), "nabla-cli-backend-"));
  try {
    const args = ["train", "mlp", "--dataset", "moons", "--limit", "100", "--epochs", "1", "--out", out];
    const r = nabla("--backend", "reference", ...args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /backend reference/);
    const t = nabla("--backend", "wasm", "--threads", "2", ...args);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /backend wasm/);
    assertOneLineError(nabla("--threads", "0", ...args), /--threads.*expected a positive integer/);
    assertOneLineError(
      nabla("--backend", "gpu", ...args),
      /setBackend: unknown backend 'gpu'; available: reference/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
