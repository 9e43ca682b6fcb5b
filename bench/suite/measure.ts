// Timing inside an engine process: untimed warm-up runs, then timed repetitions until both a
// minimum count and a time budget are met (never more than a maximum), each reported in
// milliseconds on stdout for the runner to summarise. Works for synchronous and async workloads;
// laps() splits a step's repetitions into parts (forward, backward…) without timing them apart.
import { performance } from "node:perf_hooks";
import { REPORT_PREFIX, WORKLOADS, type Group, type Report, type Reps, type Spec } from "./workloads.js";

export const reps = (spec: Spec): Reps => spec.reps;

/**
 * Times `fn` and returns the milliseconds of each timed repetition. The first call warms up; more
 * warm-up calls follow while they are cheap. A first call longer than a quarter of the cap is timed
 * as the first repetition (a JIT warm-up is lost in a run that long); past a quarter of the cap
 * three repetitions suffice, and a repetition that would pass the cap is not started once `floor` ran.
 */
export async function time(fn: () => unknown, r: Reps): Promise<number[]> {
  const t0 = performance.now();
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  const t1 = performance.now() - t0;
  const once = async (): Promise<number> => {
    // back to back, as a synchronous training loop runs: nothing waits for the event loop
    const t = performance.now();
    if (isAsync) await fn();
    else fn(); // synchronous workloads are timed without an await inside
    return performance.now() - t;
  };
  const slow = t1 > r.capMs / 4;
  const ms: number[] = slow ? [t1] : [];
  for (let i = 1; !slow && i < r.warmup && i * t1 < r.budgetMs / 2; i++) await once();
  let spent = slow ? t1 : 0;
  while (ms.length < r.maxReps) {
    const n = ms.length;
    if (n >= r.minReps && spent >= r.budgetMs) break;
    if (n >= 3 && spent >= r.capMs / 4) break;
    if (n >= r.floor && spent + ms[n - 1]! > r.capMs) break;
    ms.push(await once());
    spent += ms[n]!;
  }
  return ms;
}

/** Splits each call of a step into parts (see laps). */
export interface Laps<P extends string> {
  /** begins a call: its first part counts from here */
  start(): void;
  /** ends a part of the current call: the time since the previous lap (or start) adds to `part` */
  lap(part: P): void;
  /** per part, its milliseconds in each of the last `n` calls (time()'s warm-ups come first) */
  last(n: number): [P, number[]][];
}

/** A clock for the parts of a step; a part may end more than once per call (its times add up). */
export function laps<P extends string>(parts: readonly P[]): Laps<P> {
  const calls: Map<P, number>[] = [];
  let t = 0;
  return {
    start: () => {
      calls.push(new Map());
      t = performance.now();
    },
    lap: (part) => {
      const now = performance.now();
      const call = calls.at(-1)!;
      call.set(part, (call.get(part) ?? 0) + now - t);
      t = now;
    },
    last: (n) => parts.map((p) => [p, calls.slice(-n).map((c) => c.get(p) ?? 0)]),
  };
}

const reported = new Set<string>();

export function report(r: Report): void {
  reported.add(r.workload);
  process.stdout.write(REPORT_PREFIX + JSON.stringify(r) + "\n");
}

/**
 * Runs each requested group that the engine has; an error skips the group's workloads not yet
 * reported (with the error's first line as the reason; a step's parts only when the step itself
 * was reported, else its skip says it all) and the next group still runs.
 */
export async function runGroups<E>(
  spec: Spec,
  engine: E,
  runs: Partial<Record<Group, (engine: E, spec: Spec) => Promise<void>>>,
): Promise<void> {
  for (const group of spec.groups) {
    const run = runs[group];
    if (!run) continue;
    try {
      await run(engine, spec);
    } catch (e) {
      const why = String((e as Error).message ?? e).split("\n")[0]!;
      for (const w of WORKLOADS)
        if (w.group === group && !reported.has(w.id) && (!w.part || reported.has(w.part.of)))
          report({ workload: w.id, ms: [], skipped: why });
    }
  }
}

/** Reads the runner's Spec from argv (the JSON after `--spec`). */
export function readSpec(): Spec {
  const i = process.argv.indexOf("--spec");
  if (i < 0) throw new Error("engine: missing --spec '<json>'");
  return JSON.parse(process.argv[i + 1]!) as Spec;
}
