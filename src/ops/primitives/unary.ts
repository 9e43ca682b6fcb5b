// Unary elementwise primitives, each forward next to its derivative:
// backward(g) = g · f'(x), written with the array functions so it runs on any backend.
import type { UnaryOp } from "../../backend/interface.js";
import { defineOp, type OpDef } from "../define.js";
import { binary, scalar, unary, where } from "../array.js";
import { full, type NdArray } from "../ndarray.js";

const mul = (a: NdArray, b: NdArray) => binary("mul", a, b);
const num = (v: number, like: NdArray) => scalar(v, like.dtype, like);

/** The local derivative of each differentiable unary op, from its input x and output y. */
const DERIVATIVE: Partial<Record<UnaryOp, (x: NdArray, y: NdArray) => NdArray>> = {
  neg: (x) => full(x.shape, -1, x.dtype, x.backend),
  abs: (x) => unary("sign", x),
  exp: (_x, y) => y,
  log: (x) => binary("div", num(1, x), x),
  log1p: (x) => binary("div", num(1, x), binary("add", x, num(1, x))),
  expm1: (_x, y) => binary("add", y, num(1, y)), // e^x = expm1(x) + 1
  sqrt: (_x, y) => binary("div", num(0.5, y), y),
  rsqrt: (x, y) => binary("mul", num(-0.5, y), binary("div", y, x)), // d/dx x^-½ = -½ x^-3/2
  sin: (x) => unary("cos", x),
  cos: (x) => unary("neg", unary("sin", x)),
  tanh: (_x, y) => binary("sub", num(1, y), mul(y, y)),
  sigmoid: (_x, y) => mul(y, binary("sub", num(1, y), y)),
  // d/dx erf(x) = 2/√π · e^{-x²}
  erf: (x) => mul(num(2 / Math.sqrt(Math.PI), x), unary("exp", unary("neg", mul(x, x)))),
};

/**
 * Ops whose backward is one fused kernel from the input and the output's gradient (the composite's
 * backward took about ten passes, and even derivative-then-multiply two).
 */
const FUSED_BACKWARD: Partial<Record<UnaryOp, (x: NdArray, g: NdArray) => NdArray>> = {
  geluTanh: (x, g) => binary("geluTanhBackward", x, g),
  // g where x > 0, else 0 (even for a NaN g, as PyTorch's threshold_backward)
  relu: (x, g) => where(binary("gt", x, num(0, x)), g, num(0, g)),
};

/** Ops whose derivative is zero almost everywhere; their gradient is zeros. */
const STEP: ReadonlySet<UnaryOp> = new Set(["sign", "floor", "ceil", "round"]);

function makeUnary(op: UnaryOp): OpDef {
  const fused = FUSED_BACKWARD[op];
  if (fused)
    return defineOp({
      name: op,
      forward: (ctx, [x]) => {
        ctx.save(x!);
        return unary(op, x!);
      },
      backward: (ctx, g) => [fused(ctx.saved[0]!, g)],
    });
  const d = DERIVATIVE[op];
  if (d)
    return defineOp({
      name: op,
      forward: (ctx, [x]) => {
        const y = unary(op, x!);
        ctx.save(x!, y);
        return y;
      },
      backward: (ctx, g) => {
        const [x, y] = ctx.saved as [NdArray, NdArray];
        const local = d(x, y);
        return [binary("mul", g, local.dtype === g.dtype ? local : where(local, num(1, g), num(0, g)))];
      },
    });
  if (STEP.has(op))
    return defineOp({
      name: op,
      forward: (_ctx, [x]) => unary(op, x!),
      backward: (_ctx, g) => [full(g.shape, 0, g.dtype, g.backend)],
    });
  // predicates (isnan, logicalNot…) have bool outputs and no gradient
  return defineOp({ name: op, forward: (_ctx, [x]) => unary(op, x!, "bool") });
}

export const UNARY_OPS: readonly UnaryOp[] = [
  "neg", "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid",
  "relu", "erf", "sign", "floor", "ceil", "round", "logicalNot", "isnan", "isinf", "geluTanh",
]; // prettier-ignore

export const unaryOps = Object.fromEntries(UNARY_OPS.map((op) => [op, makeUnary(op)])) as Record<
  UnaryOp,
  OpDef
>;
