// Differential tests of the WebAssembly backend's reductions, scans and matmul against the
// reference backend, on random shapes and layouts: transposed and flipped operands, broadcast
// batches (stride 0), offsets, sizes around the matmul's register and cache blocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReduceOp, View } from "../../src/backend/interface.js";
import {
  assertAgree,
  contiguousLayout,
  EXACT,
  type Layout,
  Rand,
  randomLayout,
  randomShape,
  reference,
  Twin,
  twin,
  wasm,
} from "./views.js";

const OPS: ReduceOp[] = ["sum", "prod", "max", "min", "argmax", "argmin"];

test("wasm reduce: every op over random axes of random layouts (inner and outer walks)", async () => {
  const wb = await wasm();
  const r = new Rand(11);
  for (const op of OPS)
    for (let t = 0; t < 120; t++) {
      const shape = t < 10 ? [r.int(1, 3), r.int(1, 70)] : randomShape(r, 4, 6);
      const layout = t < 10 ? contiguousLayout(shape) : randomLayout(r, shape);
      const axes = shape.map((_, i) => i).filter(() => r.next() < 0.5);
      if (t % 7 === 0) axes.splice(0, axes.length, ...shape.keys()); // everything
      const x = twin(wb, r, "float32", layout);
      const outShape = shape.filter((_, i) => !axes.includes(i));
      const arg = op === "argmax" || op === "argmin";
      const ol = contiguousLayout(outShape);
      const out = new Twin(wb, arg ? "int32" : "float32", ol, new Array(ol.size).fill(0));
      reference.reduce(op, x.view("ref"), axes, out.view("ref"));
      wb.reduce(op, x.view("wasm"), axes, out.view("wasm"));
      const { ref, wasm: got } = out.read();
      // sums and products: both accumulate in float64, in different orders
      const tol = arg || op === "max" || op === "min" ? EXACT : { rtol: 1e-6, atol: 1e-6 };
      assertAgree(got, ref, tol, `reduce ${op} #${t} [${shape}] axes [${axes}]`);
    }
  assert.equal(wb.counts.reduce.fallback, 0);
});

test("wasm reduce: empty dims give the identity, or the reference's error", async () => {
  const wb = await wasm();
  const x = new Twin(wb, "float32", contiguousLayout([2, 0]), []);
  const out = new Twin(wb, "float32", contiguousLayout([2]), [7, 7]);
  wb.reduce("prod", x.view("wasm"), [1], out.view("wasm"));
  assert.deepEqual([...out.read().wasm], [1, 1]);
  assert.throws(() => wb.reduce("max", x.view("wasm"), [1], out.view("wasm")), /max over an empty dimension/);
});

test("wasm scan: cumsum and cumprod along every axis of random layouts", async () => {
  const wb = await wasm();
  const r = new Rand(12);
  for (let t = 0; t < 150; t++) {
    const shape = randomShape(r, 4, 6);
    if (shape.length === 0) continue;
    const axis = r.int(0, shape.length - 1);
    const op = r.pick(["sum", "prod"] as const);
    const x = twin(wb, r, "float32", randomLayout(r, shape));
    const ol = contiguousLayout(shape);
    const out = new Twin(wb, "float32", ol, new Array(ol.size).fill(0));
    reference.scan(op, x.view("ref"), axis, out.view("ref"));
    wb.scan(op, x.view("wasm"), axis, out.view("wasm"));
    const { ref, wasm: got } = out.read();
    assertAgree(got, ref, EXACT, `scan ${op} #${t} [${shape}] axis ${axis}`);
  }
});

/** A [B, rows, cols] operand: random layout, or transposed storage, or a batch broadcast. */
function operand(r: Rand, B: number, rows: number, cols: number): Layout {
  const kind = r.int(0, 3);
  if (kind === 0) return contiguousLayout([B, rows, cols]);
  if (kind === 1) {
    // stored as [B, cols, rows] and viewed transposed, as x.T or Wᵀ in a linear layer
    const c = contiguousLayout([B, cols, rows]);
    return { shape: [B, rows, cols], strides: [c.strides[0]!, 1, rows], offset: 0, size: c.size };
  }
  if (kind === 2) {
    // one matrix broadcast over the batch
    const c = contiguousLayout([rows, cols]);
    return { shape: [B, rows, cols], strides: [0, cols, 1], offset: 0, size: c.size };
  }
  return randomLayout(r, [B, rows, cols], false);
}

test("wasm matmul: random sizes around the 4×8 tile and the K/M blocks, any operand layout", async () => {
  const wb = await wasm();
  const r = new Rand(13);
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 70];
  for (let t = 0; t < 160; t++) {
    const B = r.int(1, 3);
    const M = r.pick(sizes);
    const N = r.pick(sizes);
    // K beyond 256 crosses a K-slice boundary, so tiles accumulate across slices
    const K = t % 10 === 0 ? r.int(250, 530) : r.pick([0, ...sizes]);
    // NaN and ±∞ in a few cases only: elsewhere they would turn most outputs into NaN
    const a = twin(wb, r, "float32", operand(r, B, M, K), t % 20 === 1);
    const b = twin(wb, r, "float32", operand(r, B, K, N), t % 20 === 1);
    const ol = contiguousLayout([B, M, N]);
    const out = new Twin(wb, "float32", ol, new Array(ol.size).fill(0));
    // every third case adds a bias row (behind an offset), in the kernel
    const bias =
      t % 3 === 0
        ? twin(wb, r, "float32", { ...contiguousLayout([N]), offset: 1, size: N + 1 }, false)
        : null;
    reference.matmul(a.view("ref"), b.view("ref"), out.view("ref"), bias?.view("ref"));
    wb.matmul(a.view("wasm"), b.view("wasm"), out.view("wasm"), bias?.view("wasm"));
    const { ref, wasm: got } = out.read();
    // float32 accumulation against the reference's float64: bound the error by Σ|a||b| (+ |bias|)
    const bound = absProduct(a, b, B, M, K, N).map((v) => v + 3);
    const diffs = Array.from(got, (v, i) => Math.abs(v - ref[i]!) - 1e-6 * bound[i]! - 1e-6);
    const worst = diffs.reduce((m, d, i) => (d > diffs[m]! ? i : m), 0);
    assert.ok(
      !(diffs[worst]! > 0) && got.every((v, i) => Number.isNaN(v) === Number.isNaN(ref[i]!)),
      `matmul #${t} B=${B} M=${M} K=${K} N=${N}: [${worst}] got ${got[worst]}, expected ${ref[worst]}`,
    );
  }
  assert.equal(wb.counts.matmul.fallback, 0);
});

test("wasm matmul: two batch dims in random layouts agree with the reference (threaded when large)", async () => {
  const wb = await wasm();
  const r = new Rand(15);
  for (let t = 0; t < 40; t++) {
    const [B1, B2, M, K, N] = [r.int(1, 3), r.int(1, 3), r.int(1, 40), r.int(0, 40), r.int(1, 40)];
    const a = twin(wb, r, "float32", randomLayout(r, [B1, B2, M, K], t % 2 === 0), false);
    const b = twin(wb, r, "float32", randomLayout(r, [B1, B2, K, N], t % 2 === 1), false);
    const ol = contiguousLayout([B1, B2, M, N]);
    const out = new Twin(wb, "float32", ol, new Array(ol.size).fill(7));
    reference.matmul(a.view("ref"), b.view("ref"), out.view("ref"));
    wb.matmul(a.view("wasm"), b.view("wasm"), out.view("wasm"));
    const { ref, wasm: got } = out.read();
    got.forEach((v, i) =>
      assert.ok(
        Math.abs(v - ref[i]!) <= 1e-4 * (1 + Math.abs(ref[i]!)),
        `#${t} [${B1},${B2},${M},${K},${N}] at ${i}`,
      ),
    );
  }
});

/** Σ_k |a[b,i,k]|·|b[b,k,j]|, from the reference backend's buffers. */
function absProduct(a: Twin, b: Twin, B: number, M: number, K: number, N: number): Float64Array {
  const av = reference.readSync(a.ref);
  const bv = reference.readSync(b.ref);
  const at = (v: View, d: ArrayLike<number>, i: number, j: number, k: number): number =>
    Math.abs(d[v.offset + i * v.strides[0]! + j * v.strides[1]! + k * v.strides[2]!]!);
  const out = new Float64Array(B * M * N);
  for (let p = 0; p < B; p++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += at(a.view("ref"), av, p, i, k) * at(b.view("ref"), bv, p, k, j);
        out[(p * M + i) * N + j] = s;
      }
  return out;
}

test("wasm matmul: K = 0 gives zeros, and float64 runs the reference kernel", async () => {
  const wb = await wasm();
  const r = new Rand(14);
  const a = new Twin(wb, "float32", contiguousLayout([1, 3, 0]), []);
  const b = new Twin(wb, "float32", contiguousLayout([1, 0, 2]), []);
  const out = new Twin(wb, "float32", contiguousLayout([1, 3, 2]), [1, 2, 3, 4, 5, 6]);
  wb.matmul(a.view("wasm"), b.view("wasm"), out.view("wasm"));
  assert.deepEqual([...out.read().wasm], [0, 0, 0, 0, 0, 0]);
  const a64 = twin(wb, r, "float64", operand(r, 2, 5, 6));
  const b64 = twin(wb, r, "float64", operand(r, 2, 6, 3));
  const o64 = new Twin(wb, "float64", contiguousLayout([2, 5, 3]), new Array(30).fill(0));
  reference.matmul(a64.view("ref"), b64.view("ref"), o64.view("ref"));
  wb.matmul(a64.view("wasm"), b64.view("wasm"), o64.view("wasm"));
  const { ref, wasm: got } = o64.read();
  assertAgree(got, ref, EXACT, "float64 matmul");
});
