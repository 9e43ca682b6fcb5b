// Binary elementwise primitives on same-shaped inputs (broadcasting happens before, through the
// expand primitive, whose backward sums), each with its partial derivatives.
import type { BinaryOp } from "../../backend/interface.js";
import { defineOp, type OpDef } from "../define.js";
import { binary, scalar, unary, where } from "../array.js";
import { full, type NdArray } from "../ndarray.js";

type Partials = (g: NdArray, a: NdArray, b: NdArray, y: NdArray) => [NdArray, NdArray];

const B = (op: BinaryOp, a: NdArray, b: NdArray) => binary(op, a, b);
const zeros = (like: NdArray) => full(like.shape, 0, like.dtype, like.backend);
const num = (v: number, like: NdArray) => scalar(v, like.dtype, like);

const PARTIALS: Partial<Record<BinaryOp, Partials>> = {
  add: (g) => [g, g],
  sub: (g) => [g, unary("neg", g)],
  mul: (g, a, b) => [B("mul", g, b), B("mul", g, a)],
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -y/b
  div: (g, _a, b, y) => [B("div", g, b), unary("neg", B("div", B("mul", g, y), b))],
  // d(a^b)/da = b·a^(b-1); d(a^b)/db = a^b·ln a (taken as 0 where a = 0, as PyTorch does)
  pow: (g, a, b, y) => [
    B("mul", g, B("mul", b, B("pow", a, B("sub", b, num(1, b))))),
    B("mul", g, where(B("eq", a, num(0, a)), num(0, y), B("mul", y, unary("log", a)))),
  ],
  // ties split the gradient evenly, as PyTorch does for maximum/minimum
  maximum: (g, a, b) => tieSplit(g, B("gt", a, b), B("eq", a, b)),
  minimum: (g, a, b) => tieSplit(g, B("lt", a, b), B("eq", a, b)),
  // d atan2(a,b) = (b·da − a·db) / (a² + b²)
  atan2: (g, a, b) => {
    const r = B("add", B("mul", a, a), B("mul", b, b));
    return [B("div", B("mul", g, b), r), unary("neg", B("div", B("mul", g, a), r))];
  },
  // a − floor(a/b)·b: d/da = 1, d/db = −floor(a/b)
  remainder: (g, a, b) => [g, unary("neg", B("mul", g, unary("floor", B("div", a, b))))],
};

function tieSplit(g: NdArray, wins: NdArray, ties: NdArray): [NdArray, NdArray] {
  const half = B("mul", g, num(0.5, g));
  const z = zeros(g);
  const loses = unary("logicalNot", B("logicalOr", wins, ties));
  return [where(wins, g, where(ties, half, z)), where(loses, g, where(ties, half, z))];
}

function makeBinary(op: BinaryOp): OpDef {
  const partials = PARTIALS[op];
  if (!partials) return defineOp({ name: op, forward: (_ctx, [a, b]) => binary(op, a!, b!) });
  return defineOp({
    name: op,
    forward: (ctx, [a, b]) => {
      const y = binary(op, a!, b!);
      ctx.save(a!, b!, y);
      return y;
    },
    backward: (ctx, g) => {
      const [a, b, y] = ctx.saved as [NdArray, NdArray, NdArray];
      return partials(g, a, b, y);
    },
  });
}

export const BINARY_OPS: readonly BinaryOp[] = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "remainder",
  "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor",
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
