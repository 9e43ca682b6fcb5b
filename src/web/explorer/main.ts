// The backprop explorer page: parse an expression (micrograd's parser), build its graph of Values
// (the forward pass), step the backward pass with micrograd's BackwardStepper while the graph
// picture and a step table show each gradient arriving, and compare every gradient with a central
// finite difference (micrograd's gradcheck).
import {
  BackwardStepper,
  ExpressionError,
  evaluate,
  gradcheck,
  parseExpression,
  Value,
  variablesOf,
  type BackwardStep,
  type Expr,
} from "../../micrograd/index.js";
import { detectCapabilities, showNotes } from "../common/capabilities.js";
import { byId, fmt, h, showError } from "../common/dom.js";
import { describeNode, localRule, nameValues } from "./explain.js";
import { renderGraph } from "./graph-view.js";
import { PRESETS } from "./presets.js";

const button = (id: string) => byId(id, HTMLButtonElement);
const expressionInput = () => byId("expression", HTMLInputElement);

/** Values typed for each variable name, kept when the expression changes. */
const values = new Map<string, number>();
let parsed: { expr: Expr; names: string[] } | null = null;
let graph: { root: Value; leaves: Map<string, Value>; stepper: BackwardStepper } | null = null;

/** Full precision, for the tables (and for anyone comparing with the library). */
const exact = (x: number) => String(x).replace("-", "−");

function parse(): void {
  graph = null;
  setButtons();
  byId("check-results").replaceChildren();
  try {
    const expr = parseExpression(expressionInput().value);
    parsed = { expr, names: variablesOf(expr) };
    showError(byId("expression-error"), null);
  } catch (e) {
    parsed = null;
    const msg = e instanceof ExpressionError ? e.message : String(e);
    showError(byId("expression-error"), `Cannot read the expression: ${msg}`);
  }
  renderVariables();
  renderLeaves();
}

function renderVariables(): void {
  const rows = (parsed?.names ?? []).map((name) => {
    if (!values.has(name)) values.set(name, 0.5);
    const field = h("input", {
      type: "number",
      step: "any",
      id: `var-${name}`,
      value: String(values.get(name)),
    });
    field.addEventListener("input", () => {
      const v = Number(field.value);
      if (field.value.trim() !== "" && Number.isFinite(v)) values.set(name, v);
      graph = null;
      setButtons();
      byId("output").textContent = "Values changed: press Forward.";
    });
    return h("label", {}, h("span", { class: "mono" }, name), field);
  });
  byId("variables").replaceChildren(...rows);
}

function setButtons(): void {
  const stepper = graph?.stepper;
  button("forward").disabled = parsed === null;
  button("step").disabled = !stepper || stepper.done;
  button("finish").disabled = !stepper || stepper.done;
  button("check").disabled = parsed === null;
}

function forward(): void {
  if (!parsed) return;
  const leaves = new Map(parsed.names.map((n) => [n, new Value(values.get(n)!, { label: n })]));
  let root: Value;
  try {
    root = evaluate(parsed.expr, Object.fromEntries(leaves));
  } catch (e) {
    showError(byId("expression-error"), `Cannot evaluate: ${e instanceof Error ? e.message : e}`);
    return;
  }
  const stepper = new BackwardStepper(root); // zeroes every grad, seeds out.grad = 1
  nameValues(stepper.order);
  graph = { root, leaves, stepper };
  byId("output").textContent = `${root.label} = ${exact(root.data)}`;
  byId("output").dataset.value = String(root.data);
  byId("step-info").replaceChildren(
    h(
      "p",
      {},
      `Forward pass done: ${stepper.order.length} values. The backward pass starts with ∂${root.label}/∂${root.label} = 1 ` +
        `and has ${stepper.schedule.length} steps, from the output back towards the variables.`,
    ),
  );
  byId("check-results").replaceChildren();
  renderLeaves();
  setButtons();
  void renderGraph(byId("graph"), root, { current: stepper.order.length - 1 });
}

function renderLeaves(): void {
  const rows = [...(graph?.leaves ?? new Map<string, Value>())].map(([name, v]) =>
    h(
      "tr",
      { "data-name": name, "data-grad": String(v.grad) },
      h("td", { class: "mono" }, name),
      h("td", { title: exact(v.data) }, fmt(v.data, 12)),
      h("td", { class: "grad", title: exact(v.grad) }, graph?.stepper.position ? fmt(v.grad, 12) : "—"),
    ),
  );
  byId("leaves")
    .querySelector("tbody")!
    .replaceChildren(...rows);
}

function showStep(s: BackwardStep, stepper: BackwardStepper): void {
  const n = s.node;
  const head = h(
    "p",
    {},
    h("b", {}, `Step ${stepper.position} of ${stepper.schedule.length}: `),
    `${n.label} = ${describeNode(n)} = ${fmt(n.data)}. Its gradient ∂${graph!.root.label}/∂${n.label} = ${fmt(s.upstream)} ` +
      "is complete (every path from the output to it has been walked), so it passes back to its inputs:",
  );
  const table = h(
    "table",
    { class: "values", id: "step-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["input", "local derivative", "× upstream", "= added", "input grad now"].map((t) =>
          h("th", {}, t),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...s.contributions.map((c) =>
        h(
          "tr",
          { "data-input": c.input.label },
          h("td", { class: "mono" }, c.input.label),
          h("td", {}, h("span", { class: "formula" }, `${localRule(n, c.input)} = `), fmt(c.local)),
          h("td", {}, fmt(s.upstream)),
          h("td", {}, fmt(c.added)),
          h("td", {}, `${fmt(c.gradBefore)} → ${fmt(c.gradAfter)}`),
        ),
      ),
    ),
  );
  const done = stepper.done
    ? [h("p", { class: "ok" }, "Backward pass complete: every variable holds its gradient.")]
    : [];
  byId("step-info").replaceChildren(head, table, ...done);
}

function step(all: boolean): void {
  if (!graph) return;
  const { stepper, root } = graph;
  let last: BackwardStep | null = null;
  do {
    const s = stepper.step();
    if (!s) break;
    last = s;
  } while (all);
  if (!last) return;
  showStep(last, stepper);
  renderLeaves();
  setButtons();
  void renderGraph(
    byId("graph"),
    root,
    stepper.done ? {} : { current: last.index, receiving: last.contributions.map((c) => c.index) },
  );
}

function check(): void {
  if (!parsed) return;
  const { expr, names } = parsed;
  const fn = (xs: Value[]) => evaluate(expr, Object.fromEntries(names.map((n, i) => [n, xs[i]!])));
  const result = gradcheck(
    fn,
    names.map((n) => new Value(values.get(n)!, { label: n })),
  );
  const stepped = graph?.stepper.done ? graph.leaves : null;
  const rows = result.inputs.map((r) =>
    h(
      "tr",
      { "data-name": r.label, "data-ok": String(r.ok) },
      h("td", { class: "mono" }, r.label),
      h("td", {}, fmt(r.analytic, 10)),
      h("td", {}, fmt(r.numeric, 10)),
      h("td", {}, r.relError.toExponential(1)),
      h("td", { class: r.ok ? "ok" : "bad" }, r.ok ? "✓" : "✗"),
    ),
  );
  const agree =
    stepped && [...stepped].every(([n, v]) => v.grad === result.inputs[names.indexOf(n)]!.analytic)
      ? " The gradients stepped above are the same numbers."
      : stepped
        ? " The gradients stepped above differ: the values changed since Forward."
        : " (The check runs a backward pass of its own; the stepped one above is not finished.)";
  const summary = result.ok
    ? `All ${names.length} gradients agree with central finite differences (worst relative error ${result.worst.toExponential(1)}).${agree}`
    : `Some gradients disagree with finite differences: see ✗ (a kink such as relu at 0 makes the estimate unreliable).${agree}`;
  byId("check-results").replaceChildren(
    h("h2", { style: "margin-top: 12px" }, "Gradient check"),
    h(
      "table",
      { class: "values" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["variable", "backprop", "finite difference", "rel. error", ""].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
    h("p", { id: "check-summary", class: result.ok ? "ok" : "bad" }, summary),
  );
}

function choosePreset(id: string): void {
  const p = PRESETS.find((q) => q.id === id);
  if (!p) return;
  expressionInput().value = p.expression;
  for (const [k, v] of Object.entries(p.values)) values.set(k, v);
  parse();
  forward();
}

function main(): void {
  void detectCapabilities().then((caps) => {
    if (!caps.webassembly)
      showNotes(byId("notes"), [
        {
          topic: "WebAssembly",
          level: "fallback",
          text: "not available: Graphviz cannot lay out the graph, so it is shown as DOT text.",
        },
      ]);
  });
  const preset = byId("preset", HTMLSelectElement);
  preset.replaceChildren(
    ...PRESETS.map((p) => h("option", { value: p.id }, p.name)),
    h("option", { value: "custom" }, "Your own (type below)"),
  );
  preset.addEventListener("change", () => choosePreset(preset.value));
  expressionInput().addEventListener("input", () => {
    preset.value = "custom";
    parse();
  });
  expressionInput().addEventListener("keydown", (e) => {
    if (e.key === "Enter") forward();
  });
  button("forward").addEventListener("click", forward);
  button("step").addEventListener("click", () => step(false));
  button("finish").addEventListener("click", () => step(true));
  button("check").addEventListener("click", check);
  choosePreset(PRESETS[0]!.id);
  document.body.dataset.ready = "yes";
}

main();
