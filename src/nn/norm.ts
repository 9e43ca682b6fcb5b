// Normalisation layers: LayerNorm, RMSNorm and BatchNorm1d/2d (running statistics, train/eval).
import * as nb from "../index.js";
import * as F from "./functional.js";
import { Module, Parameter } from "./module.js";

type Shape = number | readonly number[];
const asShape = (s: Shape): number[] => (typeof s === "number" ? [s] : [...s]);

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  constructor(
    normalizedShape: Shape,
    readonly opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: nb.DType } = {},
  ) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    const dtype = opts.dtype ?? "float32";
    if (opts.elementwiseAffine ?? true) {
      this.weight = new Parameter(nb.ones(this.normalizedShape, { dtype }));
      if (opts.bias ?? true) this.bias = new Parameter(nb.zeros(this.normalizedShape, { dtype }));
    }
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.opts.eps ?? 1e-5);
  }
  protected override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.opts.eps ?? 1e-5}`;
  }
}

export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null = null;
  constructor(
    normalizedShape: Shape,
    readonly opts: { eps?: number; elementwiseAffine?: boolean; dtype?: nb.DType } = {},
  ) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    if (opts.elementwiseAffine ?? true)
      this.weight = new Parameter(nb.ones(this.normalizedShape, { dtype: opts.dtype ?? "float32" }));
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.rmsNorm(x, this.normalizedShape, this.weight, this.opts.eps ?? 1e-6);
  }
}

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: nb.DType;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  declare runningMean: nb.Tensor | null;
  declare runningVar: nb.Tensor | null;
  declare numBatchesTracked: nb.Tensor | null;
  protected abstract readonly ranks: readonly number[];

  constructor(
    readonly numFeatures: number,
    readonly opts: BatchNormOptions = {},
  ) {
    super();
    const dtype = opts.dtype ?? "float32";
    if (opts.affine ?? true) {
      this.weight = new Parameter(nb.ones([numFeatures], { dtype }));
      this.bias = new Parameter(nb.zeros([numFeatures], { dtype }));
    }
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer("runningMean", track ? nb.zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("runningVar", track ? nb.ones([numFeatures], { dtype }) : null);
    this.registerBuffer("numBatchesTracked", track ? nb.zeros([], { dtype: "int32" }) : null);
  }

  forward(x: nb.Tensor): nb.Tensor {
    if (!this.ranks.includes(x.ndim))
      throw new nb.ShapeError(
        `${this.constructor.name}: expected a ${this.ranks.join("-D or ")}-D input, got [${x.shape}]`,
      );
    if (x.shape[1] !== this.numFeatures)
      throw new nb.ShapeError(
        `${this.constructor.name}: input [${x.shape}] has ${x.shape[1]} channels, expected ${this.numFeatures}`,
      );
    const useBatch = this.training || !this.runningMean;
    if (this.training && this.numBatchesTracked) nb.noGrad(() => this.numBatchesTracked!.add_(1));
    return F.batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: useBatch,
      momentum: this.opts.momentum ?? 0.1,
      eps: this.opts.eps ?? 1e-5,
    });
  }
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}
/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}
