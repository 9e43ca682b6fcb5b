// The coverage table (scripts/coverage.ts): every public op has a sample, docs/coverage.md matches
// what the script generates now, and cells classify failures (unsupported kernels, rejections).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nb from "../src/index.js";
import { ReferenceBackend } from "../src/backend/reference/backend.js";
import type { DType } from "../src/util/dtype.js";
import { coverage, DOC, missingSamples, renderMarkdown, runCell } from "../scripts/coverage.js";
import { SAMPLES } from "../scripts/coverage-samples.js";

const REGENERATE = "run `node --import tsx scripts/coverage.ts`";

test("every public op has a sample in scripts/coverage-samples.ts (or a reason it is not an op)", () => {
  const { unsampled, stale } = missingSamples();
  assert.deepEqual(unsampled, [], `public ops without a sample: ${unsampled.join(", ")}`);
  assert.deepEqual(stale, [], `samples or exclusions for names that are not public: ${stale.join(", ")}`);
});

test("docs/coverage.md is what the script generates from the code now", () => {
  const want = renderMarkdown(coverage());
  let have = "";
  try {
    have = readFileSync(DOC, "utf8");
  } catch {
    assert.fail(`docs/coverage.md is missing; ${REGENERATE}`);
  }
  if (have !== want) {
    const a = have.split("\n");
    const b = want.split("\n");
    const i = b.findIndex((line, k) => line !== a[k]);
    assert.fail(
      `docs/coverage.md is out of date (first difference at line ${i + 1}: "${b[i]}"); ${REGENERATE}`,
    );
  }
});

test("cells: ✓ for working ops, — for ordinary rejections, ✗ for missing kernels and crashes", () => {
  assert.equal(runCell("add", SAMPLES.add!, "float32").mark, "✓");
  const mean = runCell("mean", SAMPLES.mean!, "int32");
  assert.equal(mean.mark, "—");
  assert.match(mean.note!, /^mean: needs a floating-point input/);
  const crash = runCell("broken", { run: () => (undefined as unknown as { x(): void }).x() }, "float32");
  assert.equal(crash.mark, "✗");
  assert.match(crash.note!, /^TypeError: /);
  const badGrad = nb.defineFunction({
    name: "NoGrad",
    forward: (_c, x) => x.mul(2),
    backward: () => [nb.ones([7])],
  });
  const bw = runCell("x", { run: (m) => badGrad(m.t([2])) }, "float64");
  assert.equal(bw.mark, "✗");
  assert.match(bw.note!, /^backward: ShapeError: NoGrad backward: gradient 0 has shape \[7\]/);
  // registered last: a backend without float64 matmul turns that cell into ✗, naming the kernel
  class Partial extends ReferenceBackend {
    override readonly name = "partial" as "reference";
    override supports(k: nb.KernelName, d: DType): boolean {
      return !(k === "matmul" && d === "float64");
    }
  }
  nb.registerBackend(new Partial());
  nb.setBackend("partial");
  try {
    const cell = runCell("matmul", SAMPLES.matmul!, "float64");
    assert.equal(cell.mark, "✗");
    assert.match(cell.note!, /matmul: backend 'partial' has no matmul kernel for float64/);
    assert.equal(runCell("matmul", SAMPLES.matmul!, "float32").mark, "✓");
  } finally {
    nb.setBackend("reference");
  }
});
