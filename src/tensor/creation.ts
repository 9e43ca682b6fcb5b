// Creating tensors: from nested arrays or typed arrays, filled (zeros, ones, full, eye), ranges
// (arange, linspace) and random draws (rand, randn, randint) from a seedable generator.
import { getBackend } from "../backend/registry.js";
import { fromData, full as fullArr } from "../ops/ndarray.js";
import { assertDtype, type DType, dtypeOfArray, type TypedArray } from "../util/dtype.js";
import { fail, shapeError } from "../util/errors.js";
import { defaultGenerator, type Generator } from "../util/rng.js";
import { checkShape, sizeOf } from "../util/shape.js";
import { type NestedArray, Tensor } from "./tensor.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function make(
  values: ArrayLike<number>,
  shape: readonly number[],
  opts: CreateOptions,
  fallback: DType,
): Tensor {
  const dtype = opts.dtype === undefined ? fallback : assertDtype("tensor", opts.dtype);
  return new Tensor(fromData(values, shape, dtype, getBackend()), null, opts.requiresGrad ?? false);
}

/** Like torch.tensor: nested arrays of numbers or booleans, or a typed array (1-D). */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: CreateOptions = {}): Tensor {
  if (data instanceof Tensor) return make(data.dataSync(), data.shape, opts, data.dtype);
  if (ArrayBuffer.isView(data)) return make(data, [data.length], opts, dtypeOfArray(data));
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
    Array.isArray(values) ? "float32" : dtypeOfArray(values),
  );
}

export function full(shape: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  const v = Number(value);
  const dtype =
    opts.dtype ?? (typeof value === "boolean" ? "bool" : Number.isInteger(v) ? "int32" : "float32");
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

/** arange(end), arange(start, end) or arange(start, end, step), as torch.arange. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) fail("arange", "step must be nonzero");
  const n = Math.max(0, Math.ceil((end - start) / step));
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  const allInt = [start, end, step].every(Number.isInteger);
  return make(values, [n], opts, allInt ? "int32" : "float32");
}

export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    fail("linspace", `steps must be a non-negative integer, got ${steps}`);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill from both ends, as PyTorch does, so the last value is exactly `end`
  const values = Array.from({ length: steps }, (_, i) =>
    i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h,
  );
  return make(values, [steps], opts, "float32");
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const values = new Array<number>(n * m).fill(0);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return make(values, checkShape("eye", [n, m]), opts, "float32");
}

function draw(
  shape: readonly number[],
  opts: RandomOptions,
  f: (g: Generator) => number,
  fallback: DType,
): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const n = sizeOf(checkShape("random", shape));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = f(g);
  return make(values, shape, opts, fallback);
}

/** Uniform on [0, 1). */
export const rand = (shape: readonly number[], opts: RandomOptions = {}): Tensor =>
  draw(shape, opts, (g) => g.random(), "float32");
/** Standard normal. */
export const randn = (shape: readonly number[], opts: RandomOptions = {}): Tensor =>
  draw(shape, opts, (g) => g.normal(), "float32");
/** Uniform integers in [low, high). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  if (!(high > low)) fail("randint", `high (${high}) must be greater than low (${low})`);
  return draw(shape, opts, (g) => g.integer(low, high), "int32");
}

/** Wraps a JS number as a 0-d tensor of the given dtype. */
export const scalarTensor = (v: number, dtype: DType): Tensor => make([v], [], {}, dtype);
