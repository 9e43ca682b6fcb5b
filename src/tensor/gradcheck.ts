// gradcheck: compares the gradients autograd computes (vector–Jacobian products, one backward per
// output element) with central finite differences, as torch.autograd.gradcheck does.
import { isFloat } from "../util/dtype.js";
import { fail, NablaError } from "../util/errors.js";
import { grad } from "./autograd.js";
import { fromArray } from "./creation.js";
import { Tensor } from "./tensor.js";

export interface GradcheckOptions {
  /** finite-difference step */
  eps?: number;
  /** absolute tolerance: |analytical − numerical| ≤ atol + rtol·|numerical| */
  atol?: number;
  rtol?: number;
  /** throw on a mismatch (default) or return the report with ok = false */
  raiseException?: boolean;
}

/** The first Jacobian entry that failed the comparison. */
export interface GradcheckFailure {
  input: number;
  output: number;
  /** the input element (multi-index) that was perturbed */
  inputElement: number[];
  /** the output element (multi-index) whose derivative differs */
  outputElement: number[];
  analytical: number;
  numerical: number;
  message: string;
}

export interface GradcheckReport {
  ok: boolean;
  /** per input: the largest |analytical − numerical| over its Jacobian entries (0 for inputs not checked) */
  maxError: number[];
  failure?: GradcheckFailure;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

const asList = (r: Tensor | Tensor[]): Tensor[] => (Array.isArray(r) ? r : [r]);

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/**
 * Float outputs as flat value arrays (non-float outputs are not differentiable and are skipped).
 * fn runs with grad mode on, as the user wrote it (it may register hooks or call backward).
 */
function floatOutputs(fn: Fn, inputs: readonly Tensor[]): Float64Array[] {
  return asList(fn(...inputs)).map((o) =>
    isFloat(o.dtype) ? Float64Array.from(o.dataSync()) : new Float64Array(0),
  );
}

/**
 * Checks fn's gradients w.r.t. every input that requires grad (those must be float64). fn may
 * return one tensor or several; every floating-point output is checked. Returns a report, or
 * throws on the first mismatch (naming the input, the elements and both values).
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = opts;
  if (!Array.isArray(inputs)) fail("gradcheck", "inputs must be an array of tensors");
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail("gradcheck", `input ${i} is not a Tensor`);
    if (x.requiresGrad && x.dtype !== "float64")
      fail("gradcheck", `input ${i} is ${x.dtype}; finite differences need float64 inputs (use .double())`);
  });
  const checked = inputs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  if (checked.length === 0) fail("gradcheck", "no input requires grad; nothing to check");

  // analytical Jacobians, row by row: one vector–Jacobian product per output element
  const outs = asList(fn(...inputs));
  const floatOuts = outs.map((o) => isFloat(o.dtype));
  if (!floatOuts.some(Boolean)) fail("gradcheck", "fn returned no floating-point output");
  // analytical[o][i][row * n_i + k] = d out_o[row] / d input_i[k]
  const analytical = outs.map((o, oi) =>
    checked.map((i) => new Float64Array(floatOuts[oi] ? o.numel() * inputs[i]!.numel() : 0)),
  );
  outs.forEach((o, oi) => {
    if (!floatOuts[oi] || !o.requiresGrad) return;
    const n = o.numel();
    for (let row = 0; row < n; row++) {
      const onehot = new Float64Array(n);
      onehot[row] = 1;
      const v = fromArray(onehot, o.shape, { dtype: o.dtype });
      const gs = grad(
        o,
        checked.map((i) => inputs[i]!),
        { gradOutputs: [v], retainGraph: true, allowUnused: true },
      );
      gs.forEach((g, c) => {
        if (!g) return;
        const k = inputs[checked[c]!]!.numel();
        analytical[oi]![c]!.set(g.dataSync(), row * k);
      });
    }
  });

  // numerical Jacobians: perturb each element of a fresh copy, never the user's tensors
  const maxError = inputs.map(() => 0);
  let failure: GradcheckFailure | undefined;
  checked.forEach((i, c) => {
    const x = inputs[i]!;
    const base = Float64Array.from(x.dataSync());
    const at = (k: number, delta: number): Tensor[] => {
      const v = base.slice();
      v[k]! += delta;
      return inputs.map((t, j) =>
        j === i ? fromArray(v, x.shape, { dtype: "float64", requiresGrad: true }) : t,
      );
    };
    for (let k = 0; k < base.length; k++) {
      const plus = floatOutputs(fn, at(k, eps));
      const minus = floatOutputs(fn, at(k, -eps));
      outs.forEach((o, oi) => {
        if (!floatOuts[oi]) return;
        const n = o.numel();
        for (let row = 0; row < n; row++) {
          const num = (plus[oi]![row]! - minus[oi]![row]!) / (2 * eps);
          const ana = analytical[oi]![c]![row * base.length + k]!;
          const err = Math.abs(ana - num);
          const bad = !(err <= atol + rtol * Math.abs(num)) && !(Number.isNaN(ana) && Number.isNaN(num));
          if (err > maxError[i]! || Number.isNaN(err)) maxError[i] = Number.isNaN(err) ? NaN : err;
          if (bad && !failure) {
            const inputElement = unravel(k, x.shape);
            const outputElement = unravel(row, o.shape);
            failure = {
              input: i,
              output: oi,
              inputElement,
              outputElement,
              analytical: ana,
              numerical: num,
              message:
                `gradcheck: Jacobian mismatch for output ${oi} with respect to input ${i}, ` +
                `input element [${inputElement.join(",")}], output element [${outputElement.join(",")}]: ` +
                `analytical ${ana} vs numerical ${num} (|diff| ${err.toExponential(3)} > atol ${atol} + rtol ${rtol}·|numerical|)`,
            };
          }
        }
      });
    }
  });
  if (failure && raiseException) throw new NablaError(failure.message);
  return failure ? { ok: false, maxError, failure } : { ok: true, maxError };
}
