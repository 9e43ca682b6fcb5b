// The backward engine: orders the graph topologically without recursion (deep graphs must not
// overflow the stack), then runs each node's rule once, after all contributions to its gradient
// have been summed.
import { fmtShape, NonFiniteError, NablaError } from "../util/errors.js";
import { isFloat } from "../util/dtype.js";
import { shapesEqual } from "../util/shape.js";
import { binary } from "../ops/array.js";
import { allocationsDuring, cast, type NdArray, release, unclaim } from "../ops/ndarray.js";
import type { Buf } from "../backend/interface.js";
import { isAnomalyEnabled } from "./grad-mode.js";
import { Node } from "./node.js";

export interface BackwardOptions {
  retainGraph?: boolean;
  /** autograd.grad: collect gradients at these nodes instead of writing leaves' .grad */
  capture?: Map<Node, NdArray | null>;
  /** The roots' gradients were made for this backward (not given by the user): free them too. */
  ownRoots?: boolean;
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

/**
 * Gradients in flight. Buffers that this backward allocated (rules' results and temporaries, sums)
 * are seen by nothing outside it unless handed to a hook, retainGrad or autograd.grad, so each is
 * freed as soon as no pending gradient refers to it: a training loop that never yields to the
 * event loop (so never lets finalizers run) still reuses the same memory every step.
 */
class Pending {
  private readonly grads = new Map<Node, NdArray>();
  /** Buffers this backward allocated and has not exposed, with the pending gradients on each. */
  private readonly owned = new Map<Buf, number>();

  get(n: Node): NdArray | undefined {
    return this.grads.get(n);
  }

  /** Adds g to n's gradient. */
  add(n: Node, g: NdArray): void {
    const prev = this.grads.get(n);
    if (!prev) {
      this.hold(g);
      this.grads.set(n, g);
      return;
    }
    const sum = this.run(() => binary("add", prev, g));
    this.hold(sum);
    this.grads.set(n, sum);
    this.drop(prev);
  }

  /** Takes n's gradient out; the caller then drops or exposes it. */
  take(n: Node): NdArray | undefined {
    const g = this.grads.get(n);
    this.grads.delete(n);
    return g;
  }

  /** Runs fn and owns the buffers it allocates; those fn's result does not keep are freed at `settle`. */
  run<T>(fn: () => T): T {
    const [r, made] = allocationsDuring(fn);
    for (const a of made) this.adopt(a);
    return r;
  }
  private fresh: NdArray[] = [];

  /** Owns a buffer made for this backward elsewhere (the seed gradient). */
  adopt(a: NdArray): void {
    if (this.owned.has(a.buf)) return;
    this.owned.set(a.buf, 0);
    this.fresh.push(a);
  }

  /** Frees what `run` allocated that no pending gradient refers to (a rule's temporaries). */
  settle(): void {
    for (const a of this.fresh) if (this.owned.get(a.buf) === 0) this.free(a);
    this.fresh = [];
  }

  /** g's buffer will be seen outside backward (a hook, retainGrad, autograd.grad): never free it. */
  expose(g: NdArray): void {
    this.owned.delete(g.buf);
  }

  /** Whether backward owns g's buffer and this one pending gradient is all that refers to it. */
  soleHolder(g: NdArray): boolean {
    return this.owned.get(g.buf) === 1;
  }

  /** One pending gradient less refers to g's buffer; freed when none is left and backward owns it. */
  drop(g: NdArray): void {
    const n = this.owned.get(g.buf);
    if (n === undefined) return;
    if (n > 1) this.owned.set(g.buf, n - 1);
    else this.free(g);
  }

  /** Frees every gradient still pending (those autograd.grad did not need). */
  dropAll(): void {
    for (const g of this.grads.values()) this.drop(g);
    this.grads.clear();
  }

  private hold(g: NdArray): void {
    const n = this.owned.get(g.buf);
    if (n !== undefined) this.owned.set(g.buf, n + 1);
  }

  private free(a: NdArray): void {
    this.owned.delete(a.buf);
    release(a);
  }
}

export function runBackward(roots: readonly [Node, NdArray][], opts: BackwardOptions = {}): void {
  const pending = new Pending();
  for (const [n, g] of roots) {
    if (opts.ownRoots) pending.adopt(g);
    pending.add(n, g);
  }
  pending.settle();
  const order = topoOrder(roots.map(([n]) => n));
  const needed = opts.capture ? leadingTo(order, opts.capture) : null;
  for (const node of order) {
    if (!pending.get(node) || (needed && !needed.has(node))) continue;
    let g = pending.take(node)!;
    for (const h of node.hooks) {
      pending.expose(g);
      g = h(g) ?? g;
    }
    if (node.retain) {
      pending.expose(g);
      node.retain(g);
    }
    if (opts.capture?.has(node)) {
      pending.expose(g);
      opts.capture.set(node, g);
      if (node.isLeaf) continue;
    }
    if (node.isLeaf) {
      // the sink copies or adds, or keeps g when nothing else can see it (then backward lets go of it)
      if (!opts.capture && node.sink?.(g, pending.soleHolder(g))) pending.expose(g);
      else pending.drop(g);
      continue;
    }
    const ctx = node.ctx!;
    if (ctx.freed)
      throw new NablaError(
        `backward: trying to go through the graph a second time (at ${node.name}); its saved values were freed after the first backward. Pass { retainGraph: true } to the first backward if you need to.`,
      );
    const op = node.op!;
    const gOut = g;
    if (op.userCode) pending.expose(gOut); // the user's backward sees it as a tensor
    const grads = op.userCode
      ? op.backward!(ctx, gOut, node.attrs)
      : pending.run(() => op.backward!(ctx, gOut, node.attrs));
    node.inputs.forEach((next, i) => {
      let gi = grads[i];
      if (!next || !gi) return;
      const meta = node.inputMeta?.[i];
      if (meta) {
        if (!shapesEqual(gi.shape, meta.shape))
          throw new NablaError(
            `${node.name} backward: returned a gradient of shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(meta.shape)} (a bug in the op's backward rule)`,
          );
        if (gi.dtype !== meta.dtype && isFloat(meta.dtype)) {
          const raw = gi;
          gi = pending.run(() => cast(raw, meta.dtype));
        }
      }
      checkFinite(`${node.name} backward`, gi);
      pending.add(next, gi);
    });
    pending.settle();
    pending.drop(gOut);
    if (!opts.retainGraph) {
      // the node lets go of its saved arrays: those forward made for backward alone (and those of
      // disposed tensors) are freed now, unless a gradient in flight shares their buffer
      const inFlight = new Set(grads.map((gi) => gi?.buf));
      for (const a of ctx.saved) if (!inFlight.has(a.buf)) unclaim(a);
      ctx.freed = true;
      ctx.saved = [];
      ctx.memo = {};
    }
  }
  pending.dropAll();
}
