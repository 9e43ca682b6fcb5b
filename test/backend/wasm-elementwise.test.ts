// Differential tests of the WebAssembly backend's elementwise kernels against the reference
// backend: fill, copy (every dtype pair), unary and binary (every op), and where, on random shapes
// and layouts (transposed, flipped, stepped, broadcast, offset). Seeds are in the test names.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type BinaryOp,
  BOOL_OUTPUT_OPS,
  BOOL_OUTPUT_UNARY_OPS,
  type UnaryOp,
} from "../../src/backend/interface.js";
import { DTYPES } from "../../src/util/dtype.js";
import {
  assertAgree,
  contiguousLayout,
  EXACT,
  Rand,
  randomLayout,
  randomShape,
  reference,
  Twin,
  twin,
  values,
  wasm,
} from "./views.js";

const UNARY: UnaryOp[] = [
  "neg",
  "abs",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "sign",
  "floor",
  "ceil",
  "round",
  "erf",
  "logicalNot",
  "isnan",
  "isinf",
  "geluTanh",
];
const BINARY: BinaryOp[] = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "remainder",
  "fmod",
  "atan2",
  "geluTanhBackward",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
];
const BOOL_OUT = new Set<string>([...BOOL_OUTPUT_UNARY_OPS, ...BOOL_OUTPUT_OPS]);
/** Transcendentals come from different libms (V8's and AssemblyScript's), rounded to float32. */
const ROUNDED = { rtol: 2e-7, atol: 1e-30 };
/** GELU's fused kernels compute in float32 lanes (see the test of their accuracy below). */
const GELU_TOL = { rtol: 8 * 2 ** -23, atol: 2e-7 };
const GELU_OPS = new Set<string>(["geluTanh", "geluTanhBackward"]);

test("wasm fill: every dtype, any layout, values converted as a typed array stores them", async () => {
  const wb = await wasm();
  const r = new Rand(1);
  for (let t = 0; t < 200; t++) {
    const dtype = r.pick(DTYPES);
    const layout = randomLayout(r, randomShape(r), false);
    const twin = new Twin(wb, dtype, layout, values(r, dtype, layout.size));
    const v = r.pick([0, 1, -2.75, NaN, Infinity, 3e9, -0.5, 17]);
    reference.fill(twin.view("ref"), v);
    wb.fill(twin.view("wasm"), v);
    const { ref, wasm: got } = twin.read();
    assertAgree(got, ref, EXACT, `fill #${t} ${dtype} ${v}`);
  }
});

test("wasm copy: every dtype pair, strided to strided, casting as the reference does", async () => {
  const wb = await wasm();
  const r = new Rand(2);
  for (let t = 0; t < 400; t++) {
    const [sd, dd] = [r.pick(DTYPES), r.pick(DTYPES)];
    const shape = randomShape(r);
    const sl = randomLayout(r, shape);
    const src = new Twin(wb, sd, sl, values(r, sd, sl.size));
    const dl = randomLayout(r, shape, false);
    const dst = new Twin(wb, dd, dl, values(r, dd, dl.size));
    reference.copy(src.view("ref"), dst.view("ref"));
    wb.copy(src.view("wasm"), dst.view("wasm"));
    const { ref, wasm: got } = dst.read();
    assertAgree(got, ref, EXACT, `copy #${t} ${sd}→${dd} [${shape}]`);
  }
  assert.ok(wb.counts.copy.native > 0 && wb.counts.copy.fallback === 0);
});

test("wasm unary: every op on float32, strided inputs, SIMD and scalar paths", async () => {
  const wb = await wasm();
  const r = new Rand(3);
  for (const op of UNARY)
    for (let t = 0; t < 30; t++) {
      // long contiguous rows reach the SIMD loops; random layouts the scalar ones
      const shape = t < 5 ? [r.int(1, 40)] : randomShape(r);
      const layout = t < 5 ? contiguousLayout(shape) : randomLayout(r, shape);
      const x = new Twin(wb, "float32", layout, values(r, "float32", layout.size));
      const outDtype = BOOL_OUT.has(op) ? "bool" : "float32";
      const out = new Twin(
        wb,
        outDtype,
        contiguousLayout(shape),
        new Array(contiguousLayout(shape).size).fill(0),
      );
      const before = wb.counts.unary.native;
      reference.unary(op, x.view("ref"), out.view("ref"));
      wb.unary(op, x.view("wasm"), out.view("wasm"));
      const { ref, wasm: got } = out.read();
      const tol = outDtype === "bool" ? EXACT : GELU_OPS.has(op) ? GELU_TOL : ROUNDED;
      assertAgree(got, ref, tol, `unary ${op} #${t} [${shape}]`);
      assert.equal(wb.counts.unary.native, before + (out.layout.size ? 1 : 0), `${op} ran natively`);
    }
});

test("wasm binary: every op on float32 with broadcasting and strides", async () => {
  const wb = await wasm();
  const r = new Rand(4);
  for (const op of BINARY)
    for (let t = 0; t < 30; t++) {
      const shape = t < 6 ? [r.int(1, 40)] : randomShape(r);
      const la = t < 6 ? contiguousLayout(shape) : randomLayout(r, shape);
      // a scalar broadcast along the row (x * 2) and its mirror
      const lb =
        t < 2
          ? { ...contiguousLayout(shape), strides: [0], size: 1 }
          : t < 4
            ? contiguousLayout(shape)
            : randomLayout(r, shape);
      const a = twin(wb, r, "float32", t === 4 ? { ...la, strides: [0], size: 1 } : la);
      const b = twin(wb, r, "float32", lb);
      const outDtype = BOOL_OUT.has(op) ? "bool" : "float32";
      const ol = contiguousLayout(shape);
      const out = new Twin(wb, outDtype, ol, new Array(ol.size).fill(0));
      reference.binary(op, a.view("ref"), b.view("ref"), out.view("ref"));
      wb.binary(op, a.view("wasm"), b.view("wasm"), out.view("wasm"));
      const { ref, wasm: got } = out.read();
      const tol = GELU_OPS.has(op) ? GELU_TOL : op === "pow" || op === "atan2" ? ROUNDED : EXACT;
      assertAgree(got, ref, tol, `binary ${op} #${t} [${shape}]`);
    }
  assert.equal(wb.counts.binary.fallback, 0);
});

test("wasm binary and unary on other dtypes run the reference kernels on the wasm heap", async () => {
  const wb = await wasm();
  const r = new Rand(5);
  for (const dtype of ["float64", "int32"] as const)
    for (const op of ["add", "mul", "maximum", "lt"] as BinaryOp[]) {
      const shape = [3, 4];
      const a = twin(wb, r, dtype, randomLayout(r, shape));
      const b = twin(wb, r, dtype, randomLayout(r, shape));
      const out = new Twin(wb, op === "lt" ? "bool" : dtype, contiguousLayout(shape), new Array(12).fill(0));
      reference.binary(op, a.view("ref"), b.view("ref"), out.view("ref"));
      wb.binary(op, a.view("wasm"), b.view("wasm"), out.view("wasm"));
      const { ref, wasm: got } = out.read();
      assertAgree(got, ref, EXACT, `${op} ${dtype}`);
    }
  assert.ok(wb.counts.binary.fallback >= 8);
  assert.equal(wb.isNative("binary", "float64"), false);
  assert.equal(wb.isNative("binary", "float32"), true);
});

test("wasm where: every dtype, broadcast condition and branches", async () => {
  const wb = await wasm();
  const r = new Rand(6);
  for (let t = 0; t < 200; t++) {
    const dtype = r.pick(DTYPES);
    const shape = randomShape(r);
    const c = twin(wb, r, "bool", randomLayout(r, shape));
    const a = twin(wb, r, dtype, randomLayout(r, shape));
    const b = twin(wb, r, dtype, randomLayout(r, shape));
    const ol = contiguousLayout(shape);
    const out = new Twin(wb, dtype, ol, new Array(ol.size).fill(0));
    reference.where(c.view("ref"), a.view("ref"), b.view("ref"), out.view("ref"));
    wb.where(c.view("wasm"), a.view("wasm"), b.view("wasm"), out.view("wasm"));
    const { ref, wasm: got } = out.read();
    assertAgree(got, ref, EXACT, `where #${t} ${dtype} [${shape}]`);
  }
  assert.equal(wb.counts.where.fallback, 0);
});

/** Distance in float32 ulps (consecutive float32s are 1 apart; ±0 are equal). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const f = new Float32Array([a, b]);
  const [x, y] = new Int32Array(f.buffer);
  const ordered = (i: number) => (i < 0 ? -2147483648 - i : i);
  return Math.abs(ordered(x!) - ordered(y!));
}

test("wasm SIMD exp, sigmoid and tanh: within 1 ulp of float64 math across float32's range", async () => {
  const wb = await wasm();
  const r = new Rand(7);
  const xs: number[] = [
    0,
    -0,
    NaN,
    Infinity,
    -Infinity,
    88.72,
    88.73,
    -87.3,
    -103.9,
    -104,
    1e-10,
    -1e-10,
    0.004,
    -0.004,
  ];
  for (let i = 0; i < 100000; i++) xs.push(Math.fround((r.next() * 2 - 1) * 10 ** r.int(-8, 2)));
  const x = new Twin(wb, "float32", contiguousLayout([xs.length]), xs);
  const exact: Record<string, (v: number) => number> = {
    exp: Math.exp,
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    tanh: Math.tanh,
  };
  for (const op of ["exp", "sigmoid", "tanh"] as const) {
    const out = new Twin(wb, "float32", contiguousLayout([xs.length]), new Array(xs.length).fill(0));
    wb.unary(op, x.view("wasm"), out.view("wasm"));
    const got = out.read().wasm;
    let worst = 0;
    let at = 0;
    xs.forEach((v, i) => {
      const u = ulps(got[i]!, Math.fround(exact[op]!(Math.fround(v))));
      if (u > worst) [worst, at] = [u, i];
    });
    assert.ok(
      worst <= 1,
      `${op}(${xs[at]}) = ${got[at]}: ${worst} ulps from ${Math.fround(exact[op]!(xs[at]!))}`,
    );
  }
});

test("wasm SIMD GELU (tanh) and its derivative: within 8 ulps of float64 math, or 2e-7 near a zero", async () => {
  const wb = await wasm();
  const r = new Rand(8);
  const xs: number[] = [
    0,
    -0,
    NaN,
    Infinity,
    1e-10,
    -1e-10,
    -0.75,
    -0.7517,
    -3.09,
    -9.9,
    -10,
    -100,
    10,
    100,
    1e4,
  ];
  for (let i = 0; i < 100000; i++) xs.push(Math.fround((r.next() * 2 - 1) * 10 ** r.int(-8, 3)));
  const x = new Twin(wb, "float32", contiguousLayout([xs.length]), xs);
  const k = Math.sqrt(2 / Math.PI);
  const tanhOf = (v: number) => Math.tanh(k * (v + 0.044715 * v ** 3));
  // σ(2u) rather than ½(1 + tanh u): float64's own cancellation would flush tiny negative outputs
  const sig = (v: number) => 1 / (1 + Math.exp(-2 * k * (v + 0.044715 * v ** 3)));
  const exact: Record<string, (v: number) => number> = {
    geluTanh: (v) => v * sig(v),
    geluTanhBackward: (v) => sig(v) + 0.5 * v * (1 - tanhOf(v) ** 2) * k * (1 + 3 * 0.044715 * v * v),
  };
  // the backward kernel times its second operand, the output's gradient: 1 here
  const ones = new Twin(wb, "float32", contiguousLayout([xs.length]), new Array(xs.length).fill(1));
  for (const op of ["geluTanh", "geluTanhBackward"] as const) {
    const out = new Twin(wb, "float32", contiguousLayout([xs.length]), new Array(xs.length).fill(0));
    if (op === "geluTanh") wb.unary(op, x.view("wasm"), out.view("wasm"));
    else wb.binary(op, x.view("wasm"), ones.view("wasm"), out.view("wasm"));
    const got = out.read().wasm;
    xs.forEach((v, i) => {
      const want = Math.fround(exact[op]!(v));
      const ok = ulps(got[i]!, want) <= 8 || Math.abs(got[i]! - want) <= 2e-7;
      assert.ok(ok, `${op}(${v}) = ${got[i]}, float64 math says ${want}`);
    });
  }
});
