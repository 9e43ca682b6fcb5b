// Differential tests of the WebAssembly backend's gather/scatterAdd (every dtype, any layout,
// the reference's out-of-bounds error) and im2col/col2im (1-D and 2-D geometry with stride,
// padding, dilation and a pooling pad value) against the reference backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConvGeometry } from "../../src/backend/interface.js";
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
  wasm,
} from "./views.js";

test("wasm gather: every dtype along any axis of random layouts", async () => {
  const wb = await wasm();
  const r = new Rand(21);
  for (let t = 0; t < 300; t++) {
    const dtype = r.pick(DTYPES);
    const shape = randomShape(r, 4, 5);
    if (shape.length === 0) shape.push(3);
    const axis = r.int(0, shape.length - 1);
    // index: out's shape, at most x's size on the other dims, any size along the axis
    const ishape = shape.map((d, i) => (i === axis ? r.int(1, 6) : r.int(1, d)));
    const x = twin(wb, r, dtype, randomLayout(r, shape));
    const il = randomLayout(r, ishape);
    const idx = new Twin(
      wb,
      "int32",
      il,
      Array.from({ length: il.size }, () => r.int(0, shape[axis]! - 1)),
    );
    const ol = contiguousLayout(ishape);
    const out = new Twin(wb, dtype, ol, new Array(ol.size).fill(0));
    reference.gather(x.view("ref"), axis, idx.view("ref"), out.view("ref"));
    wb.gather(x.view("wasm"), axis, idx.view("wasm"), out.view("wasm"));
    const { ref, wasm: got } = out.read();
    assertAgree(got, ref, EXACT, `gather #${t} ${dtype} [${shape}] axis ${axis}`);
  }
  assert.equal(wb.counts.gather.fallback, 0);
});

test("wasm scatterAdd: float32/float64/int32 with repeated indices, into strided views", async () => {
  const wb = await wasm();
  const r = new Rand(22);
  for (let t = 0; t < 300; t++) {
    const dtype = r.pick(["float32", "float64", "int32"] as const);
    const shape = randomShape(r, 4, 5);
    if (shape.length === 0) shape.push(3);
    const axis = r.int(0, shape.length - 1);
    const ishape = shape.map((d, i) => (i === axis ? r.int(1, 8) : r.int(1, d)));
    const dl = randomLayout(r, shape, false);
    const dst = twin(wb, r, dtype, dl, false);
    const il = randomLayout(r, ishape);
    const idx = new Twin(
      wb,
      "int32",
      il,
      Array.from({ length: il.size }, () => r.int(0, shape[axis]! - 1)),
    );
    const src = twin(wb, r, dtype, randomLayout(r, ishape), false);
    reference.scatterAdd(dst.view("ref"), axis, idx.view("ref"), src.view("ref"));
    wb.scatterAdd(dst.view("wasm"), axis, idx.view("wasm"), src.view("wasm"));
    const { ref, wasm: got } = dst.read();
    // float32 sums round after each add in wasm, once per element in the reference's float32 array too
    assertAgree(got, ref, EXACT, `scatterAdd #${t} ${dtype} [${shape}] axis ${axis}`);
  }
  assert.equal(wb.counts.scatterAdd.fallback, 0);
});

test("wasm gather and scatterAdd: an index out of bounds gets the reference's message", async () => {
  const wb = await wasm();
  const x = new Twin(wb, "float32", contiguousLayout([2, 3]), [1, 2, 3, 4, 5, 6]);
  const idx = new Twin(wb, "int32", contiguousLayout([2, 1]), [1, 3]);
  const out = new Twin(wb, "float32", contiguousLayout([2, 1]), [0, 0]);
  const msg = (f: () => void): string => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  for (const [name, run] of [
    [
      "gather",
      (be: typeof reference, w: "ref" | "wasm") => be.gather(x.view(w), 1, idx.view(w), out.view(w)),
    ],
    [
      "scatterAdd",
      (be: typeof reference, w: "ref" | "wasm") => be.scatterAdd(x.view(w), 1, idx.view(w), out.view(w)),
    ],
  ] as const) {
    const expected = msg(() => run(reference, "ref"));
    assert.match(expected, new RegExp(`${name}: index 3 is out of bounds for dim 1 of size 3`));
    assert.equal(
      msg(() => run(wb as unknown as typeof reference, "wasm")),
      expected,
    );
  }
});

function geometry(r: Rand, twoD: boolean, padValue: number): ConvGeometry {
  const pick = (lo: number, hi: number) => (twoD ? [r.int(lo, hi), r.int(lo, hi)] : [r.int(lo, hi)]);
  return { kernel: pick(1, 3), stride: pick(1, 3), padding: pick(0, 2), dilation: pick(1, 2), padValue };
}

test("wasm im2col and col2im: random 1-D and 2-D geometry, strided images and cols", async () => {
  const wb = await wasm();
  const r = new Rand(23);
  for (let t = 0; t < 200; t++) {
    const twoD = r.next() < 0.6;
    const g = geometry(r, twoD, r.pick([0, -Infinity]));
    const spatial = twoD ? [r.int(1, 7), r.int(1, 7)] : [r.int(1, 9)];
    const out = spatial.map((n, i) => {
      const span = g.dilation[i]! * (g.kernel[i]! - 1) + 1;
      return Math.floor((n + 2 * g.padding[i]! - span) / g.stride[i]!) + 1;
    });
    if (out.some((o) => o <= 0)) continue;
    const image = [r.int(1, 2), r.int(1, 3), ...spatial];
    const colShape = [image[0]!, image[1]!, ...g.kernel, ...out];
    const x = twin(wb, r, "float32", randomLayout(r, image, false));
    const cl = contiguousLayout(colShape);
    const cols = new Twin(wb, "float32", cl, new Array(cl.size).fill(0));
    reference.im2col(x.view("ref"), g, cols.view("ref"));
    wb.im2col(x.view("wasm"), g, cols.view("wasm"));
    let { ref, wasm: got } = cols.read();
    assertAgree(got, ref, EXACT, `im2col #${t} [${image}] ${JSON.stringify(g)}`);

    const c2 = twin(wb, r, "float32", randomLayout(r, colShape, false), false);
    const il = randomLayout(r, image, false);
    const img = new Twin(wb, "float32", il, new Array(il.size).fill(0));
    reference.col2im(c2.view("ref"), g, img.view("ref"));
    wb.col2im(c2.view("wasm"), g, img.view("wasm"));
    ({ ref, wasm: got } = img.read());
    assertAgree(got, ref, EXACT, `col2im #${t} [${image}] ${JSON.stringify(g)}`);
  }
  assert.equal(wb.counts.im2col.fallback + wb.counts.col2im.fallback, 0);
});
