// The backward engine: orders the graph topologically without recursion (deep graphs must not
// overflow the stack), then runs each node's rule once, after all contributions to its gradient
// have been summed.
import { fmtShape, NonFiniteError, NablaError } from "../util/errors.js";
import { isFloat } from "../util/dtype.js";
import { shapesEqual } from "../util/shape.js";
import { binary } from "../ops/array.js";
import { cast, type NdArray } from "../ops/ndarray.js";
import { isAnomalyEnabled } from "./grad-mode.js";
import { Node } from "./node.js";

export interface BackwardOptions {
  retainGraph?: boolean;
  /** autograd.grad: collect gradients at these nodes instead of writing leaves' .grad */
  capture?: Map<Node, NdArray | null>;
}

/** Nodes reachable from the roots, each listed after every node that feeds gradient into it. */
function topoOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (state.has(r)) continue;
    stack.push([r, 0]);
    state.set(r, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1] = i + 1;
        const next = node.inputs[i];
        if (next && !state.has(next)) {
          state.set(next, 1);
          stack.push([next, 0]);
        }
      } else {
        stack.pop();
        state.set(node, 2);
        order.push(node);
      }
    }
  }
  return order.reverse(); // roots first
}

/** grad() only: the nodes from which a captured node can be reached (the rest need not run). */
function leadingTo(order: readonly Node[], capture: ReadonlyMap<Node, unknown>): Set<Node> {
  const needed = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (capture.has(n) || n.inputs.some((m) => m !== null && needed.has(m))) needed.add(n);
  }
  return needed;
}

function checkFinite(where: string, g: NdArray): void {
  if (!isAnomalyEnabled()) return;
  const v = g.toTypedArray();
  for (let i = 0; i < v.length; i++)
    if (!Number.isFinite(v[i]!))
      throw new NonFiniteError(`${where}: gradient holds ${v[i]} (anomaly detection)`);
}

export function runBackward(roots: readonly [Node, NdArray][], opts: BackwardOptions = {}): void {
  const pending = new Map<Node, NdArray>();
  const add = (n: Node, g: NdArray) => {
    const prev = pending.get(n);
    pending.set(n, prev ? binary("add", prev, g) : g);
  };
  for (const [n, g] of roots) add(n, g);
  const order = topoOrder(roots.map(([n]) => n));
  const needed = opts.capture ? leadingTo(order, opts.capture) : null;
  for (const node of order) {
    let g = pending.get(node);
    if (!g || (needed && !needed.has(node))) continue;
    pending.delete(node);
    for (const h of node.hooks) g = h(g) ?? g;
    node.retain?.(g);
    if (opts.capture?.has(node)) {
      opts.capture.set(node, g);
      if (node.isLeaf) continue;
    }
    if (node.isLeaf) {
      if (!opts.capture) node.sink?.(g);
      continue;
    }
    const ctx = node.ctx!;
    if (ctx.freed)
      throw new NablaError(
        `backward: trying to go through the graph a second time (at ${node.name}); its saved values were freed after the first backward. Pass { retainGraph: true } to the first backward if you need to.`,
      );
    const grads = node.op!.backward!(ctx, g, node.attrs);
    if (!opts.retainGraph) {
      ctx.freed = true;
      ctx.saved = [];
      ctx.memo = {};
    }
    node.inputs.forEach((next, i) => {
      let gi = grads[i];
      if (!next || !gi) return;
      const meta = node.inputMeta?.[i];
      if (meta) {
        if (!shapesEqual(gi.shape, meta.shape))
          throw new NablaError(
            `${node.name} backward: returned a gradient of shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(meta.shape)} (a bug in the op's backward rule)`,
          );
        if (gi.dtype !== meta.dtype && isFloat(meta.dtype)) gi = cast(gi, meta.dtype);
      }
      checkFinite(`${node.name} backward`, gi);
      add(next, gi);
    });
  }
}
