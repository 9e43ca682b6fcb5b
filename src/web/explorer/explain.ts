// Words for the explorer: names for the unnamed values of a graph (constants by their value,
// intermediate results n1, n2, … and the output "out"), and each op's local derivative as a
// formula, the rule that backward() applies.
import type { Value } from "../../micrograd/index.js";
import { fmt } from "../common/dom.js";

/** Labels every unlabelled value of a graph (in topological order, root last), in place. */
export function nameValues(order: readonly Value[]): void {
  const used = new Set(order.map((v) => v.label).filter(Boolean));
  let k = 0;
  const fresh = (): string => {
    while (used.has(`n${++k}`));
    return `n${k}`;
  };
  order.forEach((v, i) => {
    if (v.label) return;
    if (v.inputs.length === 0) v.label = fmt(v.data);
    else v.label = i === order.length - 1 && !used.has("out") ? "out" : fresh();
  });
}

/** How a node was computed, e.g. "tanh(n3)", "a · b", "x^2". */
export function describeNode(node: Value): string {
  const [a, b] = node.inputs.map((v) => v.label);
  if (node.op === "+") return `${a} + ${b}`;
  if (node.op === "*") return `${a} · ${b}`;
  if (node.op.startsWith("**")) return `${a}^${node.op.slice(2)}`;
  return `${node.op}(${a})`;
}

/** The local derivative ∂node/∂input as a formula, without its value. */
export function localRule(node: Value, input: Value): string {
  const d = `∂${node.label}/∂${input.label}`;
  const x = input.label;
  const out = node.label;
  switch (node.op) {
    case "+":
      return node.inputs[0] === node.inputs[1] ? `${d} = 2` : `${d} = 1`;
    case "*": {
      if (node.inputs[0] === node.inputs[1]) return `${d} = 2·${x}`;
      const other = node.inputs[0] === input ? node.inputs[1]! : node.inputs[0]!;
      return `${d} = ${other.label}`;
    }
    case "exp":
      return `${d} = e^${x} = ${out}`;
    case "log":
      return `${d} = 1/${x}`;
    case "tanh":
      return `${d} = 1 − tanh²(${x}) = 1 − ${out}²`;
    case "relu":
      return `${d} = 1 if ${out} > 0, else 0`;
    case "sigmoid":
      return `${d} = σ(${x})·(1 − σ(${x})) = ${out}·(1 − ${out})`;
    default:
      if (node.op.startsWith("**")) {
        const k = Number(node.op.slice(2));
        return `${d} = ${fmt(k)}·${x}^${fmt(k - 1)}`;
      }
      return `${d}`;
  }
}
