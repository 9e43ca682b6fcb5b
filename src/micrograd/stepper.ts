// Backpropagation one node at a time, for teaching: the same order and the same backward rules as
// Value.backward(), but each step runs one node's rule and reports what it did — the upstream
// gradient, each input's local derivative, and the chain-rule product added into the input's grad.
// Running every step leaves exactly the grads that backward() leaves on a freshly built graph.

import { Value, topologicalOrder } from "./engine.js";
import { describe } from "./describe.js";

/** What one input of the stepped node received. */
export interface StepContribution {
  /** The input (an input used twice, as in x*x, is listed once with its total). */
  input: Value;
  /** Its position in the graph's topological order (drawGraph names it `v${index}`). */
  index: number;
  /** ∂node/∂input at the current values: the rule's output for an upstream gradient of 1. */
  local: number;
  /** What the rule added to the input's grad: local × upstream. */
  added: number;
  /** The input's grad before and after the step (grads accumulate over several steps). */
  gradBefore: number;
  gradAfter: number;
}

/** One step of the backward pass. */
export interface BackwardStep {
  /** The node whose backward rule ran. */
  node: Value;
  /** Its position in topological order. */
  index: number;
  /** The node's grad when its rule ran (∂root/∂node, complete by then). */
  upstream: number;
  contributions: StepContribution[];
}

export interface StepperOptions {
  /** Zero every grad in the graph first, as for a freshly built graph (default true). */
  zeroGrad?: boolean;
}

/**
 * Steps backpropagation from `root` through its graph. The constructor orders the graph, zeroes
 * the grads (unless told not to) and seeds root.grad = 1, as backward() does; each `step()` then
 * runs the rule of the next node from the root towards the leaves. Leaves have no rule and are
 * not steps.
 */
export class BackwardStepper {
  /** Every value the root depends on, inputs first, root last (topologicalOrder). */
  readonly order: readonly Value[];
  /** The nodes with a rule, in the order their rules run (root first). */
  readonly schedule: readonly Value[];
  private readonly indexOf: Map<Value, number>;
  private next = 0;

  constructor(
    readonly root: Value,
    options: StepperOptions = {},
  ) {
    if (!(root instanceof Value))
      throw new TypeError(`BackwardStepper: expected a Value, got ${describe(root)}`);
    this.order = topologicalOrder(root);
    this.indexOf = new Map(this.order.map((v, i) => [v, i]));
    this.schedule = this.order.filter((v) => v.inputs.length > 0).reverse();
    if (options.zeroGrad ?? true) for (const v of this.order) v.grad = 0;
    root.grad = 1;
  }

  /** How many steps have run. */
  get position(): number {
    return this.next;
  }

  /** True once every rule has run. */
  get done(): boolean {
    return this.next >= this.schedule.length;
  }

  /** The node whose rule runs next, or null when done. */
  peek(): Value | null {
    return this.schedule[this.next] ?? null;
  }

  /** The topological index of a value of this graph (drawGraph's `v${index}`), or -1. */
  indexOfValue(v: Value): number {
    return this.indexOf.get(v) ?? -1;
  }

  /** Runs the next node's backward rule and reports it; null when every rule has run. */
  step(): BackwardStep | null {
    const node = this.schedule[this.next];
    if (!node) return null;
    this.next++;
    const inputs = [...new Set(node.inputs)];
    const upstream = node.grad;
    const local = localDerivatives(node, inputs);
    const before = inputs.map((u) => u.grad);
    node.runBackwardRule();
    return {
      node,
      index: this.indexOfValue(node),
      upstream,
      contributions: inputs.map((input, k) => ({
        input,
        index: this.indexOfValue(input),
        local: local[k]!,
        added: input.grad - before[k]!,
        gradBefore: before[k]!,
        gradAfter: input.grad,
      })),
    };
  }

  /** Runs every remaining step. */
  finish(): BackwardStep[] {
    const steps: BackwardStep[] = [];
    for (let s = this.step(); s; s = this.step()) steps.push(s);
    return steps;
  }
}

/**
 * ∂node/∂input for each distinct input: the node's own rule run with an upstream gradient of 1 on
 * zeroed input grads (every rule is linear in the upstream gradient), then everything restored.
 */
function localDerivatives(node: Value, inputs: readonly Value[]): number[] {
  const saved = inputs.map((u) => u.grad);
  const savedOut = node.grad;
  try {
    for (const u of inputs) u.grad = 0;
    node.grad = 1;
    node.runBackwardRule();
    return inputs.map((u) => u.grad);
  } finally {
    inputs.forEach((u, k) => (u.grad = saved[k]!));
    node.grad = savedOut;
  }
}
