// The nabla command: a commander program with one file per command under commands/. A new
// command (train, sample…) is a register function added to COMMANDS.

import { Command } from "commander";
import { availableParallelism } from "node:os";
import * as nb from "../index.js";
import { oneLine, reportError } from "./errors.js";
import { positiveInteger } from "./options.js";
import { registerDemo } from "./commands/demo.js";
import { registerGraph } from "./commands/graph.js";
import { registerTrain } from "./commands/train.js";
import { registerSample } from "./commands/sample.js";

const COMMANDS: ((program: Command) => void)[] = [registerDemo, registerGraph, registerTrain, registerSample];

export function buildProgram(): Command {
  const program = new Command("nabla")
    .description("Deep learning in TypeScript, from the first derivative to a GPT.")
    .version("0.1.0")
    .showHelpAfterError(false)
    .configureOutput({
      // commander's own complaints (unknown option, missing argument) in nabla's one-line form
      outputError: (str, write) => write(`nabla: ${oneLine(str.replace(/^error: /, ""))}\n`),
    });
  program.option(
    "--backend <name>",
    "where tensors compute: wasm or reference (default: $NABLA_BACKEND, else wasm where the runtime has WebAssembly SIMD)",
  );
  program.option(
    "--threads <n>",
    "threads for the wasm backend's large matrix products (default: the CPU's cores, at most 4)",
    positiveInteger,
  );
  // choose the backend before any command makes a tensor
  program.hook("preAction", async () => {
    const opts = program.opts() as { backend?: string; threads?: number };
    const name = opts.backend ?? process.env.NABLA_BACKEND;
    if (name) await selectBackend(name);
    if (nb.getBackend().name === "wasm")
      await nb.initWasm({ threads: opts.threads ?? Math.min(4, availableParallelism()) });
  });
  for (const register of COMMANDS) register(program);
  return program;
}

/** Loads (for wasm) and selects a backend by name; an unknown name lists the known ones. */
export async function selectBackend(name: string): Promise<void> {
  if (name === "wasm" && !nb.listBackends().includes("wasm")) await nb.initWasm();
  nb.setBackend(name);
}

/** Runs the command line; errors are reported in one line and set a non-zero exit code. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    reportError(e);
  }
}
