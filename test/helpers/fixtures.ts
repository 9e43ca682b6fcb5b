// Replays PyTorch fixtures (test/fixtures/<family>.json, written by scripts/fixtures/<family>.py)
// through nabla: each case's outputs and input gradients are compared, once with contiguous inputs
// and once with the same values in non-contiguous layouts (transposed or strided views).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nb from "../../src/index.js";
import "../backend/select.js"; // NABLA_BACKEND=wasm replays the fixtures on that backend

export interface TensorDesc {
  shape: number[];
  dtype: nb.DType;
  data: (number | string)[];
  requiresGrad?: boolean;
}
export interface FixtureCase {
  name: string;
  inputs: TensorDesc[];
  outputs: TensorDesc[];
  gradOutputs: ((number | string)[] | null)[];
  grads: ((number | string)[] | null)[];
}

export type OpFn = (...xs: nb.Tensor[]) => nb.Tensor | nb.Tensor[];

export function decode(v: number | string): number {
  if (typeof v === "number") return v;
  return v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;
}

export function loadFixtures(family: string): FixtureCase[] {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/${family}.json`, import.meta.url), "utf8"));
  return raw.cases as FixtureCase[];
}

/** The same values in a non-contiguous layout: a transposed buffer (≥2-D) or every other element (1-D). */
export function nonContiguous(t: nb.Tensor): nb.Tensor {
  if (t.ndim >= 2) {
    const c = t.transpose(-1, -2).contiguous();
    return c.transpose(-1, -2);
  }
  if (t.ndim === 1 && t.numel() > 0) {
    // t's values in column 0 of an [n, 2] buffer, viewed through that column (stride 2)
    const src = t.dataSync();
    const wide = new Float64Array(2 * src.length);
    src.forEach((v, i) => (wide[2 * i] = v));
    return nb.fromArray(wide, [src.length, 2], { dtype: t.dtype }).select(1, 0);
  }
  return t;
}

function build(d: TensorDesc, layout: "contiguous" | "strided"): nb.Tensor {
  const values = d.data.map(decode);
  let t = nb.fromArray(values, d.shape, { dtype: d.dtype });
  if (layout === "strided") t = nonContiguous(t);
  if (d.requiresGrad) t = t.detach().requiresGrad_(true);
  return t;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}
export const TOL: Record<nb.DType, Tolerance> = {
  float64: { rtol: 1e-9, atol: 1e-10 },
  float32: { rtol: 1e-4, atol: 1e-5 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  what: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} values, expected ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: got ${a}, expected NaN`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(
      err <= tol.atol + tol.rtol * Math.abs(e),
      `${what}[${i}]: got ${a}, expected ${e} (|diff| ${err.toExponential(2)})`,
    );
  }
}

/**
 * Registers one node:test per fixture case (and layout). Every fixture name must have an op in
 * `ops`, and every op must have at least one fixture, so neither side is silently unchecked.
 */
export function replayFixtures(
  family: string,
  ops: Record<string, OpFn>,
  opts: { tol?: Partial<Record<nb.DType, Tolerance>> } = {},
): void {
  const cases = loadFixtures(family);
  test(`${family}: every fixture has an op and every op a fixture`, () => {
    const names = new Set(cases.map((c) => c.name));
    assert.deepEqual(
      [...names].filter((n) => !(n in ops)),
      [],
      "fixtures without an op",
    );
    assert.deepEqual(
      Object.keys(ops).filter((n) => !names.has(n)),
      [],
      "ops without a fixture",
    );
  });
  const seen = new Map<string, number>();
  for (const c of cases) {
    const k = seen.get(c.name) ?? 0;
    seen.set(c.name, k + 1);
    for (const layout of ["contiguous", "strided"] as const) {
      const dtypes = [...new Set(c.inputs.map((i) => i.dtype))].join("/");
      test(`${family}: ${c.name} #${k} ${dtypes} ${layout}`, () =>
        runCase(c, ops[c.name]!, layout, opts.tol));
    }
  }
}

function runCase(
  c: FixtureCase,
  fn: OpFn,
  layout: "contiguous" | "strided",
  tolOverride?: Partial<Record<nb.DType, Tolerance>>,
): void {
  const inputs = c.inputs.map((d) => build(d, layout));
  const result = fn(...inputs);
  const outs = Array.isArray(result) ? result : [result];
  assert.equal(
    outs.length,
    c.outputs.length,
    `${c.name}: ${outs.length} outputs, expected ${c.outputs.length}`,
  );
  outs.forEach((o, i) => {
    const e = c.outputs[i]!;
    assert.deepEqual(o.shape, e.shape, `${c.name}: output ${i} shape`);
    assert.equal(o.dtype, e.dtype, `${c.name}: output ${i} dtype`);
    const tol = tolOverride?.[e.dtype] ?? TOL[e.dtype];
    assertClose(o.dataSync(), e.data.map(decode), tol, `${c.name} output ${i}`);
  });
  if (!c.grads.some((g) => g !== null)) return;
  let loss: nb.Tensor | null = null;
  outs.forEach((o, i) => {
    const go = c.gradOutputs[i];
    if (!go || !o.requiresGrad) return;
    const term = o.mul(nb.fromArray(go.map(decode), o.shape, { dtype: o.dtype })).sum();
    loss = loss ? loss.add(term) : term;
  });
  assert.ok(loss, `${c.name}: PyTorch computed gradients but no nabla output requires grad`);
  (loss as nb.Tensor).backward();
  c.grads.forEach((g, i) => {
    if (!g) return;
    const x = inputs[i]!;
    assert.ok(x.grad, `${c.name}: input ${i} got no gradient`);
    const tol = tolOverride?.[x.dtype] ?? TOL[x.dtype];
    assertClose(x.grad.dataSync(), g.map(decode), tol, `${c.name} grad ${i}`);
  });
}
