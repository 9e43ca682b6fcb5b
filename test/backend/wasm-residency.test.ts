// Memory without dispose on the WebAssembly backend: synchronous loops (which never let finalizers
// run) stay inside the heap's budget because least-recently-used buffers move out to JS memory
// and come back when used; freed blocks merge; backward frees what it allocated; nb.scope,
// nb.keep and dispose() release at once; and nothing anybody can still see is ever freed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";
import { createWasmBackend } from "../../src/backend/wasm/init.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";

const MiB = 2 ** 20;

/** Runs fn with tensors on a fresh wasm backend of its own (registered under a unique name). */
async function onWasm<T>(opts: { maxMemoryMiB: number; residentMiB: number }, fn: (wb: WasmBackend) => T) {
  const name = `wasm-res-${Math.random().toString(36).slice(2)}`;
  const wb = await createWasmBackend({ ...opts, name, initialMemoryMiB: 1 });
  nb.registerBackend(wb);
  const prev = nb.getBackend().name;
  nb.setBackend(name);
  try {
    return fn(wb);
  } finally {
    nb.setBackend(prev);
  }
}

test("freed neighbours merge, so a block twice the size fits where two were freed", async () => {
  const wb = await createWasmBackend({ initialMemoryMiB: 1, maxMemoryMiB: 64 });
  const a = wb.alloc("float32", 1 << 18); // 1 MiB
  const b = wb.alloc("float32", 1 << 18);
  const keepTop = wb.alloc("float32", 16); // so a and b are not at the top
  const ptr = (x: unknown) => (x as { ptr: number }).ptr;
  const at = ptr(a);
  const before = wb.heap.stats();
  wb.free(a);
  wb.free(b);
  const c = wb.alloc("float32", 1 << 19); // 2 MiB: fits in the merged block
  assert.equal(ptr(c), at);
  assert.equal(wb.heap.stats().heapBytes, before.heapBytes, "no growth");
  assert.ok(
    wb.readSync(c).every((v) => v === 0),
    "a reused block is zero-filled",
  );
  wb.free(keepTop);
});

test("a synchronous loop allocating 40× the budget stays within it; old values survive moving out", async () => {
  await onWasm({ maxMemoryMiB: 64, residentMiB: 8 }, (wb) => {
    const first = nb.arange(0, 1 << 18); // 1 MiB, touched only at the end
    const firstSum = first.sum().item();
    let acc = nb.zeros([1 << 18]);
    for (let i = 0; i < 320; i++) acc = acc.add(1); // 320 MiB of garbage tensors, never disposed
    const s = wb.heap.stats();
    assert.ok(s.heapBytes <= 9 * MiB, `heap ${s.heapBytes} stays near the 8 MiB budget`);
    assert.ok(wb.residency.moved.out > 250, "buffers moved out");
    const m = nb.memory()!;
    assert.equal(m.backend, wb.name);
    assert.equal(m.movedOut, wb.residency.moved.out);
    assert.equal(m.residentBudgetBytes, 8 * MiB);
    assert.ok(m.heapBytes <= 9 * MiB && m.usedBytes <= m.heapBytes);
    assert.equal(acc.max().item(), 320);
    // the first tensor moved out long ago: it reads back from JS memory and comes back when used
    assert.equal(first.sum().item(), firstSum);
    assert.equal(first.add(0).dataSync()[12345], 12345);
    assert.ok(wb.residency.moved.in >= 1);
  });
});

test("a kernel's own buffers are never moved out from under it (the heap grows past the budget instead)", async () => {
  await onWasm({ maxMemoryMiB: 64, residentMiB: 2 }, (wb) => {
    const a = nb.full([512, 512], 1); // 1 MiB each: a, b and the result pass the 2 MiB budget
    const b = nb.full([512, 512], 2);
    const c = a.matmul(b);
    assert.equal(c.dataSync()[0], 1024);
    assert.ok(wb.heap.stats().heapBytes > 2 * MiB);
  });
});

test("backward frees its temporaries: with nb.scope around each step, memory in use is exactly flat", async () => {
  await onWasm({ maxMemoryMiB: 256, residentMiB: 256 }, (wb) => {
    nb.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(32, 64), new nn.Tanh(), new nn.Linear(64, 10));
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const x = nb.randn([16, 32]);
    const y = nb.randint(0, 10, [16]);
    const step = () =>
      nb.scope(() => {
        opt.zeroGrad(false); // zeros in place: set to null, each step's gradients would be new tensors
        const loss = nn.functional.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      });
    const losses = [step(), step()];
    const used = wb.heap.stats().usedBytes;
    for (let i = 0; i < 30; i++) losses.push(step());
    assert.equal(wb.heap.stats().usedBytes, used);
    assert.equal(wb.residency.moved.out, 0, "nothing had to move out");
    assert.ok(losses.at(-1)! < losses[0]! * 0.5, `the model trains (${losses[0]} → ${losses.at(-1)})`);
  });
});

test("what a hook, retainGrad or autograd.grad sees is never freed by backward", async () => {
  await onWasm({ maxMemoryMiB: 64, residentMiB: 64 }, () => {
    const x = nb.tensor([1, 2, 3], { dtype: "float32" }).requiresGrad_();
    const h = x.mul(2);
    h.retainGrad();
    let seen: nb.Tensor | null = null;
    h.registerHook((g) => {
      seen = g;
    });
    const y = h.exp().sum();
    y.backward();
    const [gx] = nb.grad([x.mul(x).sum()], [x]);
    for (let i = 0; i < 50; i++) nb.ones([1000]).add(1); // reuse freed blocks
    const e = [2, 4, 6].map(Math.exp);
    assert.deepEqual(
      [...seen!.dataSync()].map((v) => +v.toFixed(3)),
      e.map((v) => +v.toFixed(3)),
    );
    assert.deepEqual(
      [...h.grad!.dataSync()].map((v) => +v.toFixed(3)),
      e.map((v) => +v.toFixed(3)),
    );
    assert.deepEqual([...gx!.dataSync()], [2, 4, 6]);
    assert.deepEqual(
      [...x.grad!.dataSync()].map((v) => +v.toFixed(3)),
      e.map((v) => +(2 * v).toFixed(3)),
    );
  });
});

test("dispose: the memory goes at once, using the tensor is an error, views and the graph keep theirs", async () => {
  await onWasm({ maxMemoryMiB: 64, residentMiB: 64 }, (wb) => {
    const used = () => wb.heap.stats().usedBytes;
    const base = used();
    const a = nb.ones([1 << 16]);
    assert.ok(used() >= base + (1 << 18));
    a.dispose();
    a.dispose(); // twice is fine
    assert.equal(used(), base);
    assert.ok(a.isDisposed);
    assert.throws(() => a.sum(), /this tensor was disposed/);

    // a view shares the buffer: disposing one keeps the other's values
    const b = nb.arange(0, 6);
    const v = b.reshape([2, 3]);
    b.dispose();
    assert.deepEqual([...v.dataSync()], [0, 1, 2, 3, 4, 5]);
    v.dispose();

    // a tensor backward still needs is freed only once backward is done with it
    const x = nb.tensor([0.5, 1.5]).requiresGrad_();
    const e = x.exp(); // exp saves its output for backward
    const loss = e.sum();
    const buf = e.array.buf as unknown as { slot: { freed: boolean } };
    e.dispose();
    assert.ok(!buf.slot.freed, "still held by the graph");
    loss.backward();
    assert.deepEqual(
      [...x.grad!.dataSync()].map((t) => +t.toFixed(4)),
      [0.5, 1.5].map((t) => +Math.exp(t).toFixed(4)),
    );
    assert.ok(buf.slot.freed, "freed once backward let go");
  });
});

test("nb.scope disposes what it made and did not return; nb.keep, parameters and nested results survive", () => {
  const outer: nb.Tensor[] = [];
  const w = nb.ones([3]).requiresGrad_(); // a parameter made outside
  const kept = nb.scope(() => {
    const t = nb.ones([3]).mul(2);
    outer.push(t);
    const k = nb.keep(nb.zeros([2]));
    const p = nb.ones([2]).requiresGrad_(); // a leaf that requires grad: never disposed by a scope
    const inner = nb.scope(() => {
      const tmp = t.add(1);
      outer.push(tmp);
      return { r: tmp.mul(w) };
    });
    outer.push(inner.r);
    return [k, p, inner.r.sum()];
  });
  assert.ok(outer[0]!.isDisposed && outer[1]!.isDisposed, "temporaries are disposed");
  assert.ok(outer[2]!.isDisposed, "an inner result not returned by the outer scope is disposed by it");
  assert.ok(!kept[0]!.isDisposed && !kept[1]!.isDisposed && !w.isDisposed);
  assert.equal(kept[2]!.item(), 9);
  assert.throws(() => nb.scope(() => Promise.resolve(1)), /must be synchronous/);
  let made: nb.Tensor | null = null;
  assert.throws(() =>
    nb.scope(() => {
      made = nb.ones([1]);
      throw new Error("boom");
    }),
  );
  assert.ok(made!.isDisposed, "a throwing scope still disposes");
});

test("GPT.forward frees its intermediates itself, and what hooks keep survives", async () => {
  const { GPT, defaultGPTConfig } = await import("../../src/models/gpt.js");
  await onWasm({ maxMemoryMiB: 256, residentMiB: 256 }, (wb) => {
    nb.manualSeed(0);
    const model = new GPT(defaultGPTConfig({ vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16 }));
    const seen: nb.Tensor[] = [];
    model.h.at(0).registerForwardHook((_m, _args, out) => {
      seen.push(out as nb.Tensor, (out as nb.Tensor).detach().mul(2));
    });
    const x = nb.randint(0, 11, [3, 8]);
    const step = () => {
      model.zeroGrad({ setToNone: false });
      const { loss } = model.forward(x, { targets: x });
      loss!.backward();
      return loss!.item();
    };
    step();
    step();
    const used = wb.heap.stats().usedBytes;
    for (let i = 0; i < 5; i++) step();
    // only the hook's captures (two per step) and each step's logits and loss stay allocated
    const perStep = (wb.heap.stats().usedBytes - used) / 5;
    assert.ok(perStep < 8192, `${perStep} bytes per step stay allocated`);
    assert.equal(seen.length, 14);
    for (const t of seen) assert.ok(!t.isDisposed && Number.isFinite(t.sum().item()));
    assert.equal(wb.residency.moved.out, 0);
  });
});
