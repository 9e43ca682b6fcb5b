// Core ops against PyTorch fixtures (scripts/fixtures/core.py): broadcasting arithmetic, unary
// math, views, sum/mean and matmul, forward values and gradients, contiguous and strided inputs.

import { replayFixtures } from "../helpers/fixtures.js";

replayFixtures("core", {
  add: (a, b) => a!.add(b!),
  sub: (a, b) => a!.sub(b!),
  mul: (a, b) => a!.mul(b!),
  div: (a, b) => a!.div(b!),
  pow: (a, b) => a!.pow(b!),
  powScalar: (a) => a!.pow(3),
  neg: (a) => a!.neg(),
  exp: (a) => a!.exp(),
  log: (a) => a!.log(),
  sqrt: (a) => a!.sqrt(),
  rsqrt: (a) => a!.rsqrt(),
  tanh: (a) => a!.tanh(),
  sigmoid: (a) => a!.sigmoid(),
  relu: (a) => a!.relu(),
  abs: (a) => a!.abs(),
  sin: (a) => a!.sin(),
  cos: (a) => a!.cos(),
  reshapeT: (a) => a!.T.reshape(6),
  permute: (a) => a!.permute(2, 0, 1).mul(1),
  expand: (a) => a!.expand(3, 2, 4).mul(1),
  sliceStep: (a) => a!.slice(1, 1, 5, 2).mul(1),
  sum: (a) => a!.sum(),
  sumDim: (a) => a!.sum(1),
  sumDims: (a) => a!.sum([0, 2], { keepdim: true }),
  sumNeg: (a) => a!.sum(-1),
  mean: (a) => a!.mean(0),
  matmul: (a, b) => a!.matmul(b!),
});
