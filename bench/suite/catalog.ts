// The engines the suite measures: who they are, which workload groups they run, what they need
// (the npm peers in bench/peers, Debian's PyTorch) and the command that starts their process.
// Every engine runs in a process of its own per group, so none inherits another's heap or JIT.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { peakModule } from "./engines/peak-module.js";
import type { Group } from "./workloads.js";

export type Family = "cpu" | "nabla" | "tfjs" | "ort" | "torch" | "python";

export interface Engine {
  id: string;
  label: string;
  family: Family;
  groups: Group[];
  /** engine script under bench/suite/engines/, and the variant it is told */
  script: string;
  variant: string;
  /** node flags the process needs (relaxed SIMD on Node 20) */
  nodeFlags?: string[];
  needs?: "peers" | "torch";
}

const TENSOR: Group[] = ["matmul", "conv", "mlp", "gpt"];
/** Node 20 validates relaxed SIMD only behind this flag; later versions ship it (and may drop the flag). */
const RELAXED = "--experimental-wasm-relaxed-simd";

// prettier-ignore
export const ENGINES: readonly Engine[] = [
  { id: "wasm-peak", label: "measured wasm SIMD peak", family: "cpu", groups: ["peak"], script: "peak.ts", variant: "-", nodeFlags: [RELAXED] },
  { id: "nabla-ref", label: "nabla reference (TS)", family: "nabla", groups: TENSOR, script: "nabla.ts", variant: "reference" },
  { id: "nabla-wasm", label: "nabla wasm SIMD128", family: "nabla", groups: TENSOR, script: "nabla.ts", variant: "wasm" },
  { id: "nabla-wasm-fma", label: "nabla wasm relaxed-SIMD FMA", family: "nabla", groups: TENSOR, script: "nabla.ts", variant: "wasm-relaxed", nodeFlags: [RELAXED] },
  { id: "nabla-wasm-2t", label: "nabla wasm, 2 threads", family: "nabla", groups: TENSOR, script: "nabla.ts", variant: "wasm-2t" },
  { id: "nabla-micrograd", label: "nabla/micrograd (scalar)", family: "nabla", groups: ["moons"], script: "micrograd.ts", variant: "-" },
  { id: "tfjs-cpu", label: "TF.js cpu (JS)", family: "tfjs", groups: TENSOR, script: "tfjs.ts", variant: "cpu", needs: "peers" },
  { id: "tfjs-wasm", label: "TF.js wasm (XNNPACK)", family: "tfjs", groups: TENSOR, script: "tfjs.ts", variant: "wasm", needs: "peers" },
  { id: "ort-1t", label: "onnxruntime, 1 thread", family: "ort", groups: ["matmul"], script: "ort.ts", variant: "1", needs: "peers" },
  { id: "ort-2t", label: "onnxruntime, 2 threads", family: "ort", groups: ["matmul"], script: "ort.ts", variant: "2", needs: "peers" },
  { id: "torch-1t", label: "PyTorch, 1 thread", family: "torch", groups: TENSOR, script: "torch_bench.py", variant: "1", needs: "torch" },
  { id: "torch-2t", label: "PyTorch, 2 threads", family: "torch", groups: TENSOR, script: "torch_bench.py", variant: "2", needs: "torch" },
  { id: "micrograd-py", label: "Python micrograd-style, gc on", family: "python", groups: ["moons"], script: "python-micrograd.ts", variant: "-" },
  { id: "micrograd-py-nogc", label: "Python micrograd-style, gc off", family: "python", groups: [], script: "python-micrograd.ts", variant: "-" },
];
// (micrograd-py's process reports micrograd-py-nogc too, so the latter starts no process of its own)

export const engine = (id: string): Engine => {
  const e = ENGINES.find((x) => x.id === id);
  if (!e) throw new Error(`unknown engine ${id}`);
  return e;
};

export const PYTHON = process.env.NABLA_BENCH_PYTHON ?? "/usr/bin/python3";

let needsFlag: boolean | undefined;
/** Whether relaxed SIMD needs RELAXED here: it does not validate without it, and node accepts it. */
function relaxedNeedsFlag(): boolean {
  needsFlag ??=
    !WebAssembly.validate(peakModule(true)) && spawnSync(process.execPath, [RELAXED, "-e", "0"]).status === 0;
  return needsFlag;
}

/** The command line that starts `e`'s process for the given spec JSON. */
export function command(e: Engine, spec: string): { cmd: string; args: string[] } {
  const script = fileURLToPath(new URL(`./engines/${e.script}`, import.meta.url));
  if (e.script.endsWith(".py")) return { cmd: PYTHON, args: [script, "--spec", spec] };
  const flags = (e.nodeFlags ?? []).filter((f) => f !== RELAXED || relaxedNeedsFlag());
  return { cmd: process.execPath, args: [...flags, "--import", "tsx", script, "--spec", spec] };
}
