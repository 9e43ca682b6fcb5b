// Timing helpers for the benchmarks: warm up, run timed reps (as many as fit a time budget, within
// bounds) and summarise them as min / median / max milliseconds.
import { performance } from "node:perf_hooks";

export interface Timing {
  reps: number;
  min: number;
  median: number;
  max: number;
}

export interface TimeOptions {
  /** untimed runs first, so V8 has compiled the hot loops */
  warmup?: number;
  minReps?: number;
  maxReps?: number;
  /** stop adding reps (beyond minReps) once this many ms have been spent */
  budgetMs?: number;
}

/** Times fn (synchronous) and returns the spread of its run times in milliseconds. */
export function time(fn: () => void, opts: TimeOptions = {}): Timing {
  const { warmup = 2, minReps = 5, maxReps = 30, budgetMs = 3000 } = opts;
  for (let i = 0; i < warmup; i++) fn();
  const ms: number[] = [];
  const start = performance.now();
  while (ms.length < minReps || (ms.length < maxReps && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const mid = ms.length >> 1;
  const median = ms.length % 2 ? ms[mid]! : (ms[mid - 1]! + ms[mid]!) / 2;
  return { reps: ms.length, min: ms[0]!, median, max: ms[ms.length - 1]! };
}

/** Formats rows of cells as a left-aligned text table with a header rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
