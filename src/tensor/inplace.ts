// In-place updates (PyTorch's trailing-underscore methods): the result is computed out of place,
// then written into this tensor's own memory, so every view of it sees the change. As in PyTorch,
// a leaf that requires grad may only be changed in place inside noGrad (optimizers, init).
import { isAnomalyEnabled, isGradEnabled } from "../autograd/grad-mode.js";
import type { BinaryOp } from "../backend/interface.js";
import { binaryInto, canWriteInto, copyInto, scalar } from "../ops/array.js";
import { release } from "../ops/ndarray.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { broadcastShapes, shapesEqual } from "../util/shape.js";
import { defaultGenerator, type Generator } from "../util/rng.js";
import { fromArray, full } from "./creation.js";
import { add, div, mul, sub, type TensorLike } from "./elementwise.js";
import { Tensor } from "./tensor.js";

function writeInto(op: string, t: Tensor, value: Tensor): Tensor {
  if (t.requiresGrad && isGradEnabled())
    fail(
      op,
      "a leaf tensor that requires grad cannot be modified in place outside noGrad(); wrap the update in nb.noGrad(() => …)",
    );
  if (!t.isLeaf)
    fail(op, "in-place updates of non-leaf tensors are not supported (they would invalidate the graph)");
  const shape = broadcastShapes(op, value.shape, t.shape);
  if (!shapesEqual(shape, t.shape))
    shapeError(
      op,
      `cannot write a result of shape ${fmtShape(value.shape)} into a tensor of shape ${fmtShape(t.shape)}`,
    );
  copyInto(value.array, t.array);
  return t;
}

const OUT_OF_PLACE = { add, sub, mul, div } as const;

/**
 * t op= o (with o·alpha for add_/sub_, computed once), after checking the operand against t's
 * shape so errors name the in-place op: straight into t where it can, else out of place and copied.
 */
function binaryInPlace(
  op: string,
  t: Tensor,
  o: TensorLike,
  kernel: keyof typeof OUT_OF_PLACE,
  alpha?: number,
): Tensor {
  if (o instanceof Tensor && !shapesEqual(broadcastShapes(op, o.shape, t.shape), t.shape))
    shapeError(
      op,
      `cannot write a result of shape ${fmtShape(broadcastShapes(op, o.shape, t.shape))} into a tensor of shape ${fmtShape(t.shape)}`,
    );
  // b·alpha as add and sub compute it (the same values, so both paths agree bit for bit)
  const v = alpha === undefined ? o : mul(o, alpha);
  if (writeDirectly(t, kernel, v)) return t;
  return writeInto(op, t, OUT_OF_PLACE[kernel](t.detach(), v));
}

/**
 * The common case of an optimizer's update — a floating-point leaf, outside autograd, updated by a
 * same-dtype operand — has the kernel write straight into the tensor: the same values as computing
 * out of place and copying, without the second pass and the temporary. False when it does not apply.
 */
function writeDirectly(t: Tensor, op: BinaryOp, v: TensorLike): boolean {
  if (t.dtype !== "float32" && t.dtype !== "float64") return false;
  if (!t.isLeaf || (t.requiresGrad && isGradEnabled()) || isAnomalyEnabled() || !t.array.isContiguous)
    return false;
  if (typeof v === "boolean") return false;
  const b = v instanceof Tensor ? v.array : scalar(v, t.dtype, t.array);
  const direct = canWriteInto(t.array, b);
  if (direct) binaryInto(op, t.array, b, t.array);
  if (!(v instanceof Tensor)) release(b); // the scalar made here
  return direct;
}

export function copy_(t: Tensor, src: Tensor): Tensor {
  return writeInto("copy_", t, src);
}
export function fill_(t: Tensor, value: number): Tensor {
  return writeInto("fill_", t, full([], value, { dtype: t.dtype }));
}
export const zero_ = (t: Tensor): Tensor => fill_(t, 0);

function randomFill(
  op: string,
  t: Tensor,
  gen: Generator | undefined,
  draw: (g: Generator) => number,
): Tensor {
  const g = gen ?? defaultGenerator;
  const values = new Float64Array(t.numel());
  for (let i = 0; i < values.length; i++) values[i] = draw(g);
  return writeInto(op, t, fromArray(values, t.shape, { dtype: t.dtype }));
}

/** Fills with draws from U(low, high). */
export const uniform_ = (t: Tensor, low = 0, high = 1, opts: { generator?: Generator } = {}): Tensor =>
  randomFill("uniform_", t, opts.generator, (g) => low + (high - low) * g.random());
/** Fills with draws from N(mean, std²). */
export const normal_ = (t: Tensor, mean = 0, std = 1, opts: { generator?: Generator } = {}): Tensor =>
  randomFill("normal_", t, opts.generator, (g) => mean + std * g.normal());

declare module "./tensor.js" {
  interface Tensor {
    add_(other: TensorLike, opts?: { alpha?: number }): Tensor;
    sub_(other: TensorLike, opts?: { alpha?: number }): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    copy_(src: Tensor): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
    uniform_(low?: number, high?: number, opts?: { generator?: Generator }): Tensor;
    normal_(mean?: number, std?: number, opts?: { generator?: Generator }): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  add_(this: Tensor, o: TensorLike, opts?: { alpha?: number }) { return binaryInPlace("add_", this, o, "add", opts?.alpha); },
  sub_(this: Tensor, o: TensorLike, opts?: { alpha?: number }) { return binaryInPlace("sub_", this, o, "sub", opts?.alpha); },
  mul_(this: Tensor, o: TensorLike) { return binaryInPlace("mul_", this, o, "mul"); },
  div_(this: Tensor, o: TensorLike) { return binaryInPlace("div_", this, o, "div"); },
  copy_(this: Tensor, s: Tensor) { return copy_(this, s); },
  fill_(this: Tensor, v: number) { return fill_(this, v); },
  zero_(this: Tensor) { return zero_(this); },
  uniform_(this: Tensor, a?: number, b?: number, o?: { generator?: Generator }) { return uniform_(this, a, b, o); },
  normal_(this: Tensor, m?: number, s?: number, o?: { generator?: Generator }) { return normal_(this, m, s, o); },
}); // prettier-ignore
