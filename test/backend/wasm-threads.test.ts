// Work split across Node worker threads on the shared heap: matmul rows, large elementwise ops'
// outer dim, convolution batches and the fused kernels' rows give bitwise identical results for 1, 2 and 3 threads (every
// output element is computed in the same order), on sizes that split unevenly, with transposed,
// broadcast and strided operands; and threads can be stopped again.
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
  const bias = Float32Array.from({ length: 1024 }, () => r.normal());
  for (const [B, M, K, N, layout] of [
    // each past the threading threshold; split by rows where M ≥ N, by columns where M < N
    [1, 256, 300, 200, "plain"],
    [3, 130, 257, 267, "transposed"],
    [2, 517, 64, 129, "broadcast"],
    [1, 1000, 120, 72, "plain"],
    [2, 60, 301, 1003, "transposed"],
    [1, 36, 700, 999, "plain"],
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
      // a bias row too, so slices of N's columns must take their share of it
      const biasBuf = be.alloc("float32", N);
      be.write(biasBuf, bias.subarray(0, N));
      const biasView: View = { buf: biasBuf, dtype: "float32", shape: [N], strides: [1], offset: 0 };
      be.matmul(
        av,
        bv,
        { buf: ob, dtype: "float32", shape: [B, M, N], strides: [M * N, N, 1], offset: 0 },
        biasView,
      );
      return new Int32Array(be.readSync(ob).buffer);
    });
    assert.deepEqual(results[1], results[0], `2 threads, ${B}×${M}×${K}×${N} ${layout}`);
    assert.deepEqual(results[2], results[0], `3 threads, ${B}×${M}×${K}×${N} ${layout}`);
  }
  // two batch dims, the first walked outside the kernel's stack: [2, 4, 130, 257] @ [2, 4, 257, 67]
  const [B1, B2, M, K, N] = [2, 4, 130, 257, 67];
  const a = Float32Array.from({ length: B1 * B2 * M * K }, () => r.normal());
  const b = Float32Array.from({ length: B1 * B2 * K * N }, () => r.normal());
  const results = [one, two, three].map((be) => {
    const [ab, bb, ob] = [
      be.alloc("float32", a.length),
      be.alloc("float32", b.length),
      be.alloc("float32", B1 * B2 * M * N),
    ];
    be.write(ab, a);
    be.write(bb, b);
    // a stored [B2, B1, M, K] and viewed [B1, B2, …], as attention's transposed heads are
    const av: View = {
      buf: ab,
      dtype: "float32",
      shape: [B1, B2, M, K],
      strides: [M * K, B1 * M * K, K, 1],
      offset: 0,
    };
    const bv: View = {
      buf: bb,
      dtype: "float32",
      shape: [B1, B2, K, N],
      strides: [B2 * K * N, K * N, 1, K],
      offset: 0,
    };
    const ov: View = {
      buf: ob,
      dtype: "float32",
      shape: [B1, B2, M, N],
      strides: [B2 * M * N, M * N, N, 1],
      offset: 0,
    };
    be.matmul(av, bv, ov);
    return new Int32Array(be.readSync(ob).buffer);
  });
  assert.deepEqual(results[1], results[0], "2 threads, two batch dims");
  assert.deepEqual(results[2], results[0], "3 threads, two batch dims");
});

test("large elementwise ops and convolutions on 1, 2 and 3 threads give bitwise identical results", async () => {
  const nb = await import("../../src/index.js");
  const made = await Promise.all(
    [1, 2, 3].map((threads, i) =>
      createWasmBackend({ maxMemoryMiB: 512, threads, name: `wasm-split-${i}-${Math.random()}` }),
    ),
  );
  backends.push(...made);
  const prev = nb.getBackend().name;
  const run = (be: WasmBackend) => {
    nb.registerBackend(be);
    nb.setBackend(be.name);
    try {
      const g = new nb.Generator(5);
      const x = nb.randn([301, 517], { generator: g }); // 155,617 elements: past the threshold
      const y = nb.randn([517], { generator: g });
      // ops that only move memory split from 2^22 elements, the costlier ones from 2^17
      const big = nb.randn([2049, 2051], { generator: g });
      const row = nb.randn([2051], { generator: g });
      const outs = [
        x.exp(),
        x.tanh(),
        big.add(row), // a broadcast operand
        big.T.mul(big.T), // transposed operands
        big.gt(row), // bool output
        x.pow(y),
      ];
      // the fused kernels split rows (softmax, layer norm) or elements (Adam)
      const s = x.detach().requiresGrad_();
      const sm = s.softmax(-1);
      sm.mul(x).sum().backward();
      const ln = s.detach().requiresGrad_();
      const lw = y.detach().requiresGrad_();
      const normed = nb.layerNorm(ln, [517], { weight: lw });
      normed.mul(x).sum().backward();
      outs.push(sm, s.grad!, normed, ln.grad!, lw.grad!, x.logSoftmax(-1));
      // a causal softmax split mid-stack: each slice must know its first row's place in its stack
      outs.push(nb.causalSoftmax(x.reshape(7, 43, 517), 400));
      // layer norm and softmax's backward move more memory than they compute: split from 2^22
      const bs = big.detach().requiresGrad_();
      bs.softmax(-1).mul(big).sum().backward();
      outs.push(bs.grad!, nb.layerNorm(big, [2051]));
      const p = big.clone();
      const m = nb.zerosLike(big);
      const v = nb.zerosLike(big);
      const step = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decoupled: true };
      assert.ok(
        nb.adamUpdate_({ ...step, maximize: false, bias1: 0.1, bias2Sqrt: 0.1 }, p, big.sin(), m, v, null),
      );
      outs.push(p, m, v);
      const img = nb.randn([5, 8, 40, 40], { generator: g }).requiresGrad_();
      const w = nb.randn([6, 8, 3, 3], { generator: g }).requiresGrad_();
      const c = nb.conv2d(img, w, null, { padding: 1, stride: 1 });
      c.mul(c).sum().backward(); // col2im in the input's gradient
      outs.push(c, img.grad!, w.grad!);
      return outs.map((t) => new Uint8Array(t.contiguous().dataSync().buffer.slice(0)));
    } finally {
      nb.setBackend(prev);
    }
  };
  const [r1, r2, r3] = made.map(run);
  for (let i = 0; i < r1!.length; i++) {
    assert.deepEqual(r2![i], r1![i], `2 threads, result ${i}`);
    assert.deepEqual(r3![i], r1![i], `3 threads, result ${i}`);
  }
  assert.ok(made[1]!.counts.binary.native > 0 && made[1]!.counts.im2col.native > 0);
  assert.ok(made[1]!.counts.softmax.native > 0 && made[1]!.counts.adam.native > 0);
});

test("setThreads(1) stops the workers; bad counts are refused", async () => {
  const be = await createWasmBackend({ maxMemoryMiB: 64, threads: 2 });
  assert.equal(be.threads, 2);
  await be.setThreads(1);
  assert.equal(be.threads, 1);
  await assert.rejects(be.setThreads(0), /positive integer/);
});
