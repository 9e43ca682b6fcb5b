// Gradient checking: compares the backward pass with central finite differences,
// df/dx ≈ (f(x + eps) − f(x − eps)) / 2eps, whose error is O(eps²) in float64.

import { describe } from "./describe.js";
import { Value } from "./engine.js";

export interface GradcheckOptions {
  /** The finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). An input passes when |analytic − numeric| ≤ atol + rtol·|numeric|. */
  rtol?: number;
}

export interface GradcheckInput {
  /** The input's label, or its position as "input i". */
  label: string;
  /** The gradient from backward(). */
  analytic: number;
  /** The central finite-difference estimate. */
  numeric: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0, NaN when either is not finite. */
  relError: number;
  ok: boolean;
}

export interface GradcheckResult {
  /** True when every input passes. */
  ok: boolean;
  /** The function's value at the given inputs. */
  output: number;
  /** One report per input, in order. */
  inputs: GradcheckInput[];
  /** The largest relError over the inputs (NaN if any is NaN). */
  worst: number;
}

/**
 * Checks the gradients of `fn` at `inputs`. `fn` receives fresh leaf Values (one per input, in
 * order) and must return the scalar Value to differentiate; it is called once for backward and
 * twice per input for the finite differences, so it must build a new graph on each call.
 */
export function gradcheck(
  fn: (xs: Value[]) => Value,
  inputs: readonly (number | Value)[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  if (typeof fn !== "function") throw new TypeError(`gradcheck: fn must be a function, got ${describe(fn)}`);
  if (!(eps > 0)) throw new RangeError(`gradcheck: eps must be a positive number, got ${describe(eps)}`);
  const points = inputs.map((x, i) => {
    if (x instanceof Value) return { data: x.data, label: x.label || `input ${i}` };
    if (typeof x === "number") return { data: x, label: `input ${i}` };
    throw new TypeError(`gradcheck: input ${i} must be a number or a Value, got ${describe(x)}`);
  });

  const call = (data: number[]): { leaves: Value[]; out: Value } => {
    const leaves = data.map((d, i) => new Value(d, { label: points[i]!.label }));
    const out = fn(leaves);
    if (!(out instanceof Value))
      throw new TypeError(`gradcheck: fn must return a Value, got ${describe(out)}`);
    return { leaves, out };
  };

  const at = points.map((p) => p.data);
  const { leaves, out } = call(at);
  out.backward();

  const reports = points.map((p, i): GradcheckInput => {
    const shifted = (delta: number): number => call(at.map((d, j) => (j === i ? d + delta : d))).out.data;
    const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
    const analytic = leaves[i]!.grad;
    const diff = Math.abs(analytic - numeric);
    const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    const finite = Number.isFinite(analytic) && Number.isFinite(numeric);
    const relError = !finite ? NaN : scale === 0 ? 0 : diff / scale;
    return {
      label: p.label,
      analytic,
      numeric,
      relError,
      ok: finite && diff <= atol + rtol * Math.abs(numeric),
    };
  });

  const worst = reports.reduce((w, r) => (Number.isNaN(r.relError) || r.relError > w ? r.relError : w), 0);
  return { ok: reports.every((r) => r.ok), output: out.data, inputs: reports, worst };
}
