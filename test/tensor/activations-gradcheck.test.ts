// Finite-difference gradient checks (float64, nb.gradcheck) for every differentiable elementwise op
// and activation, on inputs away from kinks: both gelu variants, both softplus regimes, clamp with
// scalar and tensor bounds, broadcasting binary ops. Step functions must give zero gradients.
import { test } from "node:test";
import * as nb from "../../src/index.js";

type Fn = (...xs: nb.Tensor[]) => nb.Tensor;

/** A float64 leaf of the given values, [2, 3] when it has six of them. */
const leaf = (values: number[], shape = values.length === 6 ? [2, 3] : [values.length]) =>
  nb.tensor(values, { dtype: "float64" }).reshape(shape).requiresGrad_();

// spread over (-3, 3), never within 0.05 of the kinks at 0, ±0.5, ±1, ±3 or 6
const X = [-2.7, -1.3, -0.3, 0.2, 0.8, 2.4];
const POS = [0.3, 0.8, 1.2, 1.9, 2.5, 3.1];
const UNIT = [-0.85, -0.4, -0.1, 0.2, 0.55, 0.8];
const BIG = [-40, -25, -12, 12, 25, 40];

const unary: Record<string, [Fn, number[]]> = {
  neg: [(x) => x.neg(), X],
  abs: [(x) => x.abs(), X],
  exp: [(x) => x.exp(), X],
  expm1: [(x) => x.expm1(), X],
  exp2: [(x) => x.exp2(), X],
  log: [(x) => x.log(), POS],
  log1p: [(x) => x.log1p(), [-0.7, -0.2, 0.1, 0.9, 2.5, 7]],
  log2: [(x) => x.log2(), POS],
  log10: [(x) => x.log10(), POS],
  sqrt: [(x) => x.sqrt(), POS],
  rsqrt: [(x) => x.rsqrt(), POS],
  square: [(x) => x.square(), X],
  reciprocal: [(x) => x.reciprocal(), POS],
  powScalar: [(x) => x.pow(3), X],
  powFraction: [(x) => x.pow(-0.7), POS],
  scalarPow: [(x) => nb.pow(1.7, x), X],
  sin: [(x) => x.sin(), X],
  cos: [(x) => x.cos(), X],
  tan: [(x) => x.tan(), UNIT],
  asin: [(x) => x.asin(), UNIT],
  acos: [(x) => x.acos(), UNIT],
  atan: [(x) => x.atan(), X],
  sinh: [(x) => x.sinh(), X],
  cosh: [(x) => x.cosh(), X],
  tanh: [(x) => x.tanh(), X],
  asinh: [(x) => x.asinh(), X],
  acosh: [(x) => x.acosh(), [1.1, 1.5, 2, 3.5, 8, 20]],
  atanh: [(x) => x.atanh(), UNIT],
  sigmoid: [(x) => x.sigmoid(), X],
  erf: [(x) => x.erf(), X],
  relu: [(x) => x.relu(), X],
  leakyRelu: [(x) => x.leakyRelu(0.2), X],
  gelu: [(x) => nb.gelu(x), X],
  geluTanh: [(x) => nb.gelu(x, { approximate: "tanh" }), X],
  silu: [(x) => nb.silu(x), X],
  mish: [(x) => nb.mish(x), X],
  softplus: [(x) => nb.softplus(x), X],
  softplusLinear: [(x) => nb.softplus(x), [20.5, 22, 25, 30, 40, 100]],
  softplusBothRegimes: [(x) => nb.softplus(x, { beta: 2, threshold: 10 }), [-3, 0.2, 4.9, 5.1, 8, 20]],
  logSigmoid: [(x) => nb.logSigmoid(x), X],
  logSigmoidTails: [(x) => nb.logSigmoid(x), BIG],
  elu: [(x) => nb.elu(x, 0.7), X],
  selu: [(x) => nb.selu(x), X],
  celu: [(x) => nb.celu(x, 2), X],
  hardtanh: [(x) => nb.hardtanh(x), X],
  relu6: [(x) => nb.relu6(x), [-1, 0.5, 2, 5.5, 6.5, 9]],
  hardsigmoid: [(x) => nb.hardsigmoid(x), [-4, -2.5, -0.3, 0.7, 2.9, 3.5]],
  hardswish: [(x) => nb.hardswish(x), [-4, -2.5, -0.3, 0.7, 2.9, 3.5]],
  softsign: [(x) => nb.softsign(x), X],
  tanhshrink: [(x) => nb.tanhshrink(x), X],
  softshrink: [(x) => nb.softshrink(x), X],
  hardshrink: [(x) => nb.hardshrink(x), X],
  threshold: [(x) => nb.threshold(x, 0.5, -2), X],
  logit: [(x) => nb.logit(x), [0.05, 0.2, 0.45, 0.6, 0.85, 0.97]],
  logitEps: [(x) => nb.logit(x, 0.1), [0.05, 0.2, 0.45, 0.6, 0.85, 0.97]],
  clamp: [(x) => x.clamp(-1, 1), X],
  clampMin: [(x) => x.clampMin(0.5), X],
  clampMax: [(x) => x.clampMax(-0.5), X],
  nanToNum: [(x) => x.nanToNum(), X],
  frac: [(x) => x.frac(), X],
  // step functions: zero gradient away from the jumps
  sign: [(x) => x.sign(), X],
  floor: [(x) => x.floor(), X],
  ceil: [(x) => x.ceil(), X],
  round: [(x) => x.round(), X],
  trunc: [(x) => x.trunc(), X],
};

for (const [name, [fn, values]] of Object.entries(unary))
  test(`gradcheck: ${name}`, () => {
    nb.gradcheck(fn, [leaf(values)]);
  });

// binary and ternary ops, with broadcasting between [2, 3] and [3] or [2, 1]
const A = [-2.2, -0.9, 0.35, 0.6, 1.4, 2.9];
const B3 = [0.7, -1.6, 2.1];
const B21 = [1.3, -0.45];
const binary: Record<string, [Fn, number[][]]> = {
  add: [(a, b) => a!.add(b!), [A, B3]],
  addAlpha: [(a, b) => a!.add(b!, { alpha: -1.5 }), [A, B3]],
  sub: [(a, b) => nb.sub(a!, b!), [A, B21]],
  mul: [(a, b) => a!.mul(b!), [A, B3]],
  div: [(a, b) => a!.div(b!), [A, B3]],
  pow: [(a, b) => a!.pow(b!), [POS, B3]],
  maximum: [(a, b) => nb.maximum(a!, b!), [A, B3]],
  minimum: [(a, b) => nb.minimum(a!, b!), [A, B21]],
  atan2: [(a, b) => nb.atan2(a!, b!), [A, B3]],
  remainder: [(a, b) => nb.remainder(a!, b!), [A, B3]],
  fmod: [(a, b) => nb.fmod(a!, b!), [A, B21]],
  divTrunc: [(a, b) => a!.div(b!, { roundingMode: "trunc" }), [A, B3]],
  divFloor: [(a, b) => a!.div(b!, { roundingMode: "floor" }), [A, B3]],
  hypot: [(a, b) => nb.hypot(a!, b!), [A, B3]],
  xlogy: [(a, b) => nb.xlogy(a!, b!), [A, [0.4, 1.7, 3.2]]],
  logaddexp: [(a, b) => nb.logaddexp(a!, b!), [A, B3]],
  lerp: [(s, e, w) => nb.lerp(s!, e!, w!), [A, B3, B21]],
  addcmul: [(x, a, b) => nb.addcmul(x!, a!, b!, { value: 0.5 }), [A, B3, B21]],
  addcdiv: [(x, a, b) => nb.addcdiv(x!, a!, b!, { value: -2 }), [A, B3, B21]],
  clampTensor: [(x, lo, hi) => nb.clamp(x!, lo!, hi!), [A, [-1.1, 0.5, 0.3], [1.9, 0.1]]],
  where: [(a, b) => nb.where(a!.gt(0), a!, b!), [A, B3]],
};

for (const [name, [fn, values]] of Object.entries(binary))
  test(`gradcheck: ${name}`, () => {
    nb.gradcheck(
      fn,
      values.map((v) => leaf(v, v.length === 6 ? [2, 3] : v.length === 2 ? [2, 1] : [v.length])),
    );
  });
