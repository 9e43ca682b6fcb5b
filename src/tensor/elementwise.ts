// Elementwise ops on tensors: arithmetic, comparisons, logic and the unary math functions, with
// NumPy broadcasting and PyTorch's type promotion (torch.result_type: plain numbers and 0-d tensors
// only decide the dtype when they are of a higher kind than the other operands).
import type { BinaryOp, UnaryOp } from "../backend/interface.js";
import { binaryOps, divRound, whereOp } from "../ops/primitives/binary.js";
import { unaryOps } from "../ops/primitives/unary.js";
import { type DType, isFloat, promote } from "../util/dtype.js";
import { fail } from "../util/errors.js";
import { broadcastShapes, shapesEqual } from "../util/shape.js";
import { scalarTensor } from "./creation.js";
import { apply, Tensor } from "./tensor.js";
import { expand, to } from "./views.js";

export type TensorLike = Tensor | number | boolean;

const KIND: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/**
 * Combines the dtype of a higher tier of operands with a lower tier's, as PyTorch does: the lower
 * tier only counts when it is of a higher kind (bool < integer < float).
 */
function combineTiers(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined || KIND[higher] >= KIND[lower]) return higher;
  return promote(higher, lower);
}

/**
 * The dtype PyTorch's torch.result_type gives: tensors with dims outrank 0-d tensors, which
 * outrank plain numbers (an integer is int32, a fraction float32, a boolean bool), unless the
 * lower tier holds a higher kind. So int32[3] + 2.5 → float32, float32[3] + float64 0-d → float32,
 * int32[3] + float64 0-d → float64, bool[3] + 1 → int32.
 */
export function resultType(...xs: readonly TensorLike[]): DType {
  return resultTypeOf("resultType", xs);
}

function resultTypeOf(op: string, xs: readonly TensorLike[]): DType {
  let dims: DType | undefined;
  let zeroDim: DType | undefined;
  let numbers: DType | undefined;
  const add = (acc: DType | undefined, d: DType) => (acc === undefined ? d : promote(acc, d));
  xs.forEach((x, i) => {
    if (x instanceof Tensor) {
      if (x.ndim > 0) dims = add(dims, x.dtype);
      else zeroDim = add(zeroDim, x.dtype);
    } else if (typeof x === "boolean") numbers = add(numbers, "bool");
    else if (typeof x === "number") numbers = add(numbers, Number.isInteger(x) ? "int32" : "float32");
    else
      fail(
        op,
        `operand ${i}: expected a Tensor, a number or a boolean, got ${x === null ? "null" : typeof x}`,
      );
  });
  return combineTiers(dims, combineTiers(zeroDim, numbers)) ?? "float32";
}

/** Converts operands to tensors of one dtype and one broadcast shape, differentiably. */
export function align(op: string, xs: readonly TensorLike[], minDtype?: DType): Tensor[] {
  let dtype = resultTypeOf(op, xs);
  if (minDtype) dtype = promote(dtype, minDtype);
  const ts = xs.map((x) => (x instanceof Tensor ? to(x, dtype) : scalarTensor(Number(x), dtype)));
  const shape = broadcastShapes(op, ...ts.map((t) => t.shape));
  return ts.map((t) => (shapesEqual(t.shape, shape) ? t : expand(t, shape)));
}

function binaryT(op: BinaryOp, a: TensorLike, b: TensorLike, minDtype?: DType): Tensor {
  const [x, y] = align(op, [a, b], minDtype);
  return apply(binaryOps[op], [x!, y!], undefined);
}

/** a + alpha·b; for two bool operands it is logical or, as in PyTorch. */
export function add(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  const other = opts.alpha === undefined ? b : mul(b, opts.alpha);
  return resultTypeOf("add", [a, other]) === "bool"
    ? binaryT("logicalOr", a, other)
    : binaryT("add", a, other);
}
export function sub(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (resultTypeOf("sub", [a, b]) === "bool")
    fail("sub", "subtracting two bool tensors is not supported; use logicalXor() instead");
  return binaryT("sub", a, opts.alpha === undefined ? b : mul(b, opts.alpha));
}
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryT("mul", a, b);

export type RoundingMode = "trunc" | "floor";

/**
 * True division (integers divide to float32), or the quotient rounded toward zero ("trunc") or
 * toward −∞ ("floor", Python's //), whose gradient is zero. Integer division by zero throws.
 */
export function div(a: TensorLike, b: TensorLike, opts: { roundingMode?: RoundingMode | null } = {}): Tensor {
  const mode = opts.roundingMode ?? undefined;
  if (mode === undefined) return binaryT("div", a, b, "float32");
  if (mode !== "trunc" && mode !== "floor")
    fail("div", `roundingMode must be "trunc", "floor" or undefined, got ${JSON.stringify(mode)}`);
  const [x, y] = align("div", [a, b]);
  if (x!.dtype === "bool") fail("div", `roundingMode "${mode}" needs numbers, not two bool operands`);
  return apply(divRound, [x!, y!], { mode });
}
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryT("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryT("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryT("minimum", a, b);
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => binaryT("atan2", a, b, "float32");
/** Python's %: the remainder takes the divisor's sign (torch.remainder). */
export const remainder = (a: TensorLike, b: TensorLike): Tensor => binaryT("remainder", a, b);
/** C's fmod: the remainder takes the dividend's sign (torch.fmod). */
export const fmod = (a: TensorLike, b: TensorLike): Tensor => binaryT("fmod", a, b);
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
const FLOAT_ONLY = new Set<UnaryOp>([
  "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf",
]); // prettier-ignore

function unaryT(op: UnaryOp, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) fail(op, `expected a Tensor, got ${typeof x}`);
  if (op === "neg" && x.dtype === "bool")
    fail("neg", "negating a bool tensor is not supported; use logicalNot() to invert a mask");
  const t = FLOAT_ONLY.has(op) && !isFloat(x.dtype) ? to(x, "float32") : x;
  return apply(unaryOps[op], [t], undefined);
}

export const neg = (x: Tensor) => unaryT("neg", x);
export const abs = (x: Tensor) => unaryT("abs", x);
export const exp = (x: Tensor) => unaryT("exp", x);
export const log = (x: Tensor) => unaryT("log", x);
/** log(1 + x), accurate for tiny x. */
export const log1p = (x: Tensor) => unaryT("log1p", x);
/** eˣ − 1, accurate for tiny x. */
export const expm1 = (x: Tensor) => unaryT("expm1", x);
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
    div(other: TensorLike, opts?: { roundingMode?: RoundingMode | null }): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    fmod(other: TensorLike): Tensor;
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
    log1p(): Tensor;
    expm1(): Tensor;
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
  mul, pow, maximum, minimum, atan2, remainder, fmod, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor,
}; // prettier-ignore
const unaries: Record<string, (x: Tensor) => Tensor> = {
  neg, abs, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round, erf,
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
  div(this: Tensor, o: TensorLike, opts?: { roundingMode?: RoundingMode | null }) { return div(this, o, opts); },
}); // prettier-ignore
