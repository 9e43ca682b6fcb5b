// Weight initialisation (torch.nn.init): uniform, normal, truncated normal, constant, eye,
// orthogonal, xavier and kaiming variants. Each fills the tensor in place, under noGrad, from the
// default or a given generator, and returns it.
import * as nb from "../index.js";

export type Nonlinearity =
  | "linear" | "identity" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d"
  | "conv_transpose3d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu"; // prettier-ignore

const LINEAR = new Set(["linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"]); // prettier-ignore

/** The recommended gain for a nonlinearity, as PyTorch's calculate_gain (param: leaky_relu's slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope))
        throw new nb.NablaError(`calculateGain: negative slope ${String(slope)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new nb.NablaError(`calculateGain: unsupported nonlinearity '${nonlinearity as string}'`);
  }
}

/** fan_in and fan_out of a weight laid out [out, in, ...kernel] (Linear and Conv layouts). */
export function fans(t: nb.Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2)
    throw new nb.NablaError(
      `init: fan in and fan out can not be computed for a tensor with fewer than 2 dims, got [${t.shape}]`,
    );
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

export interface GenOpt {
  generator?: nb.Generator;
}
const ng = <T>(f: () => T): T => nb.noGrad(f);

/** Fills with draws from U(a, b). */
export const uniform_ = (t: nb.Tensor, a = 0, b = 1, o: GenOpt = {}): nb.Tensor =>
  ng(() => t.uniform_(a, b, o));
/** Fills with draws from N(mean, std²). */
export const normal_ = (t: nb.Tensor, mean = 0, std = 1, o: GenOpt = {}): nb.Tensor =>
  ng(() => t.normal_(mean, std, o));
export const constant_ = (t: nb.Tensor, v: number): nb.Tensor => ng(() => t.fill_(v));
export const zeros_ = (t: nb.Tensor): nb.Tensor => constant_(t, 0);
export const ones_ = (t: nb.Tensor): nb.Tensor => constant_(t, 1);

/** Fills a 2-D tensor with the identity (ones on the diagonal). */
export function eye_(t: nb.Tensor): nb.Tensor {
  if (t.ndim !== 2) throw new nb.NablaError(`eye_: needs a 2-D tensor, got [${t.shape}]`);
  return ng(() => t.copy_(nb.eye(t.shape[0]!, t.shape[1]!, { dtype: t.dtype })));
}

function fillWith(t: nb.Tensor, values: Float64Array): nb.Tensor {
  return ng(() => t.copy_(nb.fromArray(values, t.shape, { dtype: t.dtype })));
}

/**
 * Fills with draws from N(mean, std²) conditioned on [a, b] (absolute bounds, as PyTorch's
 * trunc_normal_), by rejection: exact, and fast unless [a, b] holds little of the mass.
 */
export function truncNormal_(t: nb.Tensor, mean = 0, std = 1, a = -2, b = 2, o: GenOpt = {}): nb.Tensor {
  if (!(a < b)) throw new nb.NablaError(`truncNormal_: the lower bound a (${a}) must be below b (${b})`);
  const g = o.generator ?? nb.defaultGenerator;
  const v = new Float64Array(t.numel());
  for (let i = 0; i < v.length; i++) {
    let x = NaN;
    for (let tries = 0; tries < 10000 && !(x >= a && x <= b); tries++) x = mean + std * g.normal();
    if (!(x >= a && x <= b))
      throw new nb.NablaError(`truncNormal_: [${a}, ${b}] holds too little of N(${mean}, ${std}²) to sample`);
    v[i] = x;
  }
  return fillWith(t, v);
}

/**
 * A (semi-)orthogonal matrix scaled by gain (Saxe et al. 2013): the Q of a random normal matrix's
 * QR decomposition, sign-corrected so it is uniformly distributed. Dims after the first are
 * flattened, as in PyTorch.
 */
export function orthogonal_(t: nb.Tensor, gain = 1, o: GenOpt = {}): nb.Tensor {
  if (t.ndim < 2) throw new nb.NablaError(`orthogonal_: needs at least 2 dims, got [${t.shape}]`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  // Gram–Schmidt on the columns of a tall m×n matrix (m ≥ n): the transpose when rows < cols
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const g = o.generator ?? nb.defaultGenerator;
  const q = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => g.normal()));
  for (let j = 0; j < n; j++) {
    const c = q[j]!;
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < m; i++) d += q[k]![i]! * c[i]!;
      for (let i = 0; i < m; i++) c[i]! -= d * q[k]![i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += c[i]! * c[i]!;
    norm = Math.sqrt(norm);
    // modified Gram–Schmidt keeps R's diagonal positive, which is the sign correction of PyTorch's d = diag(R)
    for (let i = 0; i < m; i++) c[i]! /= norm;
  }
  const v = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let s = 0; s < cols; s++) v[r * cols + s] = gain * (rows < cols ? q[r]![s]! : q[s]![r]!);
  return fillWith(t, v);
}

/** U(±gain·√(6/(fanIn + fanOut))) (Glorot & Bengio 2010). */
export function xavierUniform_(t: nb.Tensor, gain = 1, o: GenOpt = {}): nb.Tensor {
  if (t.numel() === 0) return t;
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, o);
}
/** N(0, gain²·2/(fanIn + fanOut)). */
export function xavierNormal_(t: nb.Tensor, gain = 1, o: GenOpt = {}): nb.Tensor {
  if (t.numel() === 0) return t;
  const { fanIn, fanOut } = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), o);
}

export interface KaimingOptions extends GenOpt {
  /** the negative slope of the leaky_relu that follows (default 0) */
  a?: number;
  /** "fanIn" (PyTorch: "fan_in", the default) keeps the forward variance, "fanOut" the backward one */
  mode?: "fanIn" | "fanOut" | "fan_in" | "fan_out";
  nonlinearity?: Nonlinearity;
}
function kaimingStd(op: string, t: nb.Tensor, o: KaimingOptions): number {
  const mode = o.mode ?? "fanIn";
  if (!["fanIn", "fanOut", "fan_in", "fan_out"].includes(mode))
    throw new nb.NablaError(`${op}: mode must be "fanIn" or "fanOut", got '${mode}'`);
  const f = fans(t);
  const fan = mode === "fanOut" || mode === "fan_out" ? f.fanOut : f.fanIn;
  return calculateGain(o.nonlinearity ?? "leaky_relu", o.a ?? 0) / Math.sqrt(fan);
}
/** U(±gain·√(3/fan)) (He et al. 2015). */
export function kaimingUniform_(t: nb.Tensor, o: KaimingOptions = {}): nb.Tensor {
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform_", t, o);
  return uniform_(t, -bound, bound, o);
}
/** N(0, gain²/fan) (He et al. 2015). */
export function kaimingNormal_(t: nb.Tensor, o: KaimingOptions = {}): nb.Tensor {
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd("kaimingNormal_", t, o), o);
}
