// The scalar autograd engine: a Value holds one number, remembers the op and inputs that made it,
// and knows how to push its gradient back to them. Faithful to micrograd's engine.py: each
// primitive computes its output and defines its backward right there, accumulating (+=) into its
// inputs; sub, div and neg are built from primitives. backward() sorts the graph without recursion.

import { describe } from "./describe.js";

export interface ValueOptions {
  /** A name shown in graph drawings and error messages. */
  label?: string;
}

export interface BackwardOptions {
  /**
   * Check that every value in the graph is finite before backpropagating, and that every gradient
   * a backward rule produces is finite; the error names the op at fault.
   */
  checkFinite?: boolean;
}

const noBackward = (): void => {};
const noInputs: readonly Value[] = Object.freeze([]);

export class Value {
  /**
   * When true, every op checks its arguments and its result and throws as soon as a NaN or an
   * infinity appears, naming the op: the place a NaN is born, not where it is noticed.
   */
  static checkFinite = false;

  data: number;
  grad = 0;
  label: string;
  /** The op that produced this value ("+", "*", "**2", "tanh", …); "" for a leaf. */
  readonly op: string;
  /** The values this one was computed from (micrograd's _prev); empty for a leaf. */
  readonly inputs: readonly Value[];
  /** Adds this value's grad, times the local derivative, into the inputs' grads. */
  private backwardRule: () => void = noBackward;
  /** The last traversal that reached this value (see topologicalOrder); cheaper than a Set. */
  private visitedIn = 0;

  constructor(data: number, options: ValueOptions = {}) {
    if (typeof data !== "number") throw new TypeError(`Value: data must be a number, got ${describe(data)}`);
    if (Value.checkFinite && !Number.isFinite(data)) {
      throw new RangeError(`Value: data must be finite, got ${data}`);
    }
    this.data = data;
    this.label = options.label ?? "";
    this.op = "";
    this.inputs = noInputs;
  }

  /** The output of an op: its data, the op's name and the inputs it depends on. */
  private static result(data: number, op: string, inputs: Value[]): Value {
    const out = new Value(0);
    out.data = data;
    (out as { op: string }).op = op;
    (out as { inputs: readonly Value[] }).inputs = inputs;
    if (Value.checkFinite && !Number.isFinite(data)) {
      const args = inputs.map((v) => v.data).join(", ");
      throw new RangeError(`Value.${opName(op)}: result is ${data} for input ${args}`);
    }
    return out;
  }

  // ---- primitives: forward and backward together ----

  add(other: Value | number): Value {
    const o = asValue("add", other);
    const out = Value.result(this.data + o.data, "+", [this, o]);
    out.backwardRule = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  mul(other: Value | number): Value {
    const o = asValue("mul", other);
    const out = Value.result(this.data * o.data, "*", [this, o]);
    out.backwardRule = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  /** this ** exponent, for a constant number exponent (micrograd supports int and float only). */
  pow(exponent: number): Value {
    if (typeof exponent !== "number") {
      throw new TypeError(`Value.pow: exponent must be a number, got ${describe(exponent)}`);
    }
    if (Value.checkFinite && !Number.isFinite(exponent)) {
      throw new RangeError(`Value.pow: exponent must be finite, got ${exponent}`);
    }
    const out = Value.result(this.data ** exponent, `**${exponent}`, [this]);
    out.backwardRule = () => {
      this.grad += exponent * this.data ** (exponent - 1) * out.grad;
    };
    return out;
  }

  exp(): Value {
    const out = Value.result(Math.exp(this.data), "exp", [this]);
    out.backwardRule = () => {
      this.grad += out.data * out.grad; // d/dx e^x = e^x
    };
    return out;
  }

  log(): Value {
    const out = Value.result(Math.log(this.data), "log", [this]);
    out.backwardRule = () => {
      this.grad += out.grad / this.data;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = Value.result(t, "tanh", [this]);
    out.backwardRule = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  relu(): Value {
    const out = Value.result(this.data < 0 ? 0 : this.data, "relu", [this]);
    out.backwardRule = () => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }

  sigmoid(): Value {
    const s = 1 / (1 + Math.exp(-this.data));
    const out = Value.result(s, "sigmoid", [this]);
    out.backwardRule = () => {
      this.grad += s * (1 - s) * out.grad;
    };
    return out;
  }

  // ---- derived ops: built from primitives, so their gradients come for free ----

  neg(): Value {
    return this.mul(-1);
  }

  sub(other: Value | number): Value {
    return this.add(asValue("sub", other).neg());
  }

  div(other: Value | number): Value {
    const o = asValue("div", other);
    if (Value.checkFinite && o.data === 0)
      throw new RangeError(`Value.div: division by zero (${this.data} / 0)`);
    return this.mul(o.pow(-1));
  }

  // ---- backpropagation ----

  /**
   * Backpropagates from this value: orders the graph topologically (iteratively, so a graph a
   * million nodes deep does not overflow the stack), seeds this value's grad with 1, and runs every
   * backward rule from the output back to the leaves. Grads accumulate: zero them between steps.
   */
  backward(options: BackwardOptions = {}): void {
    const topo = topologicalOrder(this);
    if (options.checkFinite) {
      for (const v of topo) {
        if (!Number.isFinite(v.data)) {
          const what = v.op ? `the result of ${opName(v.op)}` : `the leaf${v.label ? ` ${v.label}` : ""}`;
          throw new RangeError(`Value.backward: ${what} is ${v.data}; every value must be finite`);
        }
      }
    }
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) {
      const v = topo[i]!;
      v.backwardRule();
      if (options.checkFinite) {
        for (const [k, input] of v.inputs.entries()) {
          if (!Number.isFinite(input.grad)) {
            throw new RangeError(
              `Value.backward: the backward of ${opName(v.op)} gave input ${k} (data ${input.data}) ` +
                `the gradient ${input.grad}; every gradient must be finite`,
            );
          }
        }
      }
    }
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad}${this.label ? `, label=${this.label}` : ""})`;
  }
}

let traversals = 0;

/**
 * Every value `root` depends on, inputs before the values computed from them (root last).
 * Depth-first post-order with an explicit stack instead of recursion.
 */
export function topologicalOrder(root: Value): Value[] {
  const order: Value[] = [];
  const traversal = ++traversals;
  const visited = root as unknown as { visitedIn: number };
  visited.visitedIn = traversal;
  const nodes: Value[] = [root];
  const nextInput: number[] = [0]; // per stack entry: which input to visit next
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const i = nextInput[top]!;
    if (i < node.inputs.length) {
      nextInput[top] = i + 1;
      const input = node.inputs[i]!;
      const mark = input as unknown as { visitedIn: number };
      if (mark.visitedIn !== traversal) {
        mark.visitedIn = traversal;
        nodes.push(input);
        nextInput.push(0);
      }
    } else {
      nodes.pop();
      nextInput.pop();
      order.push(node);
    }
  }
  return order;
}

/** Accepts a Value or a plain number (wrapped in a leaf Value, as micrograd does). */
function asValue(op: string, other: unknown): Value {
  if (other instanceof Value) return other;
  if (typeof other === "number") {
    if (Value.checkFinite && !Number.isFinite(other)) {
      throw new RangeError(`Value.${op}: other must be finite, got ${other}`);
    }
    return new Value(other);
  }
  throw new TypeError(`Value.${op}: other must be a Value or a number, got ${describe(other)}`);
}

/** The method name behind an op symbol, for error messages. */
function opName(op: string): string {
  if (op === "+") return "add";
  if (op === "*") return "mul";
  if (op.startsWith("**")) return "pow";
  return op;
}
