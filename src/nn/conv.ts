// Convolution and pooling layers over nb.conv1d/conv2d and the pooling functions. Convolutions are
// initialised as PyTorch does (kaiming-uniform with a = √5, i.e. U(±1/√fanIn); bias U(±1/√fanIn)).
import * as nb from "../index.js";
import type { FactoryOptions } from "./layers.js";
import { fans, kaimingUniform_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

type IntOr<N extends number> = number | (N extends 1 ? readonly [number] : readonly [number, number]);

export interface ConvOptions extends FactoryOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[] | "same" | "valid";
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  /** how the padding is filled: zeros (default), or by F.pad's reflect, replicate or circular modes */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
}

const tuple = (v: number | readonly number[], n: number): number[] =>
  typeof v === "number" ? new Array<number>(n).fill(v) : [...v];

abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null = null;
  readonly kernelSize: number[];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    readonly opts: ConvOptions,
    readonly nd: number,
  ) {
    super();
    const name = `Conv${nd}d`;
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0)
      throw new nb.NablaError(
        `${name}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${groups}`,
      );
    const mode = opts.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(mode))
      throw new nb.NablaError(
        `${name}: paddingMode must be zeros, reflect, replicate or circular, got '${mode}'`,
      );
    const s = tuple(opts.stride ?? 1, nd);
    if (opts.padding === "same" && s.some((x) => x !== 1))
      throw new nb.NablaError(`${name}: padding "same" needs stride 1, got stride [${s}]`);
    this.kernelSize = tuple(kernelSize, nd);
    const dtype = opts.dtype ?? "float32";
    this.weight = new Parameter(nb.zeros([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    if (opts.bias ?? true) {
      this.bias = new Parameter(nb.zeros([outChannels], { dtype }));
      const { fanIn } = fans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, { generator: opts.generator });
    }
  }

  /** F.pad's list (last dim first) for a non-zeros padding mode, as PyTorch's _reversed_padding_repeated_twice. */
  private padList(): number[] {
    const { padding = 0, dilation = 1 } = this.opts;
    if (padding === "valid") return new Array<number>(2 * this.nd).fill(0);
    const d = tuple(dilation, this.nd);
    const pairs = this.kernelSize.map((k, i): [number, number] => {
      if (padding !== "same") {
        const p = tuple(padding, this.nd)[i]!;
        return [p, p];
      }
      const total = d[i]! * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
    return pairs.reverse().flat();
  }

  protected conv(x: nb.Tensor): nb.Tensor {
    const { stride = 1, padding = 0, dilation = 1, groups = 1, paddingMode = "zeros" } = this.opts;
    const f = this.nd === 1 ? nb.conv1d : nb.conv2d;
    if (paddingMode === "zeros") return f(x, this.weight, this.bias, { stride, padding, dilation, groups });
    const padded = nb.pad(x, this.padList(), { mode: paddingMode });
    return f(padded, this.weight, this.bias, { stride, padding: 0, dilation, groups });
  }
  protected override extraRepr(): string {
    const o = this.opts;
    const extra = ["stride", "padding", "dilation", "groups", "paddingMode"]
      .filter((k) => o[k as keyof ConvOptions] !== undefined)
      .map((k) => `${k}=${JSON.stringify(o[k as keyof ConvOptions])}`);
    return [`${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]`, ...extra].join(", ");
  }
}

/** x [N, Cin, L] or [Cin, L] → [N, Cout, L']; weight [Cout, Cin/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOr<1>, opts: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 1);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return this.conv(x);
  }
}

/** x [N, Cin, H, W] or [Cin, H, W] → [N, Cout, H', W']; weight [Cout, Cin/groups, kH, kW]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOr<2>, opts: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 2);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return this.conv(x);
  }
}

type MaxPoolOptions = Omit<NonNullable<Parameters<typeof nb.maxPool2d>[2]>, "returnIndices">;
type AvgPoolOptions = NonNullable<Parameters<typeof nb.avgPool2d>[2]>;

/** Max over kernelSize windows (stride defaults to kernelSize). */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: IntOr<2>,
    readonly opts: MaxPoolOptions = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.maxPool2d(x, this.kernelSize, this.opts);
  }
}

export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: IntOr<1>,
    readonly opts: MaxPoolOptions = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.maxPool1d(x, this.kernelSize, this.opts);
  }
}

/** Mean over kernelSize windows (stride defaults to kernelSize). */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: IntOr<2>,
    readonly opts: AvgPoolOptions = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.avgPool2d(x, this.kernelSize, this.opts);
  }
}

export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: IntOr<1>,
    readonly opts: Omit<AvgPoolOptions, "divisorOverride"> = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.avgPool1d(x, this.kernelSize, this.opts);
  }
}

/** Averages into a fixed output size [oH, oW] (null keeps the input's size in that dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.adaptiveAvgPool1d(x, this.outputSize);
  }
}
