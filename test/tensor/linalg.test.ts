// Linear algebra against PyTorch fixtures (scripts/fixtures/linalg.py): matmul's 1-D / 2-D / batched
// rules, mm, bmm, mv, dot, outer and einsum; plus float64 gradchecks, error messages, and the
// reference matmul kernel checked against a naive loop over odd sizes and arbitrary strides.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { assertClose, loadFixtures, type OpFn, replayFixtures } from "../helpers/fixtures.js";

// einsum fixtures are named "einsum:<equation>"; each runs nb.einsum with that equation
const einsumOps: Record<string, OpFn> = Object.fromEntries(
  loadFixtures("linalg")
    .filter((c) => c.name.startsWith("einsum:"))
    .map((c) => [c.name, (...xs: nb.Tensor[]) => nb.einsum(c.name.slice("einsum:".length), ...xs)]),
);

replayFixtures("linalg", {
  matmul: (a, b) => a!.matmul(b!),
  matmulMixed: (a, b) => nb.matmul(a!, b!),
  mm: (a, b) => a!.mm(b!),
  addmm: (c, a, b) => nb.addmm(c!, a!, b!),
  bmm: (a, b) => a!.bmm(b!),
  mv: (a, b) => a!.mv(b!),
  dot: (a, b) => a!.dot(b!),
  outer: (a, b) => a!.outer(b!),
  ...einsumOps,
});

const g = new nb.Generator(3);
const rand64 = (...shape: number[]) =>
  nb.randn(shape, { generator: g, dtype: "float64" }).requiresGrad_(true);

describe("linalg: float64 gradcheck", () => {
  const cases: [string, number[][], (...xs: nb.Tensor[]) => nb.Tensor][] = [
    [
      "matmul 2-D",
      [
        [3, 4],
        [4, 2],
      ],
      (a, b) => a!.matmul(b!),
    ],
    ["matmul 1-D @ batched", [[4], [2, 4, 3]], (a, b) => a!.matmul(b!)],
    ["matmul batched @ 1-D", [[2, 3, 4], [4]], (a, b) => a!.matmul(b!)],
    [
      "matmul broadcast batch",
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      (a, b) => a!.matmul(b!),
    ],
    [
      "matmul transposed operands",
      [
        [4, 3],
        [2, 4],
      ],
      (a, b) => a!.T.matmul(b!.T),
    ],
    ["dot", [[5], [5]], (a, b) => a!.dot(b!)],
    ["outer", [[3], [2]], (a, b) => a!.outer(b!)],
    [
      "einsum bhqd,bhkd->bhqk",
      [
        [2, 1, 3, 2],
        [2, 1, 2, 2],
      ],
      (a, b) => nb.einsum("bhqd,bhkd->bhqk", a!, b!),
    ],
    [
      "einsum ijk,ikl->jl",
      [
        [2, 3, 2],
        [2, 2, 3],
      ],
      (a, b) => nb.einsum("ijk,ikl->jl", a!, b!),
    ],
    [
      "einsum ...ij,...jk->...ik",
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      (a, b) => nb.einsum("...ij,...jk->...ik", a!, b!),
    ],
    ["einsum ii->i", [[3, 3]], (a) => nb.einsum("ii->i", a!)],
    ["einsum ij,k->ik", [[2, 3], [2]], (a, b) => nb.einsum("ij,k->ik", a!, b!)],
  ];
  for (const [name, shapes, fn] of cases)
    test(name, () => {
      assert.ok(
        nb.gradcheck(
          fn,
          shapes.map((s) => rand64(...s)),
        ).ok,
      );
    });
});

describe("linalg: results", () => {
  test("integer matmul stays int32 and exact", () => {
    const a = nb.tensor([[1, 2], [3, 4]]); // prettier-ignore
    const c = a.matmul(a);
    assert.equal(c.dtype, "int32");
    assert.deepEqual(c.tolist(), [[7, 10], [15, 22]]); // prettier-ignore
  });
  test("float32 @ float64 promotes to float64", () => {
    const c = nb.ones([2, 3]).matmul(nb.ones([3], { dtype: "float64" }));
    assert.equal(c.dtype, "float64");
    assert.deepEqual(c.tolist(), [3, 3]);
  });
  test("1-D @ N-D and N-D @ 1-D shapes", () => {
    assert.deepEqual(nb.matmul(nb.ones([4]), nb.ones([2, 3, 4, 5])).shape, [2, 3, 5]);
    assert.deepEqual(nb.matmul(nb.ones([2, 3, 4, 5]), nb.ones([5])).shape, [2, 3, 4]);
    assert.deepEqual(nb.matmul(nb.ones([2, 1, 3, 4]), nb.ones([3, 4, 2])).shape, [2, 3, 3, 2]);
    assert.deepEqual(nb.matmul(nb.ones([3]), nb.ones([3])).shape, []);
  });
  test("einsum implicit outputs and the list form", () => {
    const a = nb.arange(6).reshape(2, 3).float();
    assert.deepEqual(nb.einsum("ji", a).shape, [3, 2]);
    assert.deepEqual(nb.einsum("ij", [a]).tolist(), a.tolist());
    assert.equal(nb.einsum("ii", nb.eye(3).mul(2)).item(), 6);
    // NaN off the diagonal must not leak into the diagonal
    const m = nb.tensor([[1, NaN], [NaN, 2]]); // prettier-ignore
    assert.deepEqual(nb.einsum("ii->i", m).tolist(), [1, 2]);
  });
});

/** Throws `re` when fn runs; checks the error's class too. */
function throwsMsg(fn: () => unknown, cls: typeof nb.NablaError, msg: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected a ${cls.name}, got ${String(e)}`);
    assert.equal((e as Error).message, msg);
    return true;
  });
}

describe("linalg: errors", () => {
  const z = (...s: number[]) => nb.zeros(s);
  test("matmul", () => {
    throwsMsg(
      () => z(2, 3).matmul(z(4, 5)),
      nb.ShapeError,
      "matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ",
    );
    throwsMsg(
      () => z(3).matmul(z(2, 4, 3)),
      nb.ShapeError,
      "matmul: cannot multiply [3] by [2,4,3]: inner dimensions 3 and 4 differ",
    );
    throwsMsg(
      () => z(2, 2, 3).matmul(z(3, 3, 4)),
      nb.ShapeError,
      "matmul: cannot multiply [2,2,3] by [3,3,4]: batch dims [2] and [3] do not broadcast (dim -1 has sizes 2 and 3)",
    );
    throwsMsg(
      () => nb.matmul(nb.tensor(1), z(3)),
      nb.ShapeError,
      "matmul: both arguments need at least 1 dim, got [] and [3]",
    );
    throwsMsg(
      () => nb.matmul(nb.ones([2, 2], { dtype: "bool" }), z(2, 2)),
      nb.NablaError,
      "matmul: bool tensors cannot be multiplied as matrices (nor can they in PyTorch); use .int() or .float()",
    );
  });
  test("mm, bmm, mv, dot, outer", () => {
    throwsMsg(() => z(3).mm(z(3, 2)), nb.ShapeError, "mm: needs two 2-D tensors, got [3] and [3,2]");
    throwsMsg(
      () => z(2, 3).mm(z(2, 3)),
      nb.ShapeError,
      "mm: cannot multiply [2,3] by [2,3]: inner dimensions 3 and 2 differ",
    );
    throwsMsg(() => z(2, 3).bmm(z(2, 3)), nb.ShapeError, "bmm: needs two 3-D tensors, got [2,3] and [2,3]");
    throwsMsg(
      () => z(2, 3, 4).bmm(z(1, 4, 5)),
      nb.ShapeError,
      "bmm: cannot multiply [2,3,4] by [1,4,5]: batch sizes 2 and 1 differ",
    );
    throwsMsg(
      () => z(2, 3).mv(z(2, 3)),
      nb.ShapeError,
      "mv: needs a 2-D and a 1-D tensor, got [2,3] and [2,3]",
    );
    throwsMsg(
      () => z(2, 3).mv(z(4)),
      nb.ShapeError,
      "mv: cannot multiply [2,3] by [4]: inner dimensions 3 and 4 differ",
    );
    throwsMsg(
      () => z(3).dot(z(4)),
      nb.ShapeError,
      "dot: cannot multiply [3] by [4]: inner dimensions 3 and 4 differ",
    );
    throwsMsg(() => z(3, 1).dot(z(3)), nb.ShapeError, "dot: needs two 1-D tensors, got [3,1] and [3]");
    throwsMsg(() => z(3).outer(z(2, 2)), nb.ShapeError, "outer: needs two 1-D tensors, got [3] and [2,2]");
  });
  test("einsum", () => {
    const E = nb.NablaError;
    const S = nb.ShapeError;
    throwsMsg(
      () => nb.einsum("ij,jk->ik", z(2, 3), z(4, 4)),
      S,
      "einsum: subscript j has size 4 in operand 1 (shape [4,4]) but 3 in operand 0 (shape [2,3]); sizes must match or be 1",
    );
    throwsMsg(
      () => nb.einsum("ijk,jk->ik", z(2, 3), z(3, 4)),
      S,
      "einsum: operand 0 has shape [2,3] (2 dims) but its subscripts 'ijk' name 3",
    );
    throwsMsg(
      () => nb.einsum("...ijk->i", z(2, 3)),
      S,
      "einsum: operand 0 has shape [2,3] (2 dims) but its subscripts '...ijk' name 3 or more",
    );
    throwsMsg(
      () => nb.einsum("ii->i", z(2, 3)),
      S,
      "einsum: subscript i is repeated in operand 0 with sizes 2 and 3",
    );
    throwsMsg(
      () => nb.einsum("ij,jk", z(2, 3)),
      E,
      "einsum: 'ij,jk' has subscripts for 2 operand(s) but 1 tensor(s) were given",
    );
    throwsMsg(
      () => nb.einsum("ij,jk->iz", z(2, 3), z(3, 4)),
      E,
      "einsum: output subscript z in 'ij,jk->iz' appears in no operand",
    );
    throwsMsg(
      () => nb.einsum("ij,jk->ii", z(2, 3), z(3, 4)),
      E,
      "einsum: output subscript i appears more than once in 'ij,jk->ii'",
    );
    throwsMsg(
      () => nb.einsum("i1,j->ij", z(2, 3), z(3)),
      E,
      "einsum: invalid subscript '1' at position 1 of 'i1,j->ij'; subscripts are letters a-z, A-Z and '...'",
    );
    throwsMsg(() => nb.einsum("i->i->i", z(2)), E, "einsum: 'i->i->i' has more than one '->'");
    throwsMsg(
      () => nb.einsum("...i...->i", z(2)),
      E,
      "einsum: operand 0 has more than one ellipsis '...' in '...i...->i'",
    );
    throwsMsg(
      () => nb.einsum("i.j->i", z(2, 3)),
      E,
      "einsum: '.' at position 1 of 'i.j->i' is not part of an ellipsis '...'",
    );
    throwsMsg(
      () => nb.einsum("i,i,i->", z(2), z(2), z(2)),
      E,
      "einsum: only one- and two-operand equations are supported, got 3 operands; chain einsum calls",
    );
  });
});

/** C[b] = A[b] @ B[b] by the definition, in float64. */
function naive(a: nb.Tensor, b: nb.Tensor): Float64Array {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const x = a.contiguous().dataSync();
  const y = b.contiguous().dataSync();
  const out = new Float64Array(B * M * N);
  for (let p = 0; p < B; p++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += x[(p * M + i) * K + k]! * y[(p * K + k) * N + j]!;
        out[(p * M + i) * N + j] = s;
      }
  return out;
}

describe("linalg: the reference matmul kernel", () => {
  test("odd sizes (edge panels) in float64 and float32", () => {
    for (const dtype of ["float64", "float32"] as const)
      for (const [M, K, N] of [
        [1, 1, 1],
        [5, 3, 7],
        [4, 9, 4],
        [13, 1, 6],
        [3, 70, 2],
        [17, 33, 9],
        [1, 300, 11],
        [66, 5, 1],
      ] as const) {
        const a = nb.randn([2, M, K], { generator: g, dtype });
        const b = nb.randn([2, K, N], { generator: g, dtype });
        const tol = dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
        assertClose(a.bmm(b).dataSync(), naive(a, b), tol, `${dtype} [${M},${K}]@[${K},${N}]`);
      }
  });
  test("any strides: transposed, stepped, flipped and broadcast operands", () => {
    const base = nb.randn([3, 10, 12], { generator: g, dtype: "float64" });
    const a = base.slice(1, 1, 9, 2).flip(2); // [3,4,12], stepped rows, reversed columns
    const b = base.transpose(1, 2).slice(2, 0, 5); // [3,12,5], transposed
    const bc = nb.randn([1, 12, 5], { generator: g, dtype: "float64" }).expand(3, 12, 5); // stride-0 batch
    assertClose(a.bmm(b).dataSync(), naive(a, b), { rtol: 1e-12, atol: 1e-12 }, "strided");
    assertClose(a.bmm(bc).dataSync(), naive(a, bc), { rtol: 1e-12, atol: 1e-12 }, "broadcast");
  });
  test("two batch dims that do not merge (attention's heads) multiply without a copy, values and gradients", () => {
    for (const dtype of ["float64", "float32"] as const) {
      // [B, T, 3·H·E] split into heads and transposed: [B, H, T, E] whose B and H dims do not merge
      const qkv = nb.randn([3, 5, 3 * 2 * 4], { generator: g, dtype });
      const [q0, k0] = qkv.split(8, 2);
      const heads = (t: nb.Tensor) => t.reshape(3, 5, 2, 4).transpose(1, 2);
      const [q, k] = [heads(q0!).detach().requiresGrad_(), heads(k0!).detach().requiresGrad_()];
      const up = nb.randn([3, 2, 5, 5], { generator: g, dtype });
      q.matmul(k.transpose(-2, -1)).mul(up).sum().backward();
      const [qc, kc] = [q.detach().contiguous().requiresGrad_(), k.detach().contiguous().requiresGrad_()];
      const y = qc.matmul(kc.transpose(-2, -1));
      y.mul(up).sum().backward();
      const tol = dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      assertClose(q.matmul(k.transpose(-2, -1)).dataSync(), y.dataSync(), tol, `${dtype} product`);
      assertClose(q.grad!.dataSync(), qc.grad!.dataSync(), tol, `${dtype} grad q`);
      assertClose(k.grad!.dataSync(), kc.grad!.dataSync(), tol, `${dtype} grad k`);
      // the kernel saw the 4-D views: no copy was needed for the product
      const be = nb.getBackend();
      const copy = be.copy;
      let copies = 0;
      be.copy = function (...args: Parameters<typeof copy>) {
        copies++;
        return copy.apply(this, args);
      };
      try {
        nb.noGrad(() => q.matmul(k.transpose(-2, -1)));
      } finally {
        be.copy = copy;
      }
      assert.equal(copies, 0, "no copy before the product");
    }
  });
  test("int32 is exact", () => {
    const a = nb.randint(-50, 50, [2, 7, 13], { generator: g });
    const b = nb.randint(-50, 50, [2, 13, 6], { generator: g });
    assert.deepEqual([...a.bmm(b).dataSync()], [...naive(a, b)]);
  });
  test("float32 products of long sums stay within 1e-5 relative of float64", () => {
    const a = nb.rand([4, 2000], { generator: g });
    const b = nb.rand([2000, 3], { generator: g });
    const exact = a.double().matmul(b.double()).dataSync();
    assertClose(a.matmul(b).dataSync(), exact, { rtol: 1e-6, atol: 0 }, "float32 long K");
  });
});
