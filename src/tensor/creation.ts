// Creating tensors: from nested arrays or typed arrays, filled (zeros, ones, full, eye), ranges
// (arange, linspace) and random draws (rand, randn, randint) from a seedable generator.
import { getBackend } from "../backend/registry.js";
import { fromData, full as fullArr } from "../ops/ndarray.js";
import { assertDtype, type DType, dtypeOfArray, isFloat, type TypedArray } from "../util/dtype.js";
import { fail, shapeError } from "../util/errors.js";
import { defaultGenerator, Generator } from "../util/rng.js";
import { checkShape, sizeOf } from "../util/shape.js";
import { type NestedArray, Tensor } from "./tensor.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function make(
  values: ArrayLike<number>,
  shape: readonly number[],
  opts: CreateOptions,
  fallback: DType,
  op = "tensor",
): Tensor {
  const dtype = opts.dtype === undefined ? fallback : assertDtype(op, opts.dtype);
  if (dtype === "int32" && !(values instanceof Int32Array))
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < INT32_MIN || v > INT32_MAX)
        fail(
          op,
          `${v} does not fit in int32 (nabla has no int64); pass { dtype: "float64" } for large values`,
        );
    }
  return new Tensor(fromData(values, shape, dtype, getBackend()), null, opts.requiresGrad ?? false);
}

const isOptions = (x: unknown): x is CreateOptions =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** Like torch.tensor: nested arrays of numbers or booleans, or a typed array (1-D). */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: CreateOptions = {}): Tensor {
  if (data instanceof Tensor) return make(data.dataSync(), data.shape, opts, data.dtype);
  if (ArrayBuffer.isView(data)) return make(data, [data.length], opts, dtypeOfArray("tensor", data));
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0] as NestedArray;
    if (probe === undefined) break;
  }
  const flat: number[] = [];
  let sawFloat = false;
  let sawBool = false;
  let sawNumber = false;
  const walk = (x: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (typeof x === "boolean") {
        sawBool = true;
        flat.push(x ? 1 : 0);
      } else if (typeof x === "number") {
        sawNumber = true;
        if (!Number.isInteger(x)) sawFloat = true;
        flat.push(x);
      } else
        fail(
          "tensor",
          `expected a number or boolean at depth ${d}, got ${Array.isArray(x) ? "an array" : typeof x}`,
        );
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d])
      shapeError("tensor", `ragged nested array: expected a list of length ${shape[d]} at depth ${d}`);
    for (const y of x) walk(y, d + 1);
  };
  walk(data, 0);
  const inferred: DType =
    sawFloat || (!sawNumber && !sawBool) ? "float32" : sawBool && !sawNumber ? "bool" : "int32";
  return make(flat, shape, opts, inferred);
}

/** A tensor over an existing typed array's values with the given shape. */
export function fromArray(
  values: TypedArray | number[],
  shape: readonly number[],
  opts: CreateOptions = {},
): Tensor {
  return make(
    values,
    checkShape("fromArray", shape),
    opts,
    Array.isArray(values) ? "float32" : dtypeOfArray("fromArray", values),
    "fromArray",
  );
}

export function full(shape: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean")
    fail("full", `value must be a number or boolean, got ${typeof value}`);
  const v = Number(value);
  const dtype =
    opts.dtype === undefined
      ? typeof value === "boolean"
        ? "bool"
        : Number.isInteger(v)
          ? "int32"
          : "float32"
      : assertDtype("full", opts.dtype);
  if (dtype === "int32" && (v < INT32_MIN || v > INT32_MAX))
    fail("full", `${v} does not fit in int32 (nabla has no int64)`);
  return new Tensor(fullArr(checkShape("full", shape), v, dtype), null, opts.requiresGrad ?? false);
}
export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor =>
  full(shape, 0, { dtype: "float32", ...opts });
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor =>
  full(shape, 1, { dtype: "float32", ...opts });

const likeOpts = (t: Tensor, opts: CreateOptions): CreateOptions => ({ dtype: t.dtype, ...opts });
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => zeros(t.shape, likeOpts(t, opts));
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => ones(t.shape, likeOpts(t, opts));
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor =>
  full(t.shape, value, likeOpts(t, opts));
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor =>
  rand(t.shape, { dtype: t.dtype, ...opts });
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor =>
  randn(t.shape, { dtype: t.dtype, ...opts });
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor =>
  randint(low, high, t.shape, { dtype: t.dtype, ...opts });

/**
 * arange(end), arange(start, end) or arange(start, end, step), as torch.arange; the options may
 * come after any of them: arange(5, { dtype: "float64" }). Integers give int32, fractions float32.
 */
export function arange(
  start: number,
  end?: number | CreateOptions,
  step: number | CreateOptions = 1,
  opts: CreateOptions = {},
): Tensor {
  if (isOptions(end)) [end, step, opts] = [undefined, 1, end];
  if (isOptions(step)) [step, opts] = [1, step];
  if (end === undefined) [start, end] = [0, start];
  if (![start, end, step].every(Number.isFinite))
    fail("arange", `start, end and step must be finite numbers, got ${start}, ${end}, ${step}`);
  if (step === 0) fail("arange", "step must be nonzero");
  if ((end - start) * step < 0)
    fail("arange", `the range from ${start} to ${end} runs against the sign of step ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  const allInt = [start, end, step].every(Number.isInteger);
  return make(values, [n], opts, allInt ? "int32" : "float32", "arange");
}

/** `steps` evenly spaced values from start to end inclusive, as torch.linspace (float32 by default). */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    fail("linspace", `steps must be a non-negative integer, got ${steps}`);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // the first half counts up from start and the second down from end, as PyTorch does, so the
  // last value is exactly `end`
  const half = Math.floor(steps / 2);
  const values = Array.from({ length: steps }, (_, i) =>
    i < half || steps === 1 ? start + i * h : end - (steps - 1 - i) * h,
  );
  return make(values, [steps], opts, "float32", "linspace");
}

/** The n×m identity (m defaults to n): eye(3), eye(2, 4), eye(3, { dtype: "bool" }). */
export function eye(n: number, m: number | CreateOptions = n, opts: CreateOptions = {}): Tensor {
  if (isOptions(m)) [m, opts] = [n, m];
  checkShape("eye", [n, m]);
  const values = new Array<number>(n * m).fill(0);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return make(values, [n, m], opts, "float32", "eye");
}

function draw(
  op: string,
  shape: readonly number[],
  opts: RandomOptions,
  f: (g: Generator) => number,
  fallback: DType,
): Tensor {
  if (opts.generator !== undefined && !(opts.generator instanceof Generator))
    fail(op, "generator must be an nb.Generator");
  const g = opts.generator ?? defaultGenerator;
  const n = sizeOf(checkShape(op, shape));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = f(g);
  return make(values, shape, opts, fallback, op);
}

function floatOnly(op: string, opts: CreateOptions): void {
  if (opts.dtype !== undefined && !isFloat(assertDtype(op, opts.dtype)))
    fail(op, `draws floating-point values; dtype ${opts.dtype} is not a floating-point dtype`);
}

/** Uniform on [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  floatOnly("rand", opts);
  return draw("rand", shape, opts, (g) => g.random(), "float32");
}
/** Standard normal. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  floatOnly("randn", opts);
  return draw("randn", shape, opts, (g) => g.normal(), "float32");
}

/** Uniform integers in [low, high): randint(low, high, shape) or randint(high, shape), as torch.randint. */
export function randint(
  low: number,
  high: number | readonly number[],
  shape?: readonly number[] | RandomOptions,
  opts: RandomOptions = {},
): Tensor {
  if (Array.isArray(high)) {
    if (isOptions(shape)) opts = shape;
    [low, high, shape] = [0, low, high];
  }
  const h = high as number;
  if (!Array.isArray(shape)) return fail("randint", "needs a shape: randint(low, high, shape)");
  if (!Number.isInteger(low) || !Number.isInteger(h))
    fail("randint", `low and high must be integers, got ${low} and ${h}`);
  if (!(h > low)) fail("randint", `high (${h}) must be greater than low (${low})`);
  return draw("randint", shape, opts, (g) => g.integer(low, h), "int32");
}

/** Wraps a JS number as a 0-d tensor of the given dtype. */
export const scalarTensor = (v: number, dtype: DType): Tensor => make([v], [], {}, dtype);
