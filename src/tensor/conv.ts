// Convolution and pooling as PyTorch's F.conv1d/conv2d, max/avg/adaptive pooling: unfold (im2col)
// the input, then a batched matmul (conv) or a reduction over the kernel dims (pooling).
import { unfold, type UnfoldAttrs } from "../ops/primitives/conv.js";
import { gather } from "../ops/primitives/indexing.js";
import { argmax } from "../ops/primitives/reduce.js";
import { isFloat } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { sizeOf } from "../util/shape.js";
import { noGrad } from "./autograd.js";
import { arange, fromArray, ones } from "./creation.js";
import { where } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { mean, sum } from "./reduce.js";
import { apply, Tensor } from "./tensor.js";
import { expand, reshape, squeeze, unsqueeze } from "./views.js";

/** An int, or one int per spatial dim, as PyTorch's `_pair` / `_single` arguments. */
export type IntOrPair = number | readonly number[];

export interface ConvOptions {
  stride?: IntOrPair;
  /** ints per side, or "valid" (no padding) or "same" (output as large as the input; stride 1) */
  padding?: IntOrPair | "valid" | "same";
  dilation?: IntOrPair;
  groups?: number;
}

/** Expands an int-or-tuple argument to one value per spatial dim, checking each value. */
function spatialArg(op: string, what: string, v: IntOrPair, nd: number, min: number): number[] {
  const list = typeof v === "number" ? new Array<number>(nd).fill(v) : [...v];
  if (list.length !== nd) fail(op, `${what} must be an int or a list of ${nd} ints, got ${fmtShape(list)}`);
  for (const x of list)
    if (!Number.isInteger(x) || x < min)
      fail(op, `${what} must hold integers ≥ ${min}, got ${typeof v === "number" ? v : fmtShape(list)}`);
  return list;
}

/**
 * Checks the input's rank ([C, ...spatial] unbatched or [N, C, ...spatial]) and dtype, and returns
 * it batched, with a function that undoes the added batch dim on the result.
 */
function batched(op: string, x: Tensor, nd: number): [Tensor, (y: Tensor) => Tensor] {
  if (!(x instanceof Tensor)) fail(op, `expected a Tensor input, got ${typeof x}`);
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2)
    shapeError(
      op,
      `expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched) input, got ${fmtShape(x.shape)}`,
    );
  if (!isFloat(x.dtype)) fail(op, `needs a floating-point input, got ${x.dtype}; convert with .float()`);
  return x.ndim === nd + 1 ? [unsqueeze(x, 0), (y) => squeeze(y, 0)] : [x, (y) => y];
}

/** Unfolds [N, C, ...spatial] into [N, C, ...kernel, ...outSize] (see the unfold primitive). */
const unfoldT = (x: Tensor, g: UnfoldAttrs): Tensor => apply(unfold, [x], g);

function convNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvOptions,
): Tensor {
  const [x, unbatch] = batched(op, input, nd);
  if (!(weight instanceof Tensor) || weight.ndim !== nd + 2)
    shapeError(
      op,
      `weight must be ${nd + 2}-D [outChannels, inChannels/groups, ${nd === 2 ? "kH, kW" : "kW"}], got ${weight instanceof Tensor ? fmtShape(weight.shape) : typeof weight}`,
    );
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const)
    if (t && t.dtype !== x.dtype)
      fail(op, `input is ${x.dtype} but ${name} is ${t.dtype}; convert them to one dtype`);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) fail(op, `groups must be a positive integer, got ${groups}`);
  const [N, Cin, ...spatial] = x.shape as [number, number, ...number[]];
  const [Cout, CinG, ...kernel] = weight.shape as [number, number, ...number[]];
  const ws = fmtShape(weight.shape);
  if (Cout % groups !== 0)
    shapeError(op, `weight ${ws} has ${Cout} output channels, which groups=${groups} does not divide`);
  if (Cin % groups !== 0)
    shapeError(
      op,
      `input ${fmtShape(input.shape)} has ${Cin} channels, which groups=${groups} does not divide`,
    );
  if (CinG * groups !== Cin)
    shapeError(
      op,
      `input ${fmtShape(input.shape)} has ${Cin} channels but weight ${ws} with groups=${groups} expects ${CinG * groups} (weight.shape[1] · groups)`,
    );
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout))
    shapeError(op, `bias must be 1-D with ${Cout} elements (weight ${ws}), got ${fmtShape(bias.shape)}`);
  const stride = spatialArg(op, "stride", opts.stride ?? 1, nd, 1);
  const dilation = spatialArg(op, "dilation", opts.dilation ?? 1, nd, 1);
  const reach = kernel.map((k, i) => dilation[i]! * (k - 1) + 1); // the dilated kernel's extent
  const pad = opts.padding ?? 0;
  let padding: number[];
  let outSize: number[];
  if (pad === "same") {
    if (stride.some((s) => s !== 1))
      fail(op, `padding="same" needs stride 1 (PyTorch's rule), got stride ${fmtShape(stride)}`);
    // total padding reach−1 per dim; an odd total puts the extra element on the right, which the
    // explicit outSize expresses (the kernel reads zeros past the right edge)
    padding = reach.map((r) => Math.floor((r - 1) / 2));
    outSize = spatial;
  } else {
    padding = pad === "valid" ? new Array<number>(nd).fill(0) : spatialArg(op, "padding", pad, nd, 0);
    const padded = spatial.map((n, i) => n + 2 * padding[i]!);
    if (reach.some((r, i) => r > padded[i]!))
      shapeError(
        op,
        `kernel ${fmtShape(kernel)} (dilated to ${fmtShape(reach)}) is larger than the padded input ${fmtShape(padded)} (input ${fmtShape(spatial)} with padding ${fmtShape(padding)} on each side)`,
      );
    outSize = padded.map((p, i) => Math.floor((p - reach[i]!) / stride[i]!) + 1);
  }
  // cols: [N, Cin, ...kernel, ...out] → [N, g, Cin/g·K, L]; weight: [g, Cout/g, Cin/g·K]
  const cols = unfoldT(x, { kernel, stride, padding, dilation, padValue: 0, outSize });
  const Kg = CinG * sizeOf(kernel);
  const L = sizeOf(outSize);
  const w = reshape(weight, [groups, Cout / groups, Kg]);
  const y = matmul(w, reshape(cols, [N, groups, Kg, L])); // [N, g, Cout/g, L]
  let out = reshape(y, [N, Cout, ...outSize]);
  if (bias) out = out.add(reshape(bias, [Cout, ...outSize.map(() => 1)]));
  return unbatch(out);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): input [N, Cin, H, W] or [Cin, H, W], weight
 * [Cout, Cin/groups, kH, kW], bias [Cout] → [N, Cout, H', W'].
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd("conv2d", 2, input, weight, bias, opts);
}

/** 1-D convolution: input [N, Cin, L] or [Cin, L], weight [Cout, Cin/groups, k], bias [Cout]. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd("conv1d", 1, input, weight, bias, opts);
}

// ---- pooling ----

export interface MaxPoolOptions {
  /** default: kernelSize */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  /** round the output size up: the last window may hang over the right edge (it reads -Infinity there) */
  ceilMode?: boolean;
  /** also return each output's flat index into its input plane (int32, as H·W offsets) */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  /** whether zero padding counts in each window's divisor (default true, as PyTorch) */
  countIncludePad?: boolean;
  /** divide every window's sum by this instead */
  divisorOverride?: number | null;
}

interface PoolGeometry extends UnfoldAttrs {
  readonly outSize: readonly number[];
}

/** Kernel, stride, padding and output size of a pooling op, with PyTorch's checks and ceil rule. */
function poolGeometry(
  op: string,
  nd: number,
  x: Tensor,
  kernelSize: IntOrPair,
  opts: { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceilMode?: boolean },
): Omit<PoolGeometry, "padValue"> {
  const kernel = spatialArg(op, "kernelSize", kernelSize, nd, 1);
  const stride = spatialArg(op, "stride", opts.stride ?? kernel, nd, 1);
  const padding = spatialArg(op, "padding", opts.padding ?? 0, nd, 0);
  const dilation = spatialArg(op, "dilation", opts.dilation ?? 1, nd, 1);
  if (padding.some((p, i) => p > kernel[i]! / 2))
    fail(
      op,
      `padding ${fmtShape(padding)} must be at most half of kernelSize ${fmtShape(kernel)} (PyTorch's rule)`,
    );
  const spatial = x.shape.slice(2);
  const outSize = spatial.map((n, i) => {
    const [k, s, p, d] = [kernel[i]!, stride[i]!, padding[i]!, dilation[i]!];
    const span = n + 2 * p - d * (k - 1) - 1;
    let o = Math.floor((span + (opts.ceilMode ? s - 1 : 0)) / s) + 1;
    // in ceil mode the last window must still start inside the input or its left padding
    if (opts.ceilMode && (o - 1) * s >= n + p) o--;
    return o;
  });
  if (outSize.some((o) => o < 1))
    shapeError(
      op,
      `input ${fmtShape(x.shape)} is too small for kernelSize ${fmtShape(kernel)} with padding ${fmtShape(padding)} and dilation ${fmtShape(dilation)}: the output would be ${fmtShape(outSize)}`,
    );
  return { kernel, stride, padding, dilation, outSize };
}

const kernelDims = (nd: number): number[] => Array.from({ length: nd }, (_, i) => 2 + i);

function maxPoolNd(
  op: string,
  nd: number,
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  const [x, unbatch] = batched(op, input, nd);
  const g = poolGeometry(op, nd, x, kernelSize, opts);
  const [N, C, ...spatial] = x.shape as [number, number, ...number[]];
  const K = sizeOf(g.kernel);
  // windows flattened: [N, C, K, ...out], padding reads -Infinity so it never wins
  const cols = reshape(unfoldT(x, { ...g, padValue: -Infinity }), [N, C, K, ...g.outSize]);
  // each window's flat input offset per kernel cell, -1 on padding: [1, 1, K, ...out] int32
  const positions = reshape(arange(sizeOf(spatial)), [1, 1, ...spatial]);
  const posCols = reshape(unfoldT(positions, { ...g, padValue: -1 }), [1, 1, K, ...g.outSize]);
  // PyTorch sends each window's whole gradient to one input, its first maximum in row-major
  // order (not split among ties as amax would): pick it with argmax, then gather it. A window
  // whose maximum is -Infinity takes its first in-bounds cell, so padding never wins.
  const first = apply(argmax, [cols], { axis: 2, keepdim: true }); // [N, C, 1, ...out] int32
  const firstReal = apply(argmax, [posCols.ge(0).int()], { axis: 2, keepdim: true });
  const best = noGrad(() => apply(gather, [cols, first], { axis: 2 }));
  const pick = where(best.eq(-Infinity), firstReal, first);
  const out = unbatch(reshape(apply(gather, [cols, pick], { axis: 2 }), [N, C, ...g.outSize]));
  if (!opts.returnIndices) return out;
  const index = apply(gather, [expand(posCols, [N, C, K, ...g.outSize]), pick], { axis: 2 });
  return [out, unbatch(reshape(index, [N, C, ...g.outSize]))];
}

type WithIndices<O> = O & { returnIndices: true };

/** Max pooling over [N, C, H, W] or [C, H, W]; with returnIndices, also the argmax of each window. */
export function maxPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: WithIndices<MaxPoolOptions>,
): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, opts?: MaxPoolOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool2d", 2, input, kernelSize, opts);
}

/** Max pooling over [N, C, L] or [C, L]. */
export function maxPool1d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: WithIndices<MaxPoolOptions>,
): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, opts?: MaxPoolOptions): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool1d", 1, input, kernelSize, opts);
}

function avgPoolNd(
  op: string,
  nd: number,
  input: Tensor,
  kernelSize: IntOrPair,
  opts: AvgPoolOptions,
): Tensor {
  const [x, unbatch] = batched(op, input, nd);
  const g = poolGeometry(op, nd, x, kernelSize, opts);
  const dims = kernelDims(nd);
  const sums = sum(unfoldT(x, { ...g, padValue: 0 }), dims); // [N, C, ...out]
  const { divisorOverride, countIncludePad = true } = opts;
  if (divisorOverride !== undefined && divisorOverride !== null) {
    if (!Number.isInteger(divisorOverride) || divisorOverride === 0)
      fail(op, `divisorOverride must be a nonzero integer, got ${divisorOverride}`);
    return unbatch(sums.div(divisorOverride));
  }
  const spatial = x.shape.slice(2);
  const padded = spatial.map((n, i) => n + 2 * g.padding[i]!);
  // a ceil-mode window may hang past the padded input; those cells never count
  const overhang = g.outSize.some((o, i) => (o - 1) * g.stride[i]! + g.kernel[i]! > padded[i]!);
  const noPad = g.padding.every((p) => p === 0);
  if (!overhang && (countIncludePad || noPad)) return unbatch(sums.div(sizeOf(g.kernel)));
  // per-window divisor: unfold ones over the cells that count (the padded or the bare input)
  const ones_ = ones([1, 1, ...(countIncludePad ? padded : spatial)], { dtype: x.dtype });
  const counted = countIncludePad ? { ...g, padding: g.padding.map(() => 0) } : g;
  const counts = sum(unfoldT(ones_, { ...counted, padValue: 0 }), dims); // [1, 1, ...out]
  return unbatch(sums.div(counts));
}

/** Average pooling over [N, C, H, W] or [C, H, W]. */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolNd("avgPool2d", 2, input, kernelSize, opts);
}

/** Average pooling over [N, C, L] or [C, L]. */
export function avgPool1d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: Omit<AvgPoolOptions, "divisorOverride"> = {},
): Tensor {
  return avgPoolNd("avgPool1d", 1, input, kernelSize, opts);
}

/** [o, n]: row i averages input cells floor(i·n/o) … ceil((i+1)·n/o) − 1 (PyTorch's adaptive bins). */
function binMatrix(n: number, o: number, like: Tensor): Tensor {
  const a = new Float64Array(o * n);
  for (let i = 0; i < o; i++) {
    const start = Math.floor((i * n) / o);
    const end = Math.ceil(((i + 1) * n) / o);
    for (let j = start; j < end; j++) a[i * n + j] = 1 / (end - start);
  }
  return fromArray(a, [o, n], { dtype: like.dtype });
}

function adaptiveAvgPoolNd(
  op: string,
  nd: number,
  input: Tensor,
  outputSize: number | readonly (number | null)[],
): Tensor {
  const [x, unbatch] = batched(op, input, nd);
  const spatial = x.shape.slice(2);
  const sizes = typeof outputSize === "number" ? new Array<number>(nd).fill(outputSize) : outputSize;
  if (sizes.length !== nd)
    fail(op, `outputSize must be an int or a list of ${nd} ints (or null), got ${JSON.stringify(sizes)}`);
  const out = sizes.map((o, i) => o ?? spatial[i]!);
  if (out.some((o) => !Number.isInteger(o) || o < 0))
    fail(op, `outputSize must hold non-negative integers, got ${fmtShape(out)}`);
  if (spatial.some((n) => n === 0))
    shapeError(
      op,
      `input ${fmtShape(input.shape)} has an empty spatial dim; adaptive pooling needs at least one cell`,
    );
  const dims = kernelDims(nd);
  if (out.every((o) => o === 1)) return unbatch(mean(x, dims, { keepdim: true }));
  // each output averages a rectangle of bins, which is separable: average along W, then along H
  let y = matmul(x, binMatrix(spatial[nd - 1]!, out[nd - 1]!, x).T); // [..., H, oW]
  if (nd === 2) y = matmul(binMatrix(spatial[0]!, out[0]!, x), y); // [N, C, oH, oW]
  return unbatch(y);
}

/** Adaptive average pooling to outputSize (1 gives global average pooling); null keeps a dim. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool2d", 2, input, outputSize);
}

export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool1d", 1, input, outputSize);
}
