// Activation modules (nn.ReLU, nn.GELU, nn.Softmax, …): each holds its options and calls the tensor
// function; PReLU is the one with a learnable parameter.
import * as nb from "../index.js";
import * as F from "./functional.js";
import { Module, Parameter } from "./module.js";

// the activations without options
export class ReLU extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.relu(x);
  }
}
export class ReLU6 extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.relu6(x);
  }
}
export class SELU extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.selu(x);
  }
}
export class SiLU extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.silu(x);
  }
}
export class Mish extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.mish(x);
  }
}
export class Sigmoid extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.sigmoid(x);
  }
}
export class Tanh extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.tanh(x);
  }
}
export class Softsign extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.softsign(x);
  }
}
export class Tanhshrink extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.tanhshrink(x);
  }
}
export class Hardsigmoid extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.hardsigmoid(x);
  }
}
export class Hardswish extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.hardswish(x);
  }
}
export class LogSigmoid extends Module {
  forward(x: nb.Tensor): nb.Tensor {
    return nb.logSigmoid(x);
  }
}

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
