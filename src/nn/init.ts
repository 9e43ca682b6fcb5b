// Weight initialisation (torch.nn.init): uniform, normal, constant, xavier and kaiming variants.
// Each fills the tensor in place, under noGrad, from the default or a given generator.
import * as nb from "../index.js";

type Nonlinearity = "linear" | "conv1d" | "conv2d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new nb.NablaError(`calculateGain: unknown nonlinearity '${nonlinearity as string}'`);
  }
}

/** fan_in and fan_out of a weight: [out, in, ...kernel] (Linear and Conv layouts). */
export function fans(t: nb.Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2)
    throw new nb.NablaError(`init: fan in and fan out need a tensor of at least 2 dims, got [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

interface GenOpt {
  generator?: nb.Generator;
}
const ng = <T>(f: () => T): T => nb.noGrad(f);

export const uniform_ = (t: nb.Tensor, a = 0, b = 1, o: GenOpt = {}) => ng(() => t.uniform_(a, b, o));
export const normal_ = (t: nb.Tensor, mean = 0, std = 1, o: GenOpt = {}) => ng(() => t.normal_(mean, std, o));
export const constant_ = (t: nb.Tensor, v: number) => ng(() => t.fill_(v));
export const zeros_ = (t: nb.Tensor) => constant_(t, 0);
export const ones_ = (t: nb.Tensor) => constant_(t, 1);

export function xavierUniform_(t: nb.Tensor, gain = 1, o: GenOpt = {}): nb.Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, o);
}
export function xavierNormal_(t: nb.Tensor, gain = 1, o: GenOpt = {}): nb.Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), o);
}

export interface KaimingOptions extends GenOpt {
  a?: number;
  mode?: "fanIn" | "fanOut";
  nonlinearity?: Nonlinearity;
}
function kaimingStd(t: nb.Tensor, o: KaimingOptions): number {
  const f = fans(t);
  const fan = o.mode === "fanOut" ? f.fanOut : f.fanIn;
  return calculateGain(o.nonlinearity ?? "leaky_relu", o.a ?? 0) / Math.sqrt(fan);
}
export function kaimingUniform_(t: nb.Tensor, o: KaimingOptions = {}): nb.Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound, o);
}
export function kaimingNormal_(t: nb.Tensor, o: KaimingOptions = {}): nb.Tensor {
  return normal_(t, 0, kaimingStd(t, o), o);
}
