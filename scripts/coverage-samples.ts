// Sample calls for the coverage table (scripts/coverage.ts): one small invocation per public op,
// built from inputs of the dtype under test, and the public names that are not ops, with why.
import * as nb from "../src/index.js";

/** Makes inputs for one dtype: t() in the dtype under test (requiring grad when float). */
export interface Maker {
  readonly dtype: nb.DType;
  /** values default to small positive numbers (0.25…0.85 floats, 1…3 ints, alternating bools) */
  t(shape: number[], values?: number[]): nb.Tensor;
  int(values: number[], shape?: number[]): nb.Tensor;
  bool(values: number[], shape?: number[]): nb.Tensor;
}

/**
 * args: the arguments (self first), tried as `self.op(...rest)` and `nb.op(self, ...rest)` for
 * whichever forms exist; run: a custom call instead. grad: false for in-place ops on leaves.
 */
export interface Sample {
  args?: (m: Maker) => unknown[];
  run?: (m: Maker) => unknown;
  grad?: boolean;
}

const x23 = (m: Maker) => [m.t([2, 3])];
const bin = (m: Maker) => [m.t([2, 3]), m.t([3])];
const a = (f: (m: Maker) => unknown[], grad?: boolean): Sample =>
  grad === false ? { args: f, grad } : { args: f };
const run = (f: (m: Maker) => unknown): Sample => ({ run: f });
const each = (names: string, s: Sample) => Object.fromEntries(names.split(/\s+/).map((n) => [n, s]));
const opt = (m: Maker) => ({ dtype: m.dtype });

export const SAMPLES: Record<string, Sample> = {
  ...each(
    `abs acos acosh asin asinh atan atanh ceil cos cosh erf exp exp2 expm1 floor frac isfinite isinf
     isnan log log10 log1p log2 logicalNot logit neg reciprocal relu relu6 round rsqrt sigmoid sign
     silu sin sinh sqrt square tan tanh tanhshrink trunc gelu mish selu softsign logSigmoid
     hardsigmoid hardswish celu elu softplus hardtanh hardshrink softshrink leakyRelu nanToNum
     clone contiguous detach float double int bool T mT flatten squeeze tolist dataSync toString
     nonzero triu tril sum mean prod amax amin argmax argmin all any countNonzero std var stdMean
     varMean logsumexp norm max min zerosLike onesLike randLike randnLike`,
    a(x23),
  ),
  ...each(
    `add sub mul div pow maximum minimum atan2 remainder fmod eq ne lt le gt ge logicalAnd logicalOr
     logicalXor hypot xlogy logaddexp floorDivide`,
    a(bin),
  ),
  ...each("add_ sub_ mul_ div_", a(bin, false)),
  ...each("zero_ normal_ uniform_", a(x23, false)),
  copy_: a((m) => [m.t([2, 3]), m.t([3])], false),
  fill_: a((m) => [m.t([2, 3]), 1], false),
  item: a((m) => [m.t([1])]),
  lerp: a((m) => [m.t([2, 3]), m.t([3]), 0.5]),
  addcmul: a((m) => [m.t([2, 3]), m.t([3]), m.t([2, 1])]),
  addcdiv: a((m) => [m.t([2, 3]), m.t([3]), m.t([2, 1])]),
  clamp: a((m) => [m.t([2, 3]), 0.3, 0.6]),
  clip: a((m) => [m.t([2, 3]), 0.3, 0.6]),
  clampMin: a((m) => [m.t([2, 3]), 0.5]),
  clampMax: a((m) => [m.t([2, 3]), 0.5]),
  threshold: a((m) => [m.t([2, 3]), 0.5, 0]),
  where: run((m) => nb.where(m.bool([1, 0, 1]), m.t([2, 3]), m.t([3]))),
  resultType: a((m) => [m.t([2]), 1.5]),
  cumsum: a((m) => [m.t([2, 3]), 1]),
  cumprod: a((m) => [m.t([2, 3]), 1]),
  softmax: a((m) => [m.t([2, 3]), 1]),
  logSoftmax: a((m) => [m.t([2, 3]), 1]),
  layerNorm: a((m) => [m.t([2, 3]), [3], { weight: m.t([3]), bias: m.t([3]) }]),
  causalSoftmax: a((m) => [m.t([2, 3, 3]), 0]),

  matmul: a((m) => [m.t([2, 3]), m.t([3, 2])]),
  mm: a((m) => [m.t([2, 3]), m.t([3, 2])]),
  addmm: a((m) => [m.t([2]), m.t([2, 3]), m.t([3, 2])]),
  bmm: a((m) => [m.t([2, 2, 3]), m.t([2, 3, 2])]),
  mv: a((m) => [m.t([2, 3]), m.t([3])]),
  dot: a((m) => [m.t([3]), m.t([3])]),
  outer: a((m) => [m.t([2]), m.t([3])]),
  einsum: run((m) => nb.einsum("ij,jk->ik", m.t([2, 3]), m.t([3, 2]))),

  reshape: a((m) => [m.t([2, 3]), [3, 2]]),
  view: a((m) => [m.t([2, 3]), [3, 2]]),
  permute: a((m) => [m.t([2, 3]), [1, 0]]),
  transpose: a((m) => [m.t([2, 3]), 0, 1]),
  expand: a((m) => [m.t([1, 3]), [2, 3]]),
  expandAs: a((m) => [m.t([1, 3]), m.t([2, 3])]),
  slice: a((m) => [m.t([2, 3]), 1, 0, 3, 2]),
  narrow: a((m) => [m.t([2, 3]), 1, 0, 2]),
  select: a((m) => [m.t([2, 3]), 0, 1]),
  unsqueeze: a((m) => [m.t([2, 3]), 0]),
  unflatten: a((m) => [m.t([2, 3]), 1, [3, 1]]),
  flip: a((m) => [m.t([2, 3]), [0]]),
  to: a((m) => [m.t([2, 3]), "float64"]),

  indexSelect: a((m) => [m.t([2, 3]), 1, m.int([0, 2])]),
  gather: a((m) => [m.t([2, 3]), 1, m.int([0, 1, 2, 0], [2, 2])]),
  scatterAdd: a((m) => [m.t([2, 3]), 1, m.int([0, 1, 2, 0], [2, 2]), m.t([2, 2])]),
  scatter: a((m) => [m.t([2, 3]), 1, m.int([0, 1, 2, 0], [2, 2]), m.t([2, 2])]),
  indexAdd: a((m) => [m.t([2, 3]), 1, m.int([0, 2]), m.t([2, 2])]),
  take: a((m) => [m.t([2, 3]), m.int([0, 5])]),
  maskedFill: a((m) => [m.t([2, 3]), m.bool([1, 0, 1]), 0]),
  maskedSelect: a((m) => [m.t([2, 3]), m.bool([1, 0, 1])]),
  embedding: run((m) => nb.embedding(m.int([0, 2]), m.t([3, 4]))),
  oneHot: a((m) => [m.t([3]), 4]),
  cat: run((m) => nb.cat([m.t([2, 3]), m.t([1, 3])])),
  stack: run((m) => nb.stack([m.t([2, 3]), m.t([2, 3])], 1)),
  split: a((m) => [m.t([2, 3]), 1, 1]),
  chunk: a((m) => [m.t([2, 3]), 2, 1]),
  unbind: a((m) => [m.t([2, 3]), 0]),
  pad: a((m) => [m.t([2, 3]), [1, 1]]),

  conv1d: a((m) => [m.t([1, 2, 5]), m.t([3, 2, 2]), m.t([3])]),
  conv2d: a((m) => [m.t([1, 2, 4, 4]), m.t([3, 2, 2, 2]), m.t([3])]),
  maxPool1d: a((m) => [m.t([1, 2, 6]), 2]),
  maxPool2d: a((m) => [m.t([1, 2, 4, 4]), 2]),
  avgPool1d: a((m) => [m.t([1, 2, 6]), 2]),
  avgPool2d: a((m) => [m.t([1, 2, 4, 4]), 2]),
  adaptiveAvgPool1d: a((m) => [m.t([1, 2, 6]), 3]),
  adaptiveAvgPool2d: a((m) => [m.t([1, 2, 4, 4]), 2]),

  tensor: run((m) =>
    nb.tensor(
      [
        [1, 0],
        [1, 1],
      ],
      opt(m),
    ),
  ),
  fromArray: run((m) => nb.fromArray([1, 0, 1, 1], [2, 2], opt(m))),
  scalarTensor: run((m) => nb.scalarTensor(1, m.dtype)),
  zeros: run((m) => nb.zeros([2, 3], opt(m))),
  ones: run((m) => nb.ones([2, 3], opt(m))),
  full: run((m) => nb.full([2, 3], 1, opt(m))),
  fullLike: a((m) => [m.t([2, 3]), 1]),
  arange: run((m) => nb.arange(4, opt(m))),
  linspace: run((m) => nb.linspace(0, 1, 5, opt(m))),
  eye: run((m) => nb.eye(3, opt(m))),
  rand: run((m) => nb.rand([2, 3], opt(m))),
  randn: run((m) => nb.randn([2, 3], opt(m))),
  randint: run((m) => nb.randint(0, 5, [2, 3], opt(m))),
  randintLike: a((m) => [m.t([2, 3]), 0, 5]),
};

/** Public names that are not ops, and why they have no row. */
const why = (names: string, reason: string) => Object.fromEntries(names.split(/\s+/).map((n) => [n, reason]));
export const NOT_OPS: Record<string, string> = {
  ...why("Tensor Generator NablaError ShapeError UnsupportedError NonFiniteError ValuesIndices", "a class"),
  ...why("getBackend setBackend listBackends registerBackend manualSeed memory", "global state"),
  ...why(
    "initWasm createWasmBackend OutOfMemoryError defaultBackendInfo",
    "loading the WebAssembly backend (test/backend/)",
  ),
  ...why(
    `noGrad enableGrad setGradEnabled isGradEnabled setDetectAnomaly grad gradcheck defineFunction
     backward retainGrad registerHook requiresGrad_ requiresGrad isLeaf gradNode accumulate`,
    "autograd machinery (test/autograd/)",
  ),
  ...why("constructor shape dtype ndim device size numel dim stride isContiguous", "tensor metadata"),
  data: "asynchronous read; dataSync is the op that is run",
  ...why(
    "scope keep keepAll unscoped dispose isDisposed array",
    "memory lifetime (test/backend/wasm-residency.test.ts)",
  ),
  ...why("align checkIndexTensor withIndexErrors", "internal helper exported by its family file"),
  adamUpdate_: "the optimizers' fused update (test/optim/fused-adam.test.ts)",
};
