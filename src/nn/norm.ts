// Normalisation layers: LayerNorm, RMSNorm and BatchNorm1d/2d (running statistics, train/eval),
// with PyTorch's parameter and buffer names (weight, bias, running_mean, running_var,
// num_batches_tracked) so its state dicts load directly.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { Module, Parameter } from "./module.js";

type Shape = number | readonly number[];
const asShape = (s: Shape): number[] => (typeof s === "number" ? [s] : [...s]);

/** Normalises over the trailing normalizedShape dims; weight 1 and bias 0 of that shape. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  constructor(
    normalizedShape: Shape,
    opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: nb.DType } = {},
  ) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    const dtype = opts.dtype ?? "float32";
    if (opts.elementwiseAffine ?? true) {
      this.weight = new Parameter(nb.ones(this.normalizedShape, { dtype }));
      if (opts.bias ?? true) this.bias = new Parameter(nb.zeros(this.normalizedShape, { dtype }));
    }
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  protected override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** x / √(mean(x²) + eps) · weight over the trailing dims; eps defaults to the dtype's epsilon, as PyTorch's nn.RMSNorm. */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  weight: Parameter | null = null;
  constructor(
    normalizedShape: Shape,
    opts: { eps?: number | null; elementwiseAffine?: boolean; dtype?: nb.DType } = {},
  ) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    this.eps = opts.eps ?? null;
    if (opts.elementwiseAffine ?? true)
      this.weight = new Parameter(nb.ones(this.normalizedShape, { dtype: opts.dtype ?? "float32" }));
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }
  protected override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.eps ?? "dtype epsilon"}, elementwiseAffine=${this.weight !== null}`;
  }
}

export interface BatchNormOptions {
  eps?: number;
  /** the running-average weight of each new batch; null averages all batches equally (cumulative) */
  momentum?: number | null;
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
  readonly eps: number;
  readonly momentum: number | null;
  protected abstract readonly ranks: readonly number[];

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const dtype = opts.dtype ?? "float32";
    if (opts.affine ?? true) {
      this.weight = new Parameter(nb.ones([numFeatures], { dtype }));
      this.bias = new Parameter(nb.zeros([numFeatures], { dtype }));
    }
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer("runningMean", track ? nb.zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("runningVar", track ? nb.ones([numFeatures], { dtype }) : null);
    // PyTorch stores it as int64; nabla's integers are int32
    this.registerBuffer("numBatchesTracked", track ? nb.zeros([], { dtype: "int32" }) : null);
  }

  /** Resets the running statistics to mean 0, variance 1 and no batches seen. */
  resetRunningStats(): void {
    nb.noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  forward(x: nb.Tensor): nb.Tensor {
    if (!this.ranks.includes(x.ndim))
      throw new nb.ShapeError(
        `${this.constructor.name}: expected a ${this.ranks.join("-D or ")}-D input [N, C${this.ranks[0] === 4 ? ", H, W" : ", (L)"}], got [${x.shape}]`,
      );
    if (x.shape[1] !== this.numFeatures)
      throw new nb.ShapeError(
        `${this.constructor.name}: input [${x.shape}] has ${x.shape[1]} channels in dim 1, expected numFeatures = ${this.numFeatures}`,
      );
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      nb.noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item(); // cumulative average
    }
    return F.batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training || !this.runningMean,
      momentum: factor,
      eps: this.eps,
    });
  }
  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}

/** Over [N, C] or [N, C, L]: statistics per channel C. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}
/** Over [N, C, H, W]: statistics per channel C. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}
