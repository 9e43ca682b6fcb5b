// Differential tests of the WebAssembly backend's fused kernels (softmax, layer norm, Adam)
// against the reference backend's, on random row counts and lengths (SIMD bodies and scalar
// tails), views behind an offset, and the special values softmax must respect.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AdamStep } from "../../src/backend/interface.js";
import { assertAgree, EXACT, type Layout, Rand, reference, Twin, twin, values, wasm } from "./views.js";

/** A contiguous [rows, n] layout behind a random offset, in a slightly larger buffer. */
function rowsLayout(r: Rand, shape: number[]): Layout {
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = r.int(0, 3);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { shape, strides, offset, size: offset + n + r.int(0, 3) };
}
const empty = (wb: Awaited<ReturnType<typeof wasm>>, l: Layout) =>
  new Twin(wb, "float32", l, new Array(l.size).fill(0));

test("wasm softmax and logSoftmax, forward and backward, agree with the reference", async () => {
  const wb = await wasm();
  const r = new Rand(21);
  for (let t = 0; t < 120; t++) {
    const shape = [r.int(1, 6), r.int(1, 40)];
    const log = t % 2 === 1;
    const l = rowsLayout(r, shape);
    const vals = values(r, "float32", l.size, t % 4 < 2);
    if (t % 10 === 0) for (let j = 0; j < shape[1]!; j++) vals[l.offset + j] = -Infinity; // a fully masked row
    const x = new Twin(wb, "float32", l, vals);
    const y = empty(wb, rowsLayout(r, shape));
    reference.softmax(x.view("ref"), y.view("ref"), log);
    wb.softmax(x.view("wasm"), y.view("wasm"), log);
    const fwd = y.read();
    assertAgree(fwd.wasm, fwd.ref, { rtol: 2e-6, atol: 2e-6 }, `${log ? "log" : ""}softmax #${t} [${shape}]`);
    // backward from the reference's output, so both start from the same y
    const yr = new Twin(wb, "float32", y.layout, fwd.ref);
    const dy = twin(wb, r, "float32", rowsLayout(r, shape), false);
    const dx = empty(wb, rowsLayout(r, shape));
    reference.softmaxBackward(yr.view("ref"), dy.view("ref"), dx.view("ref"), log);
    wb.softmaxBackward(yr.view("wasm"), dy.view("wasm"), dx.view("wasm"), log);
    const bwd = dx.read();
    assertAgree(bwd.wasm, bwd.ref, { rtol: 1e-5, atol: 1e-5 }, `${log ? "log" : ""}softmax backward #${t}`);
  }
  assert.equal(wb.counts.softmax.fallback + wb.counts.softmaxBackward.fallback, 0);
});

test("wasm causal softmax agrees with the reference: any diagonal, rows split anywhere", async () => {
  const wb = await wasm();
  const r = new Rand(24);
  for (let t = 0; t < 40; t++) {
    const [stacks, L, n] = [r.int(1, 4), r.int(1, 9), r.int(1, 40)];
    const causal = { rows: L, diagonal: r.int(-3, n) };
    const l = rowsLayout(r, [stacks * L, n]);
    const x = twin(wb, r, "float32", l, false);
    const y = empty(wb, rowsLayout(r, [stacks * L, n]));
    reference.softmax(x.view("ref"), y.view("ref"), false, causal);
    wb.softmax(x.view("wasm"), y.view("wasm"), false, causal);
    const got = y.read();
    assertAgree(
      got.wasm,
      got.ref,
      { rtol: 2e-6, atol: 2e-6 },
      `causal softmax #${t} ${JSON.stringify(causal)}`,
    );
  }
});

test("wasm layer norm, forward and backward, with and without weight and bias, agrees with the reference", async () => {
  const wb = await wasm();
  const r = new Rand(22);
  for (let t = 0; t < 80; t++) {
    const [rows, n] = [r.int(1, 7), r.int(1, 40)];
    const [hasW, hasB] = [t % 2 === 0, t % 3 !== 0];
    const x = twin(wb, r, "float32", rowsLayout(r, [rows, n]), false);
    const w = hasW ? twin(wb, r, "float32", rowsLayout(r, [n]), false) : null;
    const b = hasB ? twin(wb, r, "float32", rowsLayout(r, [n]), false) : null;
    const out = empty(wb, rowsLayout(r, [rows, n]));
    const mean = empty(wb, rowsLayout(r, [rows]));
    const rstd = empty(wb, rowsLayout(r, [rows]));
    for (const k of ["ref", "wasm"] as const) {
      const be = k === "ref" ? reference : wb;
      be.layerNorm(
        x.view(k),
        w?.view(k) ?? null,
        b?.view(k) ?? null,
        1e-5,
        out.view(k),
        mean.view(k),
        rstd.view(k),
      );
    }
    const tol = { rtol: 1e-5, atol: 1e-5 };
    for (const [name, tw] of [
      ["out", out],
      ["mean", mean],
      ["rstd", rstd],
    ] as const) {
      const got = tw.read();
      assertAgree(got.wasm, got.ref, tol, `layerNorm ${name} #${t} [${rows}, ${n}]`);
    }
    // backward from the reference's statistics
    const mr = new Twin(wb, "float32", mean.layout, mean.read().ref);
    const rr = new Twin(wb, "float32", rstd.layout, rstd.read().ref);
    const dy = twin(wb, r, "float32", rowsLayout(r, [rows, n]), false);
    const dx = empty(wb, rowsLayout(r, [rows, n]));
    const dw = t % 4 === 0 ? null : empty(wb, rowsLayout(r, [n]));
    const db = t % 5 === 0 ? null : empty(wb, rowsLayout(r, [n]));
    for (const k of ["ref", "wasm"] as const) {
      const be = k === "ref" ? reference : wb;
      be.layerNormBackward(
        x.view(k),
        mr.view(k),
        rr.view(k),
        w?.view(k) ?? null,
        dy.view(k),
        dx.view(k),
        dw?.view(k) ?? null,
        db?.view(k) ?? null,
      );
    }
    for (const [name, tw] of [
      ["dx", dx],
      ["dw", dw],
      ["db", db],
    ] as const) {
      if (!tw) continue;
      const got = tw.read();
      assertAgree(got.wasm, got.ref, { rtol: 1e-4, atol: 1e-4 }, `layerNorm ${name} #${t} [${rows}, ${n}]`);
    }
  }
  assert.equal(wb.counts.layerNorm.fallback + wb.counts.layerNormBackward.fallback, 0);
});

test("wasm Adam step: bit for bit the reference's, with every option", async () => {
  const wb = await wasm();
  const r = new Rand(23);
  for (let t = 0; t < 48; t++) {
    const n = r.int(1, 70);
    const step: AdamStep = {
      lr: r.pick([1e-3, 0.1, 3]),
      beta1: 0.9,
      beta2: r.pick([0.999, 0.95]),
      eps: 1e-8,
      weightDecay: r.pick([0, 0.01, 0.3]),
      decoupled: t % 2 === 0,
      maximize: t % 3 === 0,
      bias1: 1 - 0.9 ** (1 + (t % 5)),
      bias2Sqrt: Math.sqrt(1 - 0.999 ** (1 + (t % 5))),
    };
    const mk = (positive = false) => {
      const l = rowsLayout(r, [n]);
      return new Twin(
        wb,
        "float32",
        l,
        values(r, "float32", l.size, false).map((v) => (positive ? Math.abs(v) : v)),
      );
    };
    const [p, g, m, v] = [mk(), mk(), mk(), mk(true)];
    const vMax = t % 4 === 1 ? mk(true) : null;
    for (const k of ["ref", "wasm"] as const)
      (k === "ref" ? reference : wb).adam(
        step,
        p.view(k),
        g.view(k),
        m.view(k),
        v.view(k),
        vMax?.view(k) ?? null,
      );
    for (const [name, tw] of [
      ["p", p],
      ["m", m],
      ["v", v],
      ["vMax", vMax],
    ] as const) {
      if (!tw) continue;
      const got = tw.read();
      assertAgree(got.wasm, got.ref, EXACT, `adam ${name} #${t} n=${n} ${JSON.stringify(step)}`);
    }
  }
  assert.equal(wb.counts.adam.fallback, 0);
});
