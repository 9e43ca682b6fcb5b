// Fused primitives: softmax / logSoftmax over the last dim and layer norm over trailing dims, each
// one backend kernel forward and one backward (the composites they replace take five to fifteen),
// and Adam's update in place. Callers use them only where `fusable` says the backend runs them.
import type { AdamStep, Backend, CausalRows, KernelName } from "../../backend/interface.js";
import type { DType } from "../../util/dtype.js";
import { defineOp, type OpDef } from "../define.js";
import { reshape } from "../array.js";
import { contiguous, empty, type NdArray } from "../ndarray.js";

/** Whether `be` runs the fused kernel `k` for `dtype` (otherwise callers compose it from single ops). */
export function fusable(be: Backend, k: KernelName, dtype: DType): boolean {
  return (dtype === "float32" || dtype === "float64") && be.supports(k, dtype);
}

/** The output of a kernel: fresh, contiguous, every element written. */
const fresh = (like: NdArray, shape = like.shape) => empty(shape, like.dtype, like.backend, true);

/** softmax's attributes: a causal mask applied inside the kernel (softmax only), or none. */
export interface SoftmaxAttrs {
  readonly causal?: CausalRows;
}

function makeSoftmax(log: boolean): OpDef<SoftmaxAttrs | undefined> {
  return defineOp<SoftmaxAttrs | undefined>({
    name: log ? "logSoftmax" : "softmax",
    forward: (ctx, [x], attrs) => {
      const out = fresh(x!);
      x!.backend.softmax(contiguous(x!), out, log, attrs?.causal ?? null);
      ctx.save(out);
      return out;
    },
    backward: (ctx, g) => {
      const [y] = ctx.saved as [NdArray];
      const dx = fresh(y);
      y.backend.softmaxBackward(y, contiguous(g), dx, log);
      return [dx];
    },
  });
}

/**
 * softmax along the last dim (the row): one kernel each way. Masked entries of a causal softmax
 * come out 0, so the backward's y·(dy − Σ dy·y) gives them no gradient either.
 */
export const softmaxLast = makeSoftmax(false);
/** logSoftmax along the last dim. */
export const logSoftmaxLast = makeSoftmax(true);

export interface LayerNormAttrs {
  /** how many trailing dims are normalized together */
  readonly dims: number;
  readonly eps: number;
  /** whether inputs 1 and 2 are the weight and the bias (either may be absent) */
  readonly weight: boolean;
  readonly bias: boolean;
}

/** x viewed as [rows, n] with n the product of its last `dims` dims. */
function rows(x: NdArray, dims: number): [number, number] {
  const n = x.shape.slice(x.ndim - dims).reduce((a, b) => a * b, 1);
  return [n === 0 ? 0 : x.size / n, n];
}

/**
 * Layer norm over x's last `dims` dims, with an optional elementwise weight and bias of those
 * dims' shape: inputs [x, weight?, bias?] in that order. Saves x, the row means and 1/std.
 */
export const layerNorm = defineOp<LayerNormAttrs>({
  name: "layerNorm",
  forward: (ctx, inputs, { dims, eps, weight, bias }) => {
    const x = contiguous(inputs[0]!);
    const [r, n] = rows(x, dims);
    const w = weight ? reshape(contiguous(inputs[1]!), [n]) : null;
    const b = bias ? reshape(contiguous(inputs[weight ? 2 : 1]!), [n]) : null;
    const out = fresh(x);
    const mean = fresh(x, [r]);
    const rstd = fresh(x, [r]);
    x.backend.layerNorm(reshape(x, [r, n]), w, b, eps, reshape(out, [r, n]), mean, rstd);
    ctx.save(x, mean, rstd, ...(w ? [w] : []));
    return out;
  },
  backward: (ctx, g, { dims, weight, bias }) => {
    const [x, mean, rstd, w] = ctx.saved as [NdArray, NdArray, NdArray, NdArray | undefined];
    const [r, n] = rows(x, dims);
    const needW = weight && ctx.needsGrad[1]!;
    const needB = bias && ctx.needsGrad[weight ? 2 : 1]!;
    const tail = x.shape.slice(x.ndim - dims);
    const dx = ctx.needsGrad[0] ? fresh(x) : null;
    const dw = needW ? fresh(x, tail) : null;
    const db = needB ? fresh(x, tail) : null;
    // dx is needed for the kernel to run; a scratch one when x needs no gradient
    const out = dx ?? fresh(x);
    x.backend.layerNormBackward(
      reshape(x, [r, n]),
      mean,
      rstd,
      w ?? null,
      reshape(contiguous(g), [r, n]),
      reshape(out, [r, n]),
      dw && reshape(dw, [n]),
      db && reshape(db, [n]),
    );
    const grads: (NdArray | null)[] = [dx];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads;
  },
});

/**
 * One Adam/AdamW step in place on contiguous arrays of one float dtype (see Backend.adam); vMax
 * is AMSGrad's running maximum, or null.
 */
export function adamStep(
  step: AdamStep,
  p: NdArray,
  grad: NdArray,
  m: NdArray,
  v: NdArray,
  vMax: NdArray | null,
): void {
  p.backend.adam(step, p, grad, m, v, vMax);
}
