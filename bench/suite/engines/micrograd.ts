// Engine process for nabla's scalar engine (nabla/micrograd): micrograd's moons demo, one timed
// repetition = a whole training run, reported as milliseconds per step (as bench/moons.ts does).
//   node --import tsx bench/suite/engines/micrograd.ts --spec '<Spec JSON>'
import { trainMoons } from "../../../src/micrograd/index.js";
import { readSpec, report, time } from "../measure.js";
import { MOONS } from "../workloads.js";

const spec = readSpec();
const steps = spec.quick ? MOONS.quickSteps : MOONS.steps;
trainMoons({ steps: 5 }); // warm up the JIT on a short run
const runs = await time(() => trainMoons({ steps }), {
  warmup: 1,
  minReps: spec.quick ? 3 : 5,
  maxReps: 9,
  budgetMs: spec.quick ? 0 : 5000,
  capMs: 60_000,
});
report({ workload: "moons", ms: runs.map((ms) => ms / steps) });
