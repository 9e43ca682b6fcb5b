// Transforms for inputs and labels: normalize (per channel, as torchvision's Normalize), oneHot for
// integer labels, and compose to chain them.
import * as nb from "../index.js";
import { fail } from "../io/errors.js";

export type Transform<A = nb.Tensor, B = A> = (x: A) => B;

/**
 * (x - mean) / std. Scalars apply to every value; lists hold one value per channel, the channel
 * being dim `dim` (-3 by default: C of [C, H, W] or [N, C, H, W]; use -1 for [N, features]).
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
  opts: { dim?: number } = {},
): Transform {
  const m = typeof mean === "number" ? [mean] : [...mean];
  const s = typeof std === "number" ? [std] : [...std];
  const dim = opts.dim ?? -3;
  if (!Number.isInteger(dim) || dim >= 0)
    fail("normalize", `dim must be a negative integer (counted from the end), got ${dim}`);
  if (m.length === 0 || s.length === 0) fail("normalize", "mean and std must not be empty");
  if (m.length !== s.length && m.length !== 1 && s.length !== 1)
    fail("normalize", `mean has ${m.length} channels but std has ${s.length}`);
  if (s.some((v) => v === 0 || !Number.isFinite(v)))
    fail("normalize", `std must be finite and nonzero, got [${s.join(", ")}]`);
  const channels = Math.max(m.length, s.length);
  const shape = channels === 1 ? [] : [channels, ...Array<number>(-dim - 1).fill(1)];
  return (x) => {
    if (channels > 1 && x.shape.at(dim) !== channels)
      fail(
        "normalize",
        `expected ${channels} channels in dim ${dim} of the input, but its shape is [${x.shape.join(",")}]`,
      );
    const dtype = x.dtype === "float64" ? "float64" : "float32";
    const meanT = nb.fromArray(channels === 1 ? m : broadcast(m, channels), shape, { dtype });
    const stdT = nb.fromArray(channels === 1 ? s : broadcast(s, channels), shape, { dtype });
    return x.sub(meanT).div(stdT);
  };
}

const broadcast = (v: number[], n: number): number[] => (v.length === n ? v : Array<number>(n).fill(v[0]!));

/**
 * One-hot encodes integer labels: shape [...labels.shape, numClasses], as torch.nn.functional.one_hot
 * (int32 by default; pass { dtype: "float32" } for targets of a regression loss). numClasses
 * defaults to the largest label + 1.
 */
export function oneHot(
  labels: nb.Tensor | readonly number[],
  numClasses?: number,
  opts: { dtype?: nb.DType } = {},
): nb.Tensor {
  const t = labels instanceof nb.Tensor ? labels : nb.fromArray(Int32Array.from(labels), [labels.length]);
  if (t.dtype !== "int32") fail("oneHot", `labels must be an int32 tensor, got ${t.dtype}`);
  const values = t.dataSync();
  let max = -1;
  for (const v of values) {
    if (v < 0) fail("oneHot", `labels must be non-negative, got ${v}`);
    if (v > max) max = v;
  }
  const k = numClasses ?? max + 1;
  if (!Number.isInteger(k) || k < 1)
    fail("oneHot", `numClasses must be a positive integer, got ${numClasses}`);
  if (max >= k) fail("oneHot", `label ${max} is out of range for ${k} classes (0..${k - 1})`);
  const out = new Float64Array(values.length * k);
  values.forEach((v, i) => (out[i * k + v] = 1));
  return nb.fromArray(out, [...t.shape, k], { dtype: opts.dtype ?? "int32" });
}

/** Chains transforms left to right: compose(f, g)(x) = g(f(x)). */
export function compose<T>(...transforms: Transform<T>[]): Transform<T> {
  transforms.forEach((f, i) => typeof f !== "function" && fail("compose", `argument ${i} is not a function`));
  return (x) => transforms.reduce((acc, f) => f(acc), x);
}
