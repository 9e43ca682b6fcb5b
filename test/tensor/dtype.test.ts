// Dtypes: PyTorch's promotion (torch's int64 is nabla's int32) through ops, weak Python-style
// scalars, conversions, and the dtype helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { assertDtype, dtypeOfArray, promote, scalarDtypeNear, typedArrayFor } from "../../src/util/dtype.js";

const i = () => nb.tensor([1, 2]);
const f = () => nb.tensor([1, 2], { dtype: "float32" });
const d = () => nb.tensor([1, 2], { dtype: "float64" });
const b = () => nb.tensor([true, false]);

test("binary ops promote like torch.result_type (values from PyTorch 1.13)", () => {
  const cases: [string, () => nb.Tensor, nb.DType][] = [
    ["int + float32", () => i().add(f()), "float32"],
    ["int + float64", () => i().add(d()), "float64"],
    ["float32 + float64", () => f().add(d()), "float64"],
    ["bool + int", () => b().add(i()), "int32"],
    ["bool + bool", () => b().add(b()), "bool"],
    ["int + 2.5", () => i().add(2.5), "float32"],
    ["float64 + 2.5", () => d().add(2.5), "float64"],
    ["float32 + 2", () => f().add(2), "float32"],
    ["bool + 2", () => b().add(2), "int32"],
    ["bool + 2.5", () => b().add(2.5), "float32"],
    ["int / int", () => i().div(i()), "float32"],
    ["int * true", () => i().mul(true), "int32"],
    ["bool * true", () => b().mul(true), "bool"],
    ["int < float", () => i().lt(f()), "bool"],
    ["int ** 2", () => i().pow(2), "int32"],
    ["int ** 0.5", () => i().pow(0.5), "float32"],
    ["int % 2", () => i().remainder(2), "int32"],
    ["int // 2", () => i().div(2, { roundingMode: "floor" }), "int32"],
  ];
  for (const [name, fn, want] of cases) assert.equal(fn().dtype, want, name);
});

test("unary ops and reductions keep or promote dtypes as PyTorch does", () => {
  assert.equal(i().exp().dtype, "float32");
  assert.equal(b().exp().dtype, "float32");
  assert.equal(i().neg().dtype, "int32");
  assert.equal(i().abs().dtype, "int32");
  assert.equal(i().sum().dtype, "int32");
  assert.equal(b().sum().dtype, "int32");
  assert.equal(d().sum().dtype, "float64");
  assert.throws(() => i().mean(), /mean: needs a floating-point input, got int32/);
});

test("conversions: float → int truncates toward zero, anything → bool is 'nonzero'", () => {
  const x = nb.tensor([0.5, -2.7, 2.7, 0]);
  assert.deepEqual(x.int().tolist(), [0, -2, 2, 0]);
  assert.deepEqual(x.bool().tolist(), [true, true, true, false]);
  assert.deepEqual(nb.tensor([300, -1, 0]).bool().tolist(), [true, true, false]);
  assert.deepEqual(b().float().tolist(), [1, 0]);
  assert.equal(d().float().dtype, "float32");
  assert.equal(f().double().dtype, "float64");
  const same = f();
  assert.equal(same.to("float32"), same, "to() the same dtype is the tensor itself");
  assert.throws(() => f().to("half" as nb.DType), /to: unknown dtype half/);
});

test("gradients flow through dtype conversions, and come back in the input's dtype", () => {
  const x = nb.tensor([1.5, 2.5], { dtype: "float32", requiresGrad: true });
  x.double().mul(2).sum().backward();
  assert.equal(x.grad!.dtype, "float32");
  assert.deepEqual(Array.from(x.grad!.dataSync()), [2, 2]);
  const y = x.int();
  assert.equal(y.requiresGrad, false, "integer results carry no gradient");
});

test("dtype helpers", () => {
  assert.equal(promote("bool", "int32"), "int32");
  assert.equal(promote("float64", "int32"), "float64");
  assert.equal(promote("float32", "float32"), "float32");
  assert.equal(scalarDtypeNear("int32", 2.5), "float32");
  assert.equal(scalarDtypeNear("float64", 2.5), "float64");
  assert.equal(scalarDtypeNear("bool", 2), "int32");
  assert.equal(scalarDtypeNear("int32", true), "int32");
  assert.equal(scalarDtypeNear("int32", Infinity), "float32");
  assert.ok(typedArrayFor("bool", 2) instanceof Uint8Array);
  assert.equal(dtypeOfArray("op", new Float64Array(1)), "float64");
  assert.throws(() => dtypeOfArray("op", new Int8Array(1)), /op: unsupported typed array Int8Array/);
  assert.equal(assertDtype("op", "int32"), "int32");
  assert.throws(
    () => assertDtype("op", 3),
    (e: Error) => e instanceof nb.NablaError && /op: unknown dtype 3/.test(e.message),
  );
  assert.deepEqual(nb.DTYPES, ["float32", "float64", "int32", "bool"]);
});
