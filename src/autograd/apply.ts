// Applying a primitive: run its forward and, when grad mode is on and an input requires grad,
// record a graph node pointing at the inputs' nodes.
import { NonFiniteError } from "../util/errors.js";
import { OpContext, type OpDef } from "../ops/define.js";
import { allocationsDuring, claim, type NdArray, release } from "../ops/ndarray.js";
import { isAnomalyEnabled, isGradEnabled } from "./grad-mode.js";
import { Node } from "./node.js";

export interface AutogradInput {
  readonly array: NdArray;
  /** the node this input's gradient flows to, or null when it does not require grad */
  gradNode(): Node | null;
}

export function applyOp<A>(
  op: OpDef<A>,
  inputs: readonly AutogradInput[],
  attrs: A,
): { array: NdArray; node: Node | null } {
  const edges = isGradEnabled() && op.backward ? inputs.map((t) => t.gradNode()) : inputs.map(() => null);
  const needs = edges.map((e) => e !== null);
  const ctx = new OpContext(needs);
  const [array, made] = allocationsDuring(() =>
    op.forward(
      ctx,
      inputs.map((t) => t.array),
      attrs,
    ),
  );
  // what forward allocated beyond its output is its own: freed now unless saved for a backward
  // (the graph node's claim on saved arrays then frees them after backward, see engine.ts)
  const recorded = needs.some(Boolean);
  for (const a of made)
    if (a.buf !== array.buf && !(recorded && ctx.saved.some((s) => s.buf === a.buf))) release(a);
  if (recorded) for (const s of ctx.saved) claim(s);
  if (isAnomalyEnabled() && (array.dtype === "float32" || array.dtype === "float64")) {
    const v = array.toTypedArray();
    for (let i = 0; i < v.length; i++)
      if (!Number.isFinite(v[i]!))
        throw new NonFiniteError(`${op.name}: output holds ${v[i]} (anomaly detection)`);
  }
  if (!needs.some(Boolean)) return { array, node: null };
  const node = new Node(op as OpDef<unknown>, ctx, attrs, edges);
  node.inputMeta = inputs.map((t) => ({ shape: t.array.shape, dtype: t.array.dtype }));
  return { array, node };
}
