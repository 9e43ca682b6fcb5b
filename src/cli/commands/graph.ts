// `nabla graph "<expression>" --var name=value …`: builds the expression's Value graph, runs
// backward, and writes the picture (SVG, or DOT with --format dot) to --out or stdout.

import type { Command } from "commander";
import { Option } from "commander";
import { ExpressionError, drawGraph, evaluateExpression } from "../../micrograd/index.js";
import { UsageError } from "../errors.js";
import { writeText } from "../files.js";
import { variable } from "../options.js";

interface GraphOptions {
  var?: Record<string, number>;
  out?: string;
  format: "svg" | "dot";
}

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description("draw the graph of a scalar expression after backward (micrograd's draw_dot)")
    .argument("<expression>", 'e.g. "tanh(x1*w1 + x2*w2 + b)"; + - * / ^ ** ( ) tanh exp log relu sigmoid')
    .option("--var <name=value>", "a variable's value (repeat for each variable)", variable)
    .option("-o, --out <file>", "write to a file instead of stdout")
    .addOption(new Option("--format <format>", "picture format").choices(["svg", "dot"]).default("svg"))
    .action(async (expression: string, options: GraphOptions) => {
      let out;
      try {
        out = evaluateExpression(expression, options.var ?? {});
      } catch (e) {
        if (e instanceof ExpressionError) throw new UsageError(`graph: ${e.message}`);
        throw e;
      }
      if (!out.label) out.label = "out";
      out.backward();
      const drawing = drawGraph(out);
      const text = options.format === "dot" ? drawing.dot : await drawing.svg();
      if (options.out) {
        writeText(options.out, text);
        process.stdout.write(`wrote ${options.out} (out = ${out.data})\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
