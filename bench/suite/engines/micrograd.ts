// Engine process for nabla's scalar engine (nabla/micrograd): micrograd's moons demo, one timed
// repetition = a whole training run, reported as milliseconds per step (as bench/moons.ts does).
//   node --import tsx bench/suite/engines/micrograd.ts --spec '<Spec JSON>'
import { trainMoons } from "../../../src/micrograd/index.js";
import { readSpec, report, reps, time } from "../measure.js";
import { MOONS } from "../workloads.js";

const spec = readSpec();
const steps = spec.quick ? MOONS.quickSteps : MOONS.steps;
trainMoons({ steps: 5 }); // warm up the JIT on a short run
const runs = await time(() => trainMoons({ steps }), reps(spec));
report({ workload: "moons", ms: runs.map((ms) => ms / steps) });
