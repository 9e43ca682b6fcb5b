// Times micrograd's moons demo on nabla's scalar engine: ms per training step (forward over 100
// points, backward, SGD update), median over a few runs, in wall-clock time and in this process's
// CPU time (steadier on a busy machine). Compare with bench/moons_micrograd.py.
//
//   node --import tsx bench/moons.ts [--runs 5] [--steps 100]

import { trainMoons } from "../src/micrograd/index.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg("runs", 5);
const steps = arg("steps", 100);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

trainMoons({ steps: 5 }); // warm up the JIT
const wall: number[] = [];
const cpu: number[] = [];
let accuracy = 0;
for (let r = 0; r < runs; r++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = trainMoons({ steps });
  wall.push((performance.now() - t0) / steps);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000 / steps); // includes V8's parallel GC threads
  accuracy = result.history.at(-1)!.accuracy;
}
const list = (xs: number[]): string => xs.map((t) => t.toFixed(1)).join(", ");
console.log(
  `nabla/micrograd moons, MLP(2, [16, 16, 1]), 100 points, ${steps} steps, ${runs} runs, Node ${process.version}\n` +
    `  wall: median ${median(wall).toFixed(1)} ms/step (runs: ${list(wall)})\n` +
    `  cpu:  median ${median(cpu).toFixed(1)} ms/step (runs: ${list(cpu)})\n` +
    `  final accuracy ${(accuracy * 100).toFixed(0)}%`,
);
