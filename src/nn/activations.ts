// Activation modules (nn.ReLU, nn.GELU, nn.Softmax, …): each holds its options and calls the tensor
// function; PReLU is the one with a learnable parameter.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { Module, Parameter } from "./module.js";

/** An activation module without options, wrapping a function of one tensor. */
function activation(name: string, f: (x: nb.Tensor) => nb.Tensor) {
  const cls = class extends Module {
    forward(x: nb.Tensor): nb.Tensor {
      return f(x);
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

export const ReLU = activation("ReLU", (x) => nb.relu(x));
export const ReLU6 = activation("ReLU6", (x) => nb.relu6(x));
export const SELU = activation("SELU", (x) => nb.selu(x));
export const SiLU = activation("SiLU", (x) => nb.silu(x));
export const Mish = activation("Mish", (x) => nb.mish(x));
export const Sigmoid = activation("Sigmoid", (x) => nb.sigmoid(x));
export const Tanh = activation("Tanh", (x) => nb.tanh(x));
export const Softsign = activation("Softsign", (x) => nb.softsign(x));
export const Tanhshrink = activation("Tanhshrink", (x) => nb.tanhshrink(x));
export const Hardsigmoid = activation("Hardsigmoid", (x) => nb.hardsigmoid(x));
export const Hardswish = activation("Hardswish", (x) => nb.hardswish(x));
export const LogSigmoid = activation("LogSigmoid", (x) => nb.logSigmoid(x));

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.gelu(x, { approximate: this.approximate });
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.leakyRelu(x, this.negativeSlope);
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.elu(x, this.alpha);
  }
}

export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.celu(x, this.alpha);
  }
}

export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
}

export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.hardtanh(x, this.minVal, this.maxVal);
  }
}

export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softshrink(x, this.lambd);
  }
}

export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.hardshrink(x, this.lambd);
  }
}

/** x > threshold → x, otherwise value. */
export class Threshold extends Module {
  constructor(
    readonly threshold: number,
    readonly value: number,
  ) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.threshold(x, this.threshold, this.value);
  }
}

/** a·σ(b) where a and b are the two halves of dim. */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.glu(x, this.dim);
  }
}

/** Softmax along dim (nabla's default is the last dim; PyTorch's implicit choice is deprecated). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softmax(x, this.dim);
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.logSoftmax(x, this.dim);
  }
}

/** softmax(−x) along dim. */
export class Softmin extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softmax(x.neg(), this.dim);
  }
}

/** x for x > 0, a·x otherwise, with a learnable slope a (one, or one per channel of dim 1); a starts at init. */
export class PReLU extends Module {
  weight: Parameter;
  constructor(
    readonly numParameters = 1,
    opts: { init?: number; dtype?: nb.DType } = {},
  ) {
    super();
    this.weight = new Parameter(
      nb.full([numParameters], opts.init ?? 0.25, { dtype: opts.dtype ?? "float32" }),
    );
  }
  forward(x: nb.Tensor): nb.Tensor {
    return F.prelu(x, this.weight);
  }
}
