// Pictures of a Value's graph, as micrograd's draw_dot: one record box per value (label | data |
// grad) and one small node per op, left to right. DOT text synchronously; SVG through the
// WebAssembly Graphviz of @viz-js/viz, loaded on first use so the engine itself stays light.

import { Value, topologicalOrder } from "./engine.js";
import { describe } from "./describe.js";

export interface DrawOptions {
  /** Graphviz rankdir: "LR" (default, as micrograd) or "TB". */
  rankdir?: "LR" | "TB";
  /** Digits after the decimal point for data and grad (default 4). */
  digits?: number;
}

/** A drawing of a graph: `dot` now, `svg()` once Graphviz has loaded. */
export class GraphDrawing {
  constructor(readonly dot: string) {}

  /** The graph rendered to SVG text by Graphviz's dot layout. */
  async svg(): Promise<string> {
    const viz = await graphviz();
    return viz.renderString(this.dot, { format: "svg", engine: "dot" });
  }

  toString(): string {
    return this.dot;
  }
}

/** Draws every value that `root` depends on. */
export function drawGraph(root: Value, options: DrawOptions = {}): GraphDrawing {
  if (!(root instanceof Value)) throw new TypeError(`drawGraph: expected a Value, got ${describe(root)}`);
  const { rankdir = "LR", digits = 4 } = options;
  const nodes = topologicalOrder(root);
  const id = new Map<Value, string>(nodes.map((v, i) => [v, `v${i}`]));
  const lines = [
    "digraph G {",
    `  rankdir=${rankdir};`,
    '  node [fontname="Helvetica"];',
    ...nodes.flatMap((v) => {
      const vid = id.get(v)!;
      const fields = [
        escapeRecord(v.label),
        `data ${v.data.toFixed(digits)}`,
        `grad ${v.grad.toFixed(digits)}`,
      ];
      const out = [`  ${vid} [shape=record, label="{ ${fields.join(" | ")} }"];`];
      if (v.op) {
        // The op gets its own node, fed by the inputs and feeding the value it produced.
        out.push(`  ${vid}_op [label="${escapeString(v.op)}"];`, `  ${vid}_op -> ${vid};`);
        for (const input of v.inputs) out.push(`  ${id.get(input)!} -> ${vid}_op;`);
      }
      return out;
    }),
    "}",
  ];
  return new GraphDrawing(lines.join("\n") + "\n");
}

/** The same as `drawGraph(root, options).svg()`. */
export function drawGraphSvg(root: Value, options: DrawOptions = {}): Promise<string> {
  return drawGraph(root, options).svg();
}

type Viz = Awaited<ReturnType<typeof import("@viz-js/viz").instance>>;
let vizInstance: Promise<Viz> | undefined;

function graphviz(): Promise<Viz> {
  vizInstance ??= import("@viz-js/viz").then((m) => m.instance());
  return vizInstance;
}

/** Text inside a double-quoted DOT string. */
function escapeString(s: string): string {
  return s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, " ");
}

/** Text inside a record field, where { } | < > are structure unless escaped. */
function escapeRecord(s: string): string {
  return escapeString(s).replace(/[{}|<>]/g, (c) => `\\${c}`);
}
