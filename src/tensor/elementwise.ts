// Elementwise ops on tensors: arithmetic, comparisons, logic and the unary math functions, with
// NumPy broadcasting and PyTorch's type promotion (plain numbers are "weak": they adopt the
// tensor's dtype unless they are of a higher kind).
import type { BinaryOp, UnaryOp } from "../backend/interface.js";
import { binaryOps, whereOp } from "../ops/primitives/binary.js";
import { unaryOps } from "../ops/primitives/unary.js";
import { type DType, isFloat, promote, scalarDtypeNear } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import { broadcastShapes, shapesEqual } from "../util/shape.js";
import { scalarTensor } from "./creation.js";
import { apply, Tensor } from "./tensor.js";
import { expand, to } from "./views.js";

export type TensorLike = Tensor | number | boolean;

function asTensor(op: string, x: TensorLike, near: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number" || typeof x === "boolean")
    return scalarTensor(Number(x), scalarDtypeNear(near, x));
  return fail(op, `expected a Tensor or a number, got ${x === null ? "null" : typeof x}`);
}

/** Converts operands to tensors of one dtype and one broadcast shape, differentiably. */
export function align(op: string, xs: readonly TensorLike[], minDtype?: DType): Tensor[] {
  const anchor = xs.find((x): x is Tensor => x instanceof Tensor);
  const near =
    anchor?.dtype ?? (xs.some((x) => typeof x === "number" && !Number.isInteger(x)) ? "float32" : "int32");
  const ts = xs.map((x) => asTensor(op, x, near));
  let dtype = ts.map((t) => t.dtype).reduce(promote);
  if (minDtype) dtype = promote(dtype, minDtype);
  const shape = broadcastShapes(op, ...ts.map((t) => t.shape));
  return ts.map((t) => {
    const c = to(t, dtype);
    return shapesEqual(c.shape, shape) ? c : expand(c, shape);
  });
}

function binaryT(op: BinaryOp, a: TensorLike, b: TensorLike, minDtype?: DType): Tensor {
  const [x, y] = align(op, [a, b], minDtype);
  return apply(binaryOps[op], [x!, y!], undefined);
}

export const add = (a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor =>
  binaryT("add", a, opts.alpha === undefined ? b : mul(b, opts.alpha));
export const sub = (a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor =>
  binaryT("sub", a, opts.alpha === undefined ? b : mul(b, opts.alpha));
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryT("mul", a, b);

/** True division (integers divide to float32), or rounded with roundingMode "trunc" / "floor". */
export function div(a: TensorLike, b: TensorLike, opts: { roundingMode?: "trunc" | "floor" } = {}): Tensor {
  if (!opts.roundingMode) return binaryT("div", a, b, "float32");
  const q = binaryT("div", a, b);
  if (!isFloat(q.dtype)) return opts.roundingMode === "trunc" ? q : floorDivInt(a, b, q);
  return opts.roundingMode === "trunc"
    ? unaryT("round", unaryT("sign", q)).mul(unaryT("floor", unaryT("abs", q)))
    : unaryT("floor", q);
}
function floorDivInt(a: TensorLike, b: TensorLike, q: Tensor): Tensor {
  // int division truncates; step down where the signs differ and the division was inexact
  const r = binaryT("sub", a, binaryT("mul", q, b));
  const adjust = binaryT(
    "logicalAnd",
    binaryT("ne", r, 0),
    binaryT("ne", binaryT("lt", a, 0), binaryT("lt", b, 0)),
  );
  return binaryT("sub", q, adjust.to(q.dtype));
}
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryT("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryT("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryT("minimum", a, b);
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => binaryT("atan2", a, b, "float32");
export const remainder = (a: TensorLike, b: TensorLike): Tensor => binaryT("remainder", a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryT("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => binaryT("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryT("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryT("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryT("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryT("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binaryT("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binaryT("logicalOr", a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binaryT("logicalXor", a, b);

/** Float-only math functions promote integer inputs to float32, as PyTorch does. */
const FLOAT_ONLY = new Set<UnaryOp>(["exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf"]);

function unaryT(op: UnaryOp, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) fail(op, `expected a Tensor, got ${typeof x}`);
  const t = FLOAT_ONLY.has(op) && !isFloat(x.dtype) ? to(x, "float32") : x;
  return apply(unaryOps[op], [t], undefined);
}

export const neg = (x: Tensor) => unaryT("neg", x);
export const abs = (x: Tensor) => unaryT("abs", x);
export const exp = (x: Tensor) => unaryT("exp", x);
export const log = (x: Tensor) => unaryT("log", x);
export const sqrt = (x: Tensor) => unaryT("sqrt", x);
export const rsqrt = (x: Tensor) => unaryT("rsqrt", x);
export const sin = (x: Tensor) => unaryT("sin", x);
export const cos = (x: Tensor) => unaryT("cos", x);
export const tanh = (x: Tensor) => unaryT("tanh", x);
export const sigmoid = (x: Tensor) => unaryT("sigmoid", x);
export const relu = (x: Tensor) => unaryT("relu", x);
export const sign = (x: Tensor) => unaryT("sign", x);
export const floor = (x: Tensor) => unaryT("floor", x);
export const ceil = (x: Tensor) => unaryT("ceil", x);
export const round = (x: Tensor) => unaryT("round", x);
export const erf = (x: Tensor) => unaryT("erf", x);
export const logicalNot = (x: Tensor) => unaryT("logicalNot", x);
export const isnan = (x: Tensor) => unaryT("isnan", x);
export const isinf = (x: Tensor) => unaryT("isinf", x);
export const square = (x: Tensor) => mul(x, x);
export const reciprocal = (x: Tensor) => div(1, x);

/** Picks a where cond holds and b elsewhere, broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = align("where", [a, b]);
  const shape = broadcastShapes("where", cond.shape, x!.shape);
  const c = to(cond, "bool");
  const bc = (t: Tensor) => (shapesEqual(t.shape, shape) ? t : expand(t, shape));
  return apply(whereOp, [bc(c), bc(x!), bc(y!)], undefined);
}

type Bin = (this: Tensor, o: TensorLike) => Tensor;
type Un = (this: Tensor) => Tensor;

declare module "./tensor.js" {
  interface Tensor {
    add(other: TensorLike, opts?: { alpha?: number }): Tensor;
    sub(other: TensorLike, opts?: { alpha?: number }): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike, opts?: { roundingMode?: "trunc" | "floor" }): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    sign(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    erf(): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
  }
}

const binaries: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  mul, pow, maximum, minimum, atan2, remainder, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor,
}; // prettier-ignore
const unaries: Record<string, (x: Tensor) => Tensor> = {
  neg, abs, exp, log, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round, erf,
  logicalNot, isnan, isinf, square, reciprocal,
}; // prettier-ignore
for (const [name, f] of Object.entries(binaries))
  (Tensor.prototype as unknown as Record<string, Bin>)[name] = function (o) {
    return f(this, o);
  };
for (const [name, f] of Object.entries(unaries))
  (Tensor.prototype as unknown as Record<string, Un>)[name] = function () {
    return f(this);
  };
Object.assign(Tensor.prototype, {
  add(this: Tensor, o: TensorLike, opts?: { alpha?: number }) { return add(this, o, opts); },
  sub(this: Tensor, o: TensorLike, opts?: { alpha?: number }) { return sub(this, o, opts); },
  div(this: Tensor, o: TensorLike, opts?: { roundingMode?: "trunc" | "floor" }) { return div(this, o, opts); },
}); // prettier-ignore
