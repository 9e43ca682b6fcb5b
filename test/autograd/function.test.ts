// defineFunction: custom ops with a hand-written backward — one node per call, forward unrecorded,
// gradients checked by gradcheck, and clear errors when backward returns the wrong gradients.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nb from "../../src/index.js";

const leaf = (shape: number[], seed: number) =>
  nb.randn(shape, { dtype: "float64", generator: new nb.Generator(seed) }).requiresGrad_();

const myExp = nb.defineFunction({
  name: "MyExp",
  forward(ctx, x) {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  },
  backward(ctx, g) {
    const [y] = ctx.saved;
    return [g.mul(y!)];
  },
});

test("a custom function records one node, runs forward unrecorded and passes gradcheck", () => {
  const x = leaf([2, 3], 1);
  let innerRequiresGrad: boolean | undefined;
  const probe = nb.defineFunction({
    forward(_ctx, t) {
      const y = t.mul(2);
      innerRequiresGrad = y.requiresGrad;
      return y;
    },
    backward: (_ctx, g) => g.mul(2),
  });
  const y = myExp(x);
  assert.equal(y.gradFn?.name, "MyExp");
  assert.equal(y.gradFn?.inputs.length, 1);
  assert.equal(y.gradFn?.inputs[0], x.gradNode());
  assert.match(String(y), /grad_fn=<MyExpBackward>/);
  probe(x);
  assert.equal(innerRequiresGrad, false);
  assert.ok(nb.gradcheck(myExp, [x]).ok);
  assert.ok(nb.gradcheck((t) => probe(myExp(t)).sum(), [x]).ok);
});

test("non-tensor arguments, ctx fields and needsInputGrad", () => {
  const scale = nb.defineFunction({
    name: "Scale",
    forward(ctx, x: nb.Tensor, k: number, w: nb.Tensor) {
      ctx.k = k;
      ctx.saveForBackward(x, w);
      return x.mul(w).mul(k);
    },
    backward(ctx, g) {
      const [x, w] = ctx.saved;
      const k = ctx.k as number;
      assert.deepEqual(ctx.needsInputGrad, [true, false, true]);
      return [g.mul(w!).mul(k), null, g.mul(x!).mul(k)];
    },
  });
  const x = leaf([3], 2);
  const w = leaf([3], 3);
  assert.ok(nb.gradcheck((a, b) => scale(a, 1.5, b), [x, w]).ok);
});

test("several outputs: each output's gradient reaches one backward call", () => {
  let calls = 0;
  const sinCos = nb.defineFunction<[nb.Tensor], nb.Tensor[]>({
    name: "SinCos",
    forward(ctx, x) {
      ctx.saveForBackward(x);
      return [x.sin(), x.cos(), x.gt(0)];
    },
    backward(ctx, gs, gc, gb) {
      calls++;
      assert.equal(gb!.dtype, "float32");
      const [x] = ctx.saved;
      return [gs!.mul(x!.cos()).sub(gc!.mul(x!.sin()))];
    },
  });
  const x = leaf([2, 2], 4);
  const [s, c, b] = sinCos(x);
  assert.equal(b!.requiresGrad, false);
  s!.sum().add(c!.mul(3).sum()).backward();
  assert.equal(calls, 1);
  const xv = x.dataSync();
  Array.from(x.grad!.dataSync()).forEach((g, i) =>
    assert.ok(Math.abs(g - (Math.cos(xv[i]!) - 3 * Math.sin(xv[i]!))) < 1e-12),
  );
  // only one output used: the other's gradient arrives as zeros
  const y = leaf([3], 5);
  sinCos(y)[1]!.sum().backward();
  Array.from(y.grad!.dataSync()).forEach((g, i) =>
    assert.ok(Math.abs(g + Math.sin(y.dataSync()[i]!)) < 1e-12),
  );
  assert.ok(nb.gradcheck((t) => sinCos(t).slice(0, 2), [leaf([3], 6)]).ok);
});

test("without grad the function records nothing", () => {
  const x = leaf([2], 7);
  assert.equal(nb.noGrad(() => myExp(x)).requiresGrad, false);
  assert.equal(myExp(nb.ones([2])).requiresGrad, false);
});

test("wrong gradients from backward are clear errors naming the function", () => {
  const x = leaf([2, 3], 8);
  const tooMany = nb.defineFunction({
    name: "TooMany",
    forward: (_c, t) => t.mul(1),
    backward: (_c, g) => [g, g],
  });
  assert.throws(
    () => tooMany(x).sum().backward(),
    /TooMany backward: returned 2 gradient\(s\), but forward took 1 argument\(s\)/,
  );
  const badShape = nb.defineFunction({
    name: "BadShape",
    forward: (_c, t) => t.sum(),
    backward: (_c, g) => [g],
  });
  assert.throws(
    () => badShape(x).backward(),
    /BadShape backward: gradient 0 has shape \[\] but input 0 has shape \[2,3\]/,
  );
  const notTensor = nb.defineFunction({
    name: "NotTensor",
    forward: (_c, t: nb.Tensor, _k: number) => t.mul(1),
    backward: (_c, g) => [g, g],
  });
  assert.throws(
    () => notTensor(x, 3).sum().backward(),
    /NotTensor backward: returned a gradient for argument 1, which is not a Tensor/,
  );
  const badForward = nb.defineFunction({
    name: "BadForward",
    forward: (_c, _t: nb.Tensor) => 3 as unknown as nb.Tensor,
    backward: () => null,
  });
  assert.throws(() => badForward(x), /BadForward: forward must return a Tensor/);
});

test("saved tensors are freed after backward unless the graph is retained", () => {
  const x = leaf([3], 9);
  const y = myExp(x).sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.ok(x.grad);
  assert.throws(() => y.backward(), /second time|freed/);
});
