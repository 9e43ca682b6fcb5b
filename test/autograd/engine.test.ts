// Engine internals: gradients returned by a primitive's backward are checked against the input's
// shape (a bug in a rule is named, not silently broadcast) and cast to the input's dtype.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";
import { defineOp } from "../../src/ops/define.js";
import { cast, full } from "../../src/ops/ndarray.js";
import { apply } from "../../src/tensor/tensor.js";

test("a backward rule that returns the wrong shape is named", () => {
  const bad = defineOp({
    name: "badRule",
    forward: (_ctx, [x]) => x!,
    backward: (_ctx, g) => [full([7], 1, g.dtype, g.backend)],
  });
  const x = nb.ones([2, 3], { requiresGrad: true });
  assert.throws(
    () => apply(bad, [x], undefined).sum().backward(),
    /badRule backward: returned a gradient of shape \[7\] for input 0 of shape \[2,3\]/,
  );
});

test("a gradient in another float dtype is cast to the input's dtype", () => {
  const widen = defineOp({
    name: "widen",
    forward: (_ctx, [x]) => x!,
    backward: (_ctx, g) => [cast(g, "float64")],
  });
  const x = nb.ones([2], { requiresGrad: true });
  apply(widen, [x], undefined).sum().backward();
  assert.equal(x.grad!.dtype, "float32");
  assert.deepEqual(Array.from(x.grad!.dataSync()), [1, 1]);
});
