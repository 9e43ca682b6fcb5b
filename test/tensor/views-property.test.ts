// Property tests for views: random chains of view ops on random shapes (size-0 and size-1 dims
// included) agree with a model that tracks, for every output element, which input element it reads
// (values as nested JS arrays), share memory when they must, and route gradients back (adjoint).
// view() must fail exactly when no strides can express the result.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as nb from "../../src/index.js";
import { viewStrides } from "../../src/ops/array.js";

// ---- the model: a shape and, per element in row-major order, the flat index of its source ----

interface Model {
  shape: number[];
  src: number[];
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function unravel(k: number, shape: readonly number[]): number[] {
  const idx = shape.map(() => 0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((k, i, d) => k * shape[d]! + i, 0);
}

/** A new model of `shape` whose element at idx reads the old model at from(idx). */
function gather(m: Model, shape: number[], from: (idx: number[]) => number[]): Model {
  const src = Array.from({ length: size(shape) }, (_, k) => m.src[ravel(from(unravel(k, shape)), m.shape)]!);
  return { shape, src };
}

function nest(shape: readonly number[], flat: readonly number[], d = 0, base = 0): nb.NestedArray {
  if (d === shape.length) return flat[base]!;
  const inner = size(shape.slice(d + 1));
  return Array.from({ length: shape[d]! }, (_, i) => nest(shape, flat, d + 1, base + i * inner));
}

/** Python's range(start, end, step) of a slice over n items. */
function sliceIndices(n: number, start: number, end: number | undefined, step: number): number[] {
  const norm = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const out: number[] = [];
  for (let i = norm(start); i < norm(end ?? n); i += step) out.push(i);
  return out;
}

// ---- random view steps: each is an op name plus random numbers read against the current shape ----

type Step = { op: string; r: number[] };
type Applied = { t: nb.Tensor; m: Model; isView: boolean };

/** A dim index in [-n, n) (negative dims count from the end, as in PyTorch). */
const anyDim = (r: number, n: number) => (r % (2 * n)) - n;
const pos = (d: number, n: number) => (d < 0 ? d + n : d);

/** A random shape with `n` elements, built from n's prime factors, some 1s, and sometimes a 0. */
function shapeWithSize(n: number, r: number[]): number[] {
  const dims = Array.from({ length: r[0]! % 4 }, () => 1);
  if (n === 0) {
    dims.push(0);
    if (r[1]! % 2) dims.push(r[2]! % 4);
  } else {
    let rest = n;
    for (let p = 2; rest > 1; p++)
      while (rest % p === 0) {
        rest /= p;
        if (dims.length && r[(p + rest) % r.length]! % 2) dims[dims.length - 1]! *= p;
        else dims.push(p);
      }
  }
  // shuffle deterministically
  return dims
    .map((d, i) => [d, (r[3]! * (i + 7)) % 13] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([d]) => d);
}

/** Whether strides exist that express `shape` over t's elements (offsets affine in the index). */
function viewable(t: nb.Tensor, shape: readonly number[]): boolean {
  const n = t.numel();
  if (n === 0) return true;
  const st = t.stride();
  const offsetOf = (k: number) => unravel(k, t.shape).reduce((o, i, d) => o + i * st[d]!, 0);
  const strides = shape.map((d, i) =>
    d > 1
      ? offsetOf(
          ravel(
            shape.map((_, j) => (j === i ? 1 : 0)),
            shape,
          ),
        ) - offsetOf(0)
      : 0,
  );
  for (let k = 0; k < n; k++) {
    const idx = unravel(k, shape);
    if (offsetOf(k) - offsetOf(0) !== idx.reduce((o, i, d) => o + i * strides[d]!, 0)) return false;
  }
  return true;
}

function applyStep({ t, m }: Applied, { op, r }: Step): Applied {
  const nd = m.shape.length;
  const n1 = Math.max(nd, 1);
  const s = m.shape;
  switch (op) {
    case "reshape":
    case "view": {
      const shape = shapeWithSize(size(s), r);
      // -1 for one dim, when the others do not multiply to 0 (PyTorch refuses that)
      const free = shape.length && r[1]! % 3 === 0 ? r[2]! % shape.length : -1;
      const arg = shape.map((d, i) => (i === free && size(shape) / d > 0 ? -1 : d));
      const next = { shape, src: m.src.slice() };
      if (op === "reshape") return { t: t.reshape(arg), m: next, isView: false };
      if (!viewable(t, shape)) {
        assert.throws(() => t.view(arg), /view: cannot view/);
        return { t, m, isView: true };
      }
      return { t: t.view(arg), m: next, isView: true };
    }
    case "permute": {
      const perm = [...Array(nd).keys()].sort((a, b) => ((a * 7 + r[0]!) % 11) - ((b * 7 + r[0]!) % 11));
      return {
        t: t.permute(perm),
        m: gather(
          m,
          perm.map((p) => s[p]!),
          (i) => perm.map((_, k) => i[perm.indexOf(k)]!),
        ),
        isView: true,
      };
    }
    case "transpose": {
      const a = anyDim(r[0]!, n1);
      const b = anyDim(r[1]!, n1);
      if (nd === 0) return { t: t.transpose(a, b), m, isView: true };
      const [pa, pb] = [pos(a, nd), pos(b, nd)];
      const swap = (x: number[]) => x.map((v, k) => (k === pa ? x[pb]! : k === pb ? x[pa]! : v));
      return { t: t.transpose(a, b), m: gather(m, swap(s), swap), isView: true };
    }
    case "mT": {
      if (nd < 2) {
        assert.throws(() => t.mT, /transpose: dim -2 is out of range/);
        return { t, m, isView: true };
      }
      const swap = (x: number[]) => [...x.slice(0, -2), x[nd - 1]!, x[nd - 2]!];
      return { t: t.mT, m: gather(m, swap(s), swap), isView: true };
    }
    case "unflatten": {
      if (nd === 0) return { t, m, isView: true };
      const dim = anyDim(r[0]!, nd);
      const d = pos(dim, nd);
      let parts = shapeWithSize(s[d]!, r.slice(1).concat(r[0]!));
      if (parts.length === 0) parts = [1];
      const free = parts.length && r[1]! % 3 === 0 ? r[2]! % parts.length : -1;
      const arg = parts.map((x, i) => (i === free && size(parts) / x > 0 ? -1 : x));
      const shape = [...s.slice(0, d), ...parts, ...s.slice(d + 1)];
      return { t: t.unflatten(dim, arg), m: { shape, src: m.src }, isView: false };
    }
    case "T": {
      const rev = (x: number[]) => [...x].reverse();
      return { t: t.T, m: gather(m, rev(s), rev), isView: true };
    }
    case "expand": {
      const lead = r[0]! % 3;
      const shape = [
        ...Array.from({ length: lead }, (_, i) => r[(i + 1) % 4]! % 3),
        ...s.map((d, i) => (d === 1 ? r[(i + 2) % 4]! % 4 : d)),
      ];
      const arg = shape.map((d, i) => (i >= lead && r[3]! % 2 && s[i - lead] === d ? -1 : d));
      const from = (i: number[]) => s.map((d, k) => (d === 1 ? 0 : i[k + lead]!));
      return { t: t.expand(arg), m: gather(m, shape, from), isView: true };
    }
    case "slice":
    case "narrow":
    case "select": {
      if (nd === 0) return { t, m, isView: true };
      const dim = anyDim(r[0]!, nd);
      const d = pos(dim, nd);
      const n = s[d]!;
      let idx: number[];
      let out: nb.Tensor;
      if (op === "slice") {
        const start = (r[1]! % (2 * n + 5)) - n - 2;
        const end = r[2]! % 5 === 0 ? undefined : (r[2]! % (2 * n + 5)) - n - 2;
        const step = 1 + (r[3]! % 3);
        idx = sliceIndices(n, start, end, step);
        out = t.slice(dim, start, end, step);
      } else if (op === "narrow") {
        const start = r[1]! % (n + 1);
        const len = r[2]! % (n - start + 1);
        idx = Array.from({ length: len }, (_, i) => start + i);
        out = t.narrow(dim, r[3]! % 2 && start > 0 ? start - n : start, len);
      } else {
        if (n === 0) {
          assert.throws(() => t.select(dim, 0), /select: index 0 is out of range/);
          return { t, m, isView: true };
        }
        const i = (r[1]! % (2 * n)) - n;
        const shape = s.filter((_, k) => k !== d);
        const from = (x: number[]) => [...x.slice(0, d), pos(i, n), ...x.slice(d)];
        return { t: t.select(dim, i), m: gather(m, shape, from), isView: true };
      }
      const shape = s.map((x, k) => (k === d ? idx.length : x));
      return {
        t: out,
        m: gather(m, shape, (x) => x.map((v, k) => (k === d ? idx[v]! : v))),
        isView: true,
      };
    }
    case "squeeze": {
      const mode = r[0]! % 3;
      const dims = mode === 0 || nd === 0 ? undefined : mode === 1 ? anyDim(r[1]!, nd) : [anyDim(r[1]!, nd)];
      const which =
        dims === undefined ? s.map((_, k) => k) : [pos(typeof dims === "number" ? dims : dims[0]!, nd)];
      const keep = s.map((d, k) => !(d === 1 && which.includes(k)));
      const shape = s.filter((_, k) => keep[k]);
      const from = (x: number[]) => {
        let j = 0;
        return s.map((_, k) => (keep[k] ? x[j++]! : 0));
      };
      return { t: t.squeeze(dims), m: gather(m, shape, from), isView: true };
    }
    case "unsqueeze": {
      const dim = (r[0]! % (2 * nd + 2)) - nd - 1;
      const d = pos(dim, nd + 1);
      const shape = [...s.slice(0, d), 1, ...s.slice(d)];
      const from = (x: number[]) => [...x.slice(0, d), ...x.slice(d + 1)];
      return { t: t.unsqueeze(dim), m: gather(m, shape, from), isView: true };
    }
    case "flatten": {
      if (nd === 0) return { t: t.flatten(), m: { shape: [1], src: m.src }, isView: false };
      let a = pos(anyDim(r[0]!, nd), nd);
      let b = pos(anyDim(r[1]!, nd), nd);
      if (a > b) [a, b] = [b, a];
      const shape = [...s.slice(0, a), size(s.slice(a, b + 1)), ...s.slice(b + 1)];
      return { t: t.flatten(a, b - nd), m: { shape, src: m.src }, isView: false };
    }
    case "flip": {
      const dims = s.flatMap((_, k) => (r[k % 4]! % 2 ? [k] : []));
      const from = (x: number[]) => x.map((v, k) => (dims.includes(k) ? s[k]! - 1 - v : v));
      return { t: t.flip(dims), m: gather(m, s, from), isView: true };
    }
    case "contiguous":
      return { t: t.contiguous(), m, isView: false };
    default:
      throw new Error(`unknown step ${op}`);
  }
}

const OPS = [
  "reshape", "view", "permute", "transpose", "T", "mT", "unflatten", "expand", "slice", "narrow", "select",
  "squeeze", "unsqueeze", "flatten", "flip", "contiguous",
]; // prettier-ignore

const arbShape = fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(1)), { maxLength: 4 });
const arbStep = fc.record({
  op: fc.constantFrom(...OPS),
  r: fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }),
});

test("random chains of views agree with the index model, values and gradients", () => {
  fc.assert(
    fc.property(arbShape, fc.array(arbStep, { maxLength: 6 }), (shape, steps) => {
      const n = size(shape);
      const x = nb.arange(n, undefined, 1, { dtype: "float64" }).reshape(shape).requiresGrad_();
      let cur: Applied = { t: x, m: { shape, src: Array.from({ length: n }, (_, i) => i) }, isView: true };
      for (const step of steps) {
        const prev = cur.t;
        cur = applyStep(cur, step);
        assert.deepEqual(cur.t.shape, cur.m.shape, `${step.op}: shape`);
        if (cur.isView && cur.t !== prev)
          assert.equal(cur.t.array.buf, prev.array.buf, `${step.op}: a view shares its input's memory`);
      }
      assert.deepEqual(cur.t.tolist(), nest(cur.m.shape, cur.m.src));
      // the adjoint: each input element's gradient sums the weights of the outputs that read it
      const w = Array.from({ length: cur.t.numel() }, (_, k) => (k % 5) - 2);
      cur.t
        .mul(nb.fromArray(w, cur.t.shape, { dtype: "float64" }))
        .sum()
        .backward();
      const expected = new Array<number>(n).fill(0);
      cur.m.src.forEach((s, k) => (expected[s]! += w[k]!));
      assert.deepEqual(Array.from(x.grad?.dataSync() ?? new Float64Array(n)), expected);
    }),
    { numRuns: 400 },
  );
});

test("viewStrides: when it gives strides, the view reads what reshaping a contiguous copy gives", () => {
  fc.assert(
    fc.property(
      arbShape,
      fc.array(arbStep, { maxLength: 4 }),
      fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }),
      (shape, steps, r) => {
        let cur: Applied = { t: nb.arange(size(shape)).reshape(shape), m: { shape, src: [] }, isView: true };
        // reach a random layout through views only
        for (const step of steps)
          if (!["reshape", "flatten", "contiguous"].includes(step.op))
            cur = applyStep(
              { ...cur, m: { shape: cur.t.shape, src: Array.from({ length: cur.t.numel() }, (_, i) => i) } },
              step,
            );
        const t = cur.t;
        const target = shapeWithSize(t.numel(), r);
        const st = viewStrides(t.array, target);
        assert.equal(st !== null, viewable(t, target), `viewStrides(${t.shape} / ${t.stride()} → ${target})`);
        const expected = t.contiguous().reshape(target).tolist();
        if (st) assert.deepEqual(new nb.Tensor(t.array.withLayout(target, st)).tolist(), expected);
      },
    ),
    { numRuns: 400 },
  );
});

test("view and reshape errors name the op and the shapes", () => {
  const t = nb.zeros([2, 3]).T;
  assert.throws(() => t.view(6), /view: cannot view \[3,2\] with strides \[1,3\] as \[6\]; use reshape\(\)/);
  assert.throws(
    () => nb.zeros([2, 3]).reshape(4, -1),
    /reshape: shape \[4,-1\] is invalid for input of size 6/,
  );
  assert.throws(() => nb.zeros([2, 3]).reshape(-1, -1), /reshape: only one dim can be -1/);
  assert.throws(() => nb.zeros([0, 3]).reshape(0, -1), /reshape: .*-1 is ambiguous/);
  assert.throws(() => nb.zeros([2, 1]).unflatten(1, []), /unflatten: sizes must be non-empty/);
  assert.throws(
    () => nb.zeros([6]).unflatten(0, [4, -1]),
    /unflatten: sizes \[4,-1\] do not multiply to the size of the dim \(6\)/,
  );
  assert.throws(() => nb.zeros([0]).unflatten(0, [0, -1]), /unflatten: sizes \[0,-1\] do not multiply/);
  assert.throws(() => nb.zeros([2]).expand(3), /expand: cannot expand \[2\] to \[3\]/);
  assert.throws(() => nb.zeros([2, 2]).permute(0, 0), /permute: dims \[0,0\] repeat a dim/);
  assert.throws(() => nb.zeros([2]).narrow(0, 1, 2), /narrow: start 1 and length 2 exceed dim 0 of size 2/);
  assert.throws(() => nb.zeros([2]).slice(0, 0, 2, 0), /slice: step must be a positive integer, got 0/);
});
