// Property tests for broadcasting: broadcastShapes agrees with a one-line-per-rule model (and
// fails exactly when the model says the shapes are incompatible), and broadcast elementwise ops
// read the elements the model says, with gradients summed back to each operand's shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as nb from "../../src/index.js";
import { broadcastShapes } from "../../src/util/shape.js";

/** NumPy's rule, dim by dim from the right: the sizes other than 1 must agree. null: incompatible. */
function model(shapes: number[][]): number[] | null {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let j = 1; j <= nd; j++) {
    const sizes = new Set(shapes.map((s) => s[s.length - j] ?? 1).filter((d) => d !== 1));
    if (sizes.size > 1) return null;
    out.unshift(sizes.size ? [...sizes][0]! : 1);
  }
  return out;
}

const dim = fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 3 }));
const arbShape = fc.array(dim, { maxLength: 4 });

test("broadcastShapes agrees with the model and fails exactly when it says incompatible", () => {
  fc.assert(
    fc.property(fc.array(arbShape, { minLength: 1, maxLength: 4 }), (shapes) => {
      const want = model(shapes);
      if (want === null)
        assert.throws(
          () => broadcastShapes("op", ...shapes),
          (e: Error) => {
            assert.ok(e instanceof nb.ShapeError);
            assert.match(e.message, /^op: cannot broadcast .* \(sizes must match or one must be 1\)$/);
            return true;
          },
        );
      else assert.deepEqual(broadcastShapes("op", ...shapes), want);
    }),
    { numRuns: 2000 },
  );
});

/** Row-major flat index of idx in shape, reading size-1 (and missing leading) dims at 0. */
function broadcastIndex(idx: readonly number[], shape: readonly number[]): number {
  const lead = idx.length - shape.length;
  return shape.reduce((k, d, i) => k * d + (d === 1 ? 0 : idx[i + lead]!), 0);
}

test("broadcast add reads the model's elements and sums gradients back to each shape", () => {
  // pairs that broadcast: derive b's shape from a's by replacing dims with 1 or dropping leading ones
  const pair = arbShape.chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }),
      fc.integer({ min: 0, max: a.length }),
      fc.boolean(),
    ),
  );
  fc.assert(
    fc.property(pair, ([a, ones, drop, swap]) => {
      const b = a.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
      const [sa, sb] = swap ? [b, a] : [a, b];
      const out = model([sa, sb])!;
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const x = nb.arange(size(sa), undefined, 1, { dtype: "float64" }).reshape(sa).requiresGrad_();
      const y = nb.arange(size(sb), undefined, 1, { dtype: "float64" }).mul(1000).reshape(sb).requiresGrad_();
      const z = x.add(y);
      assert.deepEqual(z.shape, out);
      const zv = z.dataSync();
      const gx = new Array<number>(size(sa)).fill(0);
      const gy = new Array<number>(size(sb)).fill(0);
      for (let k = 0; k < size(out); k++) {
        const idx = out.map(() => 0);
        for (let d = out.length - 1, r = k; d >= 0; d--) {
          idx[d] = r % out[d]!;
          r = Math.floor(r / out[d]!);
        }
        const i = broadcastIndex(idx, sa);
        const j = broadcastIndex(idx, sb);
        assert.equal(zv[k], i + 1000 * j);
        gx[i]! += k;
        gy[j]! += k;
      }
      const w = nb.arange(size(out), undefined, 1, { dtype: "float64" }).reshape(out);
      z.mul(w).sum().backward();
      assert.deepEqual(Array.from(x.grad?.dataSync() ?? []), size(sa) ? gx : []);
      assert.deepEqual(Array.from(y.grad?.dataSync() ?? []), size(sb) ? gy : []);
    }),
    { numRuns: 500 },
  );
});

test("incompatible operands: the error names the op and both shapes", () => {
  assert.throws(
    () => nb.zeros([2, 3]).add(nb.zeros([4])),
    /add: cannot broadcast \[2,3\] and \[4\]: dim -1 has sizes 3 and 4/,
  );
  assert.throws(
    () => nb.zeros([2, 3]).expand(2, 4),
    /expand: cannot expand \[2,3\] to \[2,4\]: dim 1 is 3, not 1 or 4/,
  );
});
