// Turns repetitions into figures (GFLOP/s, steps/s, ms…) summarised as median [min–max], picks
// nabla's best engine per workload, and computes speed ratios (>1: the first is faster).
import { ENGINES } from "./catalog.js";
import type { Outcome } from "./runner.js";
import { workload } from "./workloads.js";

const NABLA = ENGINES.filter((e) => e.family === "nabla").map((e) => e.id);

export interface Cell {
  engine: string;
  workload: string;
  reps: number;
  median: number;
  /** the worst and best repetitions in the figure's unit (for ms, min is the fastest) */
  min: number;
  max: number;
  note?: string;
  skipped?: string;
  /** the 1-minute load average when the engine's process started */
  load?: number;
}

export function summarise(o: Outcome): Cell {
  const base = {
    engine: o.engine,
    workload: o.workload,
    ...(o.note ? { note: o.note } : {}),
    ...(o.load !== undefined ? { load: o.load } : {}),
  };
  if (o.skipped || o.ms.length === 0)
    return { ...base, reps: 0, median: NaN, min: NaN, max: NaN, skipped: o.skipped ?? "no repetitions" };
  const w = workload(o.workload);
  const xs = o.ms.map(w.figure).sort((a, b) => a - b);
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { ...base, reps: xs.length, median, min: xs[0]!, max: xs.at(-1)! };
}

export class Results {
  constructor(readonly cells: Cell[]) {}

  get(engine: string, workloadId: string): Cell | undefined {
    const c = this.cells.find((x) => x.engine === engine && x.workload === workloadId);
    return c && !c.skipped ? c : undefined;
  }

  /** How many times as fast `a` is as `b` on the workload (from the medians), or null. */
  speedup(a: Cell | undefined, b: Cell | undefined): number | null {
    if (!a || !b) return null;
    return workload(a.workload).higherIsBetter ? a.median / b.median : b.median / a.median;
  }

  /** nabla's fastest engine on a workload (by median), or undefined. */
  nablaBest(workloadId: string): Cell | undefined {
    return this.fastest(NABLA, workloadId);
  }

  /** The faster of several engines on a workload (by median), or undefined. */
  fastest(engineIds: string[], workloadId: string): Cell | undefined {
    return engineIds
      .map((id) => this.get(id, workloadId))
      .filter((c): c is Cell => c !== undefined)
      .reduce<Cell | undefined>((best, c) => (!best || this.speedup(c, best)! > 1 ? c : best), undefined);
  }
}
