// `nabla train gpt` and `nabla sample`, spawned as a user runs them (through tsx, from the sources),
// on tiny configs: training writes a checkpoint and a loss curve, --resume continues, sampling
// works from the checkpoint and from the GPT-2 fixture (PyTorch's greedy continuation), and bad
// input exits non-zero with one line on stderr and no stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SAMPLE_TEXT, gpt2Tokenizer } from "../../src/text/index.js";
import { assertOneLineError, nabla } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-cli-gpt-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, "corpus.txt");
writeFileSync(corpus, SAMPLE_TEXT);
const out = join(dir, "run");
const TINY = ["--data", corpus, "--block-size", "16", "--n-layer", "1", "--n-head", "2", "--n-embd", "16"];
const FIXTURE = "test/fixtures/gpt2";

test("train gpt writes a checkpoint and a loss curve; --resume continues; sample reads the checkpoint", () => {
  const r = nabla("train", "gpt", ...TINY, "--steps", "4", "--batch-size", "2", "--eval-interval", "2", "--eval-windows", "4", "--sample-tokens", "12", "--out", out); // prettier-ignore
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /unigram baseline \(validation\): \d\.\d{4} nats per token/);
  assert.match(r.stdout, /step 2: train loss \d\.\d+, validation loss \d\.\d+/);
  assert.match(r.stdout, /--- sample at step 4 ---\n/);
  assert.match(r.stdout, /done in .*: validation loss \d\.\d+ nats per token \(unigram baseline \d\.\d+\)/);
  assert.ok(existsSync(join(out, "checkpoint.safetensors")));
  assert.match(readFileSync(join(out, "loss.svg"), "utf8"), /<svg[\s\S]*validation[\s\S]*unigram/);
  const more = nabla("train", "gpt", "--resume", "--out", out, "--steps", "6", "--sample-tokens", "0");
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stdout, /resuming from .*checkpoint\.safetensors at step 4/);
  assert.match(more.stdout, /step 6: train loss/);
  const s = nabla(
    "sample",
    "--checkpoint",
    out,
    "--prompt",
    "The keeper",
    "--max-tokens",
    "6",
    "--seed",
    "1",
  );
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^The keeper[^]{6}\n$/u);
  assert.equal(
    nabla("sample", "--checkpoint", out, "--prompt", "The keeper", "--max-tokens", "6", "--seed", "1").stdout,
    s.stdout,
  );
  const greedy = (...extra: string[]) => nabla("sample", "--checkpoint", out, "--max-tokens", "40", "--temperature", "0", "--slide", ...extra).stdout; // prettier-ignore
  assert.equal(greedy(), greedy("--no-cache")); // the KV cache changes nothing but the speed
});

test("sample --gpt2 continues a prompt as PyTorch's GPT-2 does (folder, or file with --config)", () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, "expected.json"), "utf8")).greedy;
  const text = "A.B" + gpt2Tokenizer().decode(expected.continuation);
  const n = String(expected.continuation.length);
  const a = nabla("sample", "--gpt2", FIXTURE, "--prompt", "A.B", "--max-tokens", n, "--temperature", "0");
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, text + "\n");
  const file = join(FIXTURE, "model.safetensors");
  const b = nabla("sample", "--gpt2", file, "--config", '{"n_head":2}', "--prompt", "A.B", "--max-tokens", n, "--temperature", "0"); // prettier-ignore
  assert.equal(b.stdout, text + "\n", b.stderr);
});

test("bad corpora, prompts, configs and lengths exit with one line", () => {
  const empty = join(dir, "empty.txt");
  writeFileSync(empty, "");
  assertOneLineError(nabla("train", "gpt", "--data", empty, "--out", join(dir, "e")), /^nabla: the corpus .*empty\.txt is empty\n$/);
  const short = join(dir, "short.txt");
  writeFileSync(short, "Call me Ishmael.");
  assertOneLineError(nabla("train", "gpt", "--data", short, "--out", join(dir, "s")), /too short: its training part has 14 tokens, fewer than block size \+ 1 = 65/);
  assertOneLineError(nabla("train", "gpt", "--epochs", "2"), /^nabla: train gpt: --epochs does not apply to gpt\n$/);
  assertOneLineError(nabla("train", "gpt", "--resume", "--out", out, "--n-layer", "2"), /the checkpoint in .* was trained with nLayer=1, not 2/);
  assertOneLineError(nabla("sample", "--checkpoint", out, "--prompt", "Ahab ✓"), /the prompt has "✓" \(U\+2713\) at column 6, which is not in the model's vocabulary of \d+ characters/);
  assertOneLineError(nabla("sample", "--checkpoint", out, "--prompt", "The", "--max-tokens", "14"), /the prompt \(3 tokens\) plus --max-tokens 14 exceed the model's block size of 16 tokens; ask for at most 13, or pass --slide/);
  assertOneLineError(nabla("sample", "--gpt2", join(FIXTURE, "model.safetensors"), "--config", '{"nHead":2,"nEmbd":64}'), /the weights do not match the config: nEmbd is 32 in the weights, 64 in the config/);
  assertOneLineError(nabla("sample", "--checkpoint", join(FIXTURE, "model.safetensors")), /is a safetensors file but not a nabla checkpoint/);
  assertOneLineError(nabla("sample", "--checkpoint", join(dir, "nothing")), /no checkpoint at .*nothing/);
}); // prettier-ignore
