// Convolution and pooling layers over nb.conv1d/conv2d and the pooling functions, initialised as
// PyTorch does (kaiming-uniform with a = √5; bias U(±1/√fan_in)).
import * as nb from "../index.js";
import { fans, kaimingUniform_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

type IntOr<N extends number> = number | (N extends 1 ? [number] : [number, number]);

export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | "same" | "valid";
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  dtype?: nb.DType;
  generator?: nb.Generator;
}

const tuple = (v: number | readonly number[], n: number): number[] =>
  typeof v === "number" ? new Array<number>(n).fill(v) : [...v];

abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null = null;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    readonly opts: ConvOptions,
    nd: number,
  ) {
    super();
    const groups = opts.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0)
      throw new nb.NablaError(
        `Conv${nd}d: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${groups}`,
      );
    const k = tuple(kernelSize, nd);
    const dtype = opts.dtype ?? "float32";
    this.weight = new Parameter(nb.zeros([outChannels, inChannels / groups, ...k], { dtype }));
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    if (opts.bias ?? true) {
      this.bias = new Parameter(nb.zeros([outChannels], { dtype }));
      const bound = 1 / Math.sqrt(fans(this.weight).fanIn);
      uniform_(this.bias, -bound, bound, { generator: opts.generator });
    }
  }
  protected convOpts() {
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = this.opts;
    return { stride, padding, dilation, groups };
  }
  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.weight.shape.slice(2)}]`;
  }
}

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOr<1>, opts: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 1);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.conv1d(x, this.weight, this.bias, this.convOpts() as Parameters<typeof nb.conv1d>[3]);
  }
}

export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOr<2>, opts: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 2);
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.conv2d(x, this.weight, this.bias, this.convOpts() as Parameters<typeof nb.conv2d>[3]);
  }
}

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: IntOr<2>,
    readonly opts: Parameters<typeof nb.maxPool2d>[2] = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.maxPool2d(x, this.kernelSize, this.opts) as nb.Tensor;
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: IntOr<2>,
    readonly opts: Parameters<typeof nb.avgPool2d>[2] = {},
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.avgPool2d(x, this.kernelSize, this.opts);
  }
}
