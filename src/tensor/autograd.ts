// The autograd API on tensors: grad() (gradients without touching .grad), noGrad and friends.
// Custom ops (defineFunction) and gradcheck live in function.ts and gradcheck.ts.
import { runBackward } from "../autograd/engine.js";
import type { Node } from "../autograd/node.js";
import { cast, full, type NdArray } from "../ops/ndarray.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { shapesEqual } from "../util/shape.js";
import { Tensor } from "./tensor.js";

export {
  enableGrad,
  isGradEnabled,
  noGrad,
  setDetectAnomaly,
  setGradEnabled,
} from "../autograd/grad-mode.js";

export interface GradOptions {
  /** the vectors of the vector–Jacobian products, one per output (default: ones for scalars) */
  gradOutputs?: (Tensor | null)[];
  retainGraph?: boolean;
  /** return null for inputs the outputs do not depend on, instead of throwing */
  allowUnused?: boolean;
}

/** Gradients of the outputs w.r.t. the inputs, as torch.autograd.grad; no .grad is changed. */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  if (opts.gradOutputs && opts.gradOutputs.length !== outs.length)
    fail("grad", `got ${opts.gradOutputs.length} gradOutputs for ${outs.length} outputs`);
  const roots: [Node, NdArray][] = outs.map((o, i) => {
    const node = o.gradNode();
    if (!node) fail("grad", `output ${i} does not require grad`);
    const go = opts.gradOutputs?.[i];
    if (go) {
      if (!shapesEqual(go.shape, o.shape))
        shapeError(
          "grad",
          `gradOutputs[${i}] has shape ${fmtShape(go.shape)}, output has ${fmtShape(o.shape)}`,
        );
      return [node, go.dtype === o.dtype ? go.array : cast(go.array, o.dtype)];
    }
    if (o.numel() !== 1)
      shapeError(
        "grad",
        `output ${i} has shape ${fmtShape(o.shape)}; give gradOutputs for non-scalar outputs`,
      );
    return [node, full(o.shape, 1, o.dtype, o.array.backend)];
  });
  const capture = new Map<Node, NdArray | null>();
  const nodes = ins.map((t, i) => {
    const n = t.gradNode();
    if (!n) fail("grad", `input ${i} does not require grad`);
    capture.set(n, null);
    return n;
  });
  runBackward(roots, { retainGraph: opts.retainGraph ?? false, capture });
  return nodes.map((n, i) => {
    const g = capture.get(n);
    if (g) return new Tensor(g);
    if (opts.allowUnused) return null;
    return fail(
      "grad",
      `input ${i} was not used to compute the outputs (pass { allowUnused: true } to get null)`,
    );
  });
}
