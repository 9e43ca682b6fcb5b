// Binary elementwise primitives on same-shaped inputs (broadcasting happens before, through the
// expand primitive, whose backward sums), each with its partial derivatives; where; rounded division.
import { type BinaryOp, BOOL_OUTPUT_OPS } from "../../backend/interface.js";
import { isFloat } from "../../util/dtype.js";
import { defineOp, type OpDef } from "../define.js";
import { binary, scalar, unary, where } from "../array.js";
import { full, type NdArray } from "../ndarray.js";

/** The gradient for one input, from the output's gradient g, the inputs a, b and the output y. */
type PartialFn = (g: NdArray, a: NdArray, b: NdArray, y: NdArray) => NdArray;

const B = (op: BinaryOp, a: NdArray, b: NdArray) => binary(op, a, b);
const zeros = (like: NdArray) => full(like.shape, 0, like.dtype, like.backend);
const num = (v: number, like: NdArray) => scalar(v, like.dtype, like);

/** The rounded quotient behind remainder and fmod, recovered exactly from y = a − q·b. */
const quotient = (a: NdArray, b: NdArray, y: NdArray) => unary("round", B("div", B("sub", a, y), b));

/**
 * maximum/minimum: a tie splits the gradient evenly and the input that `loses` gets none. NaN
 * compares false both ways, so where one is NaN both inputs get the whole gradient, as in PyTorch.
 */
function tieSplit(g: NdArray, a: NdArray, b: NdArray, loses: BinaryOp): NdArray {
  const shared = where(B("eq", a, b), B("mul", g, num(0.5, g)), g);
  return where(B(loses, a, b), num(0, g), shared);
}

const PARTIALS: Partial<Record<BinaryOp, readonly [PartialFn, PartialFn]>> = {
  add: [(g) => g, (g) => g],
  sub: [(g) => g, (g) => unary("neg", g)],
  mul: [(g, _a, b) => B("mul", g, b), (g, a) => B("mul", g, a)],
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -y/b
  div: [(g, _a, b) => B("div", g, b), (g, _a, b, y) => unary("neg", B("div", B("mul", g, y), b))],
  // d(a^b)/da = b·a^(b-1), taken as 0 where b = 0; d(a^b)/db = a^b·ln a, taken as 0 where a = 0
  // and b ≥ 0 (so 0^0 and 0^2 give no NaN), as PyTorch does
  pow: [
    (g, a, b) => {
      const d = B("mul", b, B("pow", a, B("sub", b, num(1, b))));
      return where(B("eq", b, num(0, b)), num(0, g), B("mul", g, d));
    },
    (g, a, b, y) => {
      const flat = B("logicalAnd", B("eq", a, num(0, a)), B("ge", b, num(0, b)));
      return where(flat, num(0, g), B("mul", g, B("mul", y, unary("log", a))));
    },
  ],
  maximum: [(g, a, b) => tieSplit(g, a, b, "lt"), (g, a, b) => tieSplit(g, a, b, "gt")],
  minimum: [(g, a, b) => tieSplit(g, a, b, "gt"), (g, a, b) => tieSplit(g, a, b, "lt")],
  // d atan2(a,b) = (b·da − a·db) / (a² + b²)
  atan2: [
    (g, a, b) => B("div", B("mul", g, b), B("add", B("mul", a, a), B("mul", b, b))),
    (g, a, b) => unary("neg", B("div", B("mul", g, a), B("add", B("mul", a, a), B("mul", b, b)))),
  ],
  // y = a − q·b with q = floor(a/b) (remainder) or trunc(a/b) (fmod): dy/da = 1, dy/db = −q
  remainder: [(g) => g, (g, a, b, y) => unary("neg", B("mul", g, quotient(a, b, y)))],
  fmod: [(g) => g, (g, a, b, y) => unary("neg", B("mul", g, quotient(a, b, y)))],
};

function makeBinary(op: BinaryOp): OpDef {
  const partials = PARTIALS[op];
  if (!partials) return defineOp({ name: op, forward: (_ctx, [a, b]) => binary(op, a!, b!) });
  const [da, db] = partials;
  return defineOp({
    name: op,
    forward: (ctx, [a, b]) => {
      const y = binary(op, a!, b!);
      ctx.save(a!, b!, y);
      return y;
    },
    // only the partials an input needs are computed (x.pow(2) never takes the log of x)
    backward: (ctx, g) => {
      const [a, b, y] = ctx.saved as [NdArray, NdArray, NdArray];
      return [ctx.needsGrad[0] ? da(g, a, b, y) : null, ctx.needsGrad[1] ? db(g, a, b, y) : null];
    },
  });
}

export const BINARY_OPS: readonly BinaryOp[] = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "remainder", "fmod",
  ...BOOL_OUTPUT_OPS,
]; // prettier-ignore

export const binaryOps = Object.fromEntries(BINARY_OPS.map((op) => [op, makeBinary(op)])) as Record<
  BinaryOp,
  OpDef
>;

/** where(cond, a, b): the gradient flows to a where cond holds, to b elsewhere; cond gets none. */
export const whereOp = defineOp({
  name: "where",
  forward: (ctx, [c, a, b]) => {
    ctx.save(c!);
    return where(c!, a!, b!);
  },
  backward: (ctx, g) => {
    const [c] = ctx.saved as [NdArray];
    const z = zeros(g);
    return [null, where(c, g, z), where(c, z, g)];
  },
});

export type RoundingMode = "trunc" | "floor";

const truncA = (q: NdArray) => where(B("lt", q, num(0, q)), unary("ceil", q), unary("floor", q));

/** a / b rounded toward −∞ in floats, as PyTorch (and Python's //) computes it: from the exact
 *  fmod, so 1 // 0.1 is 9 (the remainder 0.0999…) where floor(1 / 0.1) would give 10. */
function floorDivFloat(a: NdArray, b: NdArray): NdArray {
  const m = B("fmod", a, b);
  const q = B("div", B("sub", a, m), b); // an integer up to rounding
  const down = B("logicalAnd", B("ne", m, num(0, m)), B("ne", B("lt", m, num(0, m)), B("lt", b, num(0, b))));
  const rounded = unary("round", B("sub", q, down));
  return where(B("eq", b, num(0, b)), B("div", a, b), rounded); // x / 0 stays ±inf or NaN
}

/** Integer a / b rounded toward −∞: the kernel truncates; step down where signs differ and it was inexact. */
function floorDivInt(a: NdArray, b: NdArray): NdArray {
  const q = B("div", a, b);
  const r = B("sub", a, B("mul", q, b));
  const down = B("logicalAnd", B("ne", r, num(0, r)), B("ne", B("lt", r, num(0, r)), B("lt", b, num(0, b))));
  return B("sub", q, down);
}

/** torch.div with a roundingMode: the quotient rounded toward zero or −∞; its gradient is zero. */
export const divRound = defineOp<{ mode: RoundingMode }>({
  name: "div",
  forward: (_ctx, [a, b], { mode }) => {
    if (!isFloat(a!.dtype)) return mode === "trunc" ? B("div", a!, b!) : floorDivInt(a!, b!);
    return mode === "trunc" ? truncA(B("div", a!, b!)) : floorDivFloat(a!, b!);
  },
  backward: (ctx, g) => [ctx.needsGrad[0] ? zeros(g) : null, ctx.needsGrad[1] ? zeros(g) : null],
});
