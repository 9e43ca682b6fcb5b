// The WebAssembly backend's heap: size classes, reuse of freed blocks, growth that keeps values,
// zero-filled allocations, copies out, the out-of-memory error (naming the request and the heap),
// buffers of other backends, and buffers of garbage tensors returning to the heap in async loops.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { createWasmBackend, OutOfMemoryError } from "../../src/backend/wasm/init.js";
import { sizeClass } from "../../src/backend/wasm/memory.js";
import { reference } from "./views.js";

test("size classes: 64-byte multiples at most 25% (or 63 bytes) above the request", () => {
  for (let b = 1; b < 1 << 22; b = Math.ceil(b * 1.37) + 1) {
    const c = sizeClass(b);
    assert.ok(c >= b && c % 64 === 0, `${b} → ${c}`);
    assert.ok(c <= Math.max(b * 1.25, b + 63), `${b} → ${c} wastes too much`);
  }
  assert.equal(sizeClass(4096), 4096);
});

test("freed blocks are reused, zero-filled, and growth keeps every buffer's values", async () => {
  const wb = await createWasmBackend({ initialMemoryMiB: 1, maxMemoryMiB: 256 });
  const a = wb.alloc("float32", 1000);
  wb.write(
    a,
    Float32Array.from({ length: 1000 }, (_, i) => i),
  );
  const ptr = (a as unknown as { ptr: number }).ptr;
  wb.free(a);
  const b = wb.alloc("float32", 900); // same size class as 1000 floats
  assert.equal((b as unknown as { ptr: number }).ptr, ptr);
  assert.ok(
    wb.readSync(b).every((v) => v === 0),
    "a reused block is zero-filled",
  );
  wb.write(b, [1, 2, 3]);
  const before = wb.heap.stats().heapBytes;
  const big = wb.alloc("float64", 4 << 20); // 32 MiB: the heap must grow
  assert.ok(wb.heap.stats().heapBytes > before);
  assert.deepEqual([...wb.readSync(b).slice(0, 4)], [1, 2, 3, 0]);
  assert.equal(wb.readSync(big).length, 4 << 20);
  assert.throws(() => wb.readSync(a), /used after free/);
});

test("readSync copies out: the copy survives writes and heap growth", async () => {
  const wb = await createWasmBackend({ initialMemoryMiB: 1, maxMemoryMiB: 64 });
  const a = wb.alloc("int32", 4);
  wb.write(a, [5, 6, 7, 8]);
  const copy = wb.readSync(a);
  wb.write(a, [0, 0, 0, 0]);
  wb.alloc("float32", 4 << 20);
  assert.deepEqual([...copy], [5, 6, 7, 8]);
  wb.write(wb.alloc("bool", 3), [2, 0, -1]);
});

test("running out of memory is an OutOfMemoryError naming the request and the heap", async () => {
  const wb = await createWasmBackend({ initialMemoryMiB: 1, maxMemoryMiB: 32 });
  wb.alloc("float32", 4 << 20); // 16 MiB fits
  assert.throws(
    () => wb.alloc("float32", 8 << 20),
    (e: unknown) =>
      e instanceof OutOfMemoryError &&
      e instanceof nb.NablaError &&
      /out of memory allocating 33554432 bytes \(float32\[8388608\]\): the heap is [\d.]+ MiB of at most 32\.0 MiB, 16\.0 MiB in use/.test(
        e.message,
      ),
  );
  // the heap still works after the failure
  const ok = wb.alloc("float32", 1000);
  assert.equal(wb.readSync(ok).length, 1000);
});

test("tensors on a full heap: the error reaches the user through nb's creation functions", async () => {
  const small = await createWasmBackend({ initialMemoryMiB: 1, maxMemoryMiB: 8, name: "wasm-small" });
  nb.registerBackend(small);
  const prev = nb.getBackend().name;
  nb.setBackend("wasm-small");
  try {
    assert.equal(nb.ones([10]).sum().item(), 10);
    assert.throws(() => nb.zeros([4096, 1024]), OutOfMemoryError);
  } finally {
    nb.setBackend(prev);
  }
});

test("a buffer of another backend is refused with a clear error", async () => {
  const wb = await createWasmBackend({ maxMemoryMiB: 16 });
  const foreign = reference.alloc("float32", 4);
  const view = { buf: foreign, dtype: "float32" as const, shape: [4], strides: [1], offset: 0 };
  assert.throws(() => wb.fill(view, 1), /a buffer of another backend reached it/);
});

test("setBackend('wasm') before initWasm says how to load it", () => {
  if (nb.listBackends().includes("wasm")) return;
  assert.throws(() => nb.setBackend("wasm"), /load it first with `await nb.initWasm\(\)`/);
});

test("an async loop's garbage tensors return to the heap: 800 MiB of them run in a 256 MiB heap", async () => {
  // the ballast each buffer holds makes the JS engine collect their handles; the finalizers then
  // free the blocks between ticks of the event loop
  const wb = await createWasmBackend({ maxMemoryMiB: 256, name: "wasm-gc" });
  nb.registerBackend(wb);
  const prev = nb.getBackend().name;
  nb.setBackend("wasm-gc");
  try {
    const a = nb.ones([1 << 20]);
    for (let i = 0; i < 200; i++) {
      a.mul(2);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(wb.heap.stats().heapBytes <= 256 * 2 ** 20);
  } finally {
    nb.setBackend(prev);
  }
});
