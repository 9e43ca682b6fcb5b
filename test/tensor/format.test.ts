// toString against the exact strings PyTorch 1.13 prints for the same tensors (torch's int64 is
// nabla's int32, and nabla writes dtype=float64 where torch writes dtype=torch.float64).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { pyExp, pyFixed } from "../../src/tensor/format.js";

const f64 = { dtype: "float64" } as const;

test("floats: fixed, integer-valued and scientific styles, as PyTorch prints them", () => {
  assert.equal(
    String(
      nb.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float32" },
      ),
    ),
    "tensor([[1., 2.],\n        [3., 4.]])",
  );
  assert.equal(String(nb.tensor(3.5)), "tensor(3.5000)");
  assert.equal(String(nb.tensor(0, { dtype: "float32" })), "tensor(0.)");
  assert.equal(String(nb.tensor([-0, 1], { dtype: "float32" })), "tensor([-0., 1.])");
  assert.equal(String(nb.tensor([1e-5, 1.0, 123456.0])), "tensor([1.0000e-05, 1.0000e+00, 1.2346e+05])");
  assert.equal(String(nb.tensor([1e9, 1], { dtype: "float32" })), "tensor([1.0000e+09, 1.0000e+00])");
  assert.equal(String(nb.tensor([NaN, 1.5, Infinity])), "tensor([   nan, 1.5000,    inf])");
  // exact ties round to even, as Python's format does
  assert.equal(String(nb.tensor([0.03125, 0.09375])), "tensor([0.0312, 0.0938])");
  assert.equal(
    String(nb.arange(12, f64).reshape(2, 2, 3).div(3).float()),
    "tensor([[[0.0000, 0.3333, 0.6667],\n         [1.0000, 1.3333, 1.6667]],\n\n" +
      "        [[2.0000, 2.3333, 2.6667],\n         [3.0000, 3.3333, 3.6667]]])",
  );
});

test("long rows wrap at 80 columns", () => {
  assert.equal(
    String(nb.arange(30, { dtype: "float32" }).div(7)),
    "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n" +
      "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n" +
      "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n" +
      "        3.8571, 4.0000, 4.1429])",
  );
});

test("dtype, requires_grad and grad_fn suffixes", () => {
  assert.equal(String(nb.tensor([1.5, 2.25], f64)), "tensor([1.5000, 2.2500], dtype=float64)");
  const x = nb.tensor([1.5, -2.0], { requiresGrad: true });
  assert.equal(String(x), "tensor([ 1.5000, -2.0000], requires_grad=True)");
  assert.equal(String(x.mul(2)), "tensor([ 3., -4.], grad_fn=<MulBackward>)");
  assert.equal(String(nb.tensor([1, -20, 300])), "tensor([  1, -20, 300])");
  assert.equal(String(nb.tensor([true, false])), "tensor([ True, False])");
  assert.equal(String(nb.tensor(true)), "tensor(True)");
});

test("empty tensors name their size and non-default dtype", () => {
  assert.equal(String(nb.zeros([0])), "tensor([])");
  assert.equal(String(nb.zeros([2, 0])), "tensor([], size=(2, 0))");
  assert.equal(String(nb.zeros([0], { dtype: "int32" })), "tensor([], dtype=int32)");
  assert.equal(String(nb.zeros([0], { dtype: "bool" })), "tensor([], dtype=bool)");
});

test("tensors over 1000 elements are summarized with ...", () => {
  assert.equal(
    String(nb.arange(2000, { dtype: "float32" })),
    "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
  );
  assert.equal(String(nb.arange(1001)), "tensor([   0,    1,    2,  ...,  998,  999, 1000])");
  assert.equal(
    String(nb.arange(2 * 3 * 170, f64).reshape(2, 3, 170)),
    "tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.6700e+02,\n          1.6800e+02, 1.6900e+02],\n" +
      "         [1.7000e+02, 1.7100e+02, 1.7200e+02,  ..., 3.3700e+02,\n          3.3800e+02, 3.3900e+02],\n" +
      "         [3.4000e+02, 3.4100e+02, 3.4200e+02,  ..., 5.0700e+02,\n          5.0800e+02, 5.0900e+02]],\n\n" +
      "        [[5.1000e+02, 5.1100e+02, 5.1200e+02,  ..., 6.7700e+02,\n          6.7800e+02, 6.7900e+02],\n" +
      "         [6.8000e+02, 6.8100e+02, 6.8200e+02,  ..., 8.4700e+02,\n          8.4800e+02, 8.4900e+02],\n" +
      "         [8.5000e+02, 8.5100e+02, 8.5200e+02,  ..., 1.0170e+03,\n          1.0180e+03, 1.0190e+03]]], dtype=float64)",
  );
  const big = nb.arange(1200).reshape(10, 10, 12);
  const s = String(big);
  assert.ok(s.startsWith("tensor([[[   0,    1,    2,  ...,    9,   10,   11],\n         [  12,"));
  assert.ok(s.includes("]],\n\n        ...,\n\n        [[ 840,"));
  assert.ok(s.endsWith("[1188, 1189, 1190,  ..., 1197, 1198, 1199]]])"));
});

test("console.log shows the same string (util.inspect)", async () => {
  const { inspect } = await import("node:util");
  assert.equal(inspect(nb.tensor([1, 2])), "tensor([1, 2])");
});

test("Python-style number formatting", () => {
  assert.equal(pyFixed(2.5, 0), "2");
  assert.equal(pyFixed(3.5, 0), "4");
  assert.equal(pyFixed(-0.00001, 4), "-0.0000");
  assert.equal(pyFixed(99999.99995, 4), "99999.9999"); // the double is just below the tie
  assert.equal(pyFixed(9.99995, 4), "10.0000");
  assert.equal(pyFixed(0.99999, 2), "1.00");
  assert.equal(pyExp(9.99995e-7, 4), "1.0000e-06");
  assert.equal(pyExp(99999, 4), "9.9999e+04");
  assert.equal(pyExp(999995, 4), "1.0000e+06");
  assert.equal(pyExp(1.03125, 4), "1.0312e+00");
  assert.equal(pyExp(-1e-100, 4), "-1.0000e-100");
  assert.equal(pyExp(0, 4), "0.0000e+00");
});
