// Engine process for the Python reference of the scalar engine: runs bench/moons_micrograd.py
// (a micrograd-style engine in plain Python) with gc on and off, and reports its per-run
// milliseconds per step as two engines' "moons" figures. Python's cyclic collector makes a step
// with gc on take seconds, so the full run times 2 × 2 runs of 10 steps (the quick pass 3 of 5).
//   node --import tsx bench/suite/engines/python-micrograd.ts --spec '<Spec JSON>'
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PYTHON } from "../catalog.js";
import { readSpec, report } from "../measure.js";
import { MOONS } from "../workloads.js";

const spec = readSpec();
const script = fileURLToPath(new URL("../../moons_micrograd.py", import.meta.url));
const steps = spec.quick ? MOONS.pythonQuickSteps : MOONS.pythonSteps;
const runs = spec.passes > 1 ? 2 : 3; // per pass
const python = PYTHON;
const out = spawnSync(python, [script, "--runs", String(runs), "--steps", String(steps)], {
  encoding: "utf8",
  timeout: 15 * 60_000,
});
const engines = { "gc on": "micrograd-py", "gc off": "micrograd-py-nogc" } as const;
if (out.status !== 0) {
  const why = out.error?.message ?? out.stderr.trim().split("\n").at(-1) ?? `exit ${out.status}`;
  for (const engine of Object.values(engines)) report({ workload: "moons", engine, ms: [], skipped: why });
} else {
  // "python 3.11.2 micrograd-style moons, …, gc on" then "  wall: median 61.2 ms/step (runs: 60.1, 61.2, 63.0)"
  const blocks = out.stdout.split(/^(?=python )/m).filter((b) => b.trim());
  for (const block of blocks) {
    const mode = /, (gc on|gc off)\s*$/m.exec(block)?.[1] as keyof typeof engines | undefined;
    const list = /wall: .*\(runs: ([^)]*)\)/.exec(block)?.[1];
    if (!mode || !list) continue;
    report({ workload: "moons", engine: engines[mode], ms: list.split(",").map(Number) });
  }
}
