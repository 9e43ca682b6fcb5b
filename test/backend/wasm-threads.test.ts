// Matmul rows split across Node worker threads on the shared heap: results are bitwise identical
// for 1, 2 and 3 threads (every output element is summed in the same order), on sizes that split
// unevenly, with transposed and batch-broadcast operands; and threads can be stopped again.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm/init.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";
import type { View } from "../../src/backend/interface.js";
import { Rand } from "./views.js";

const backends: WasmBackend[] = [];
after(() => Promise.all(backends.map((b) => b.setThreads(1))));

test("matmul on 1, 2 and 3 threads gives bitwise identical results", async () => {
  const one = await createWasmBackend({ maxMemoryMiB: 512 });
  const two = await createWasmBackend({ maxMemoryMiB: 512, threads: 2 });
  const three = await createWasmBackend({ maxMemoryMiB: 512, threads: 3 });
  backends.push(two, three);
  assert.deepEqual([one.threads, two.threads, three.threads], [1, 2, 3]);
  const r = new Rand(31);
  for (const [B, M, K, N, layout] of [
    [1, 256, 300, 200, "plain"],
    [3, 130, 257, 67, "transposed"],
    [2, 517, 64, 129, "broadcast"],
    [1, 1000, 40, 72, "plain"],
  ] as const) {
    const a = Float32Array.from({ length: B * M * K }, () => r.normal());
    const b = Float32Array.from({ length: (layout === "broadcast" ? 1 : B) * K * N }, () => r.normal());
    const results = [one, two, three].map((be) => {
      const ab = be.alloc("float32", a.length);
      const bb = be.alloc("float32", b.length);
      const ob = be.alloc("float32", B * M * N);
      be.write(ab, a);
      be.write(bb, b);
      const av: View = { buf: ab, dtype: "float32", shape: [B, M, K], strides: [M * K, K, 1], offset: 0 };
      const bStrides =
        layout === "transposed" ? [K * N, 1, K] : layout === "broadcast" ? [0, N, 1] : [K * N, N, 1];
      const bv: View = { buf: bb, dtype: "float32", shape: [B, K, N], strides: bStrides, offset: 0 };
      be.matmul(av, bv, { buf: ob, dtype: "float32", shape: [B, M, N], strides: [M * N, N, 1], offset: 0 });
      return new Int32Array(be.readSync(ob).buffer);
    });
    assert.deepEqual(results[1], results[0], `2 threads, ${B}×${M}×${K}×${N} ${layout}`);
    assert.deepEqual(results[2], results[0], `3 threads, ${B}×${M}×${K}×${N} ${layout}`);
  }
});

test("setThreads(1) stops the workers; bad counts are refused", async () => {
  const be = await createWasmBackend({ maxMemoryMiB: 64, threads: 2 });
  assert.equal(be.threads, 2);
  await be.setThreads(1);
  assert.equal(be.threads, 1);
  await assert.rejects(be.setThreads(0), /positive integer/);
});
