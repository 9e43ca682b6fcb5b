// Runs one engine on one workload group in a child process and collects what it reports: the
// milliseconds of each repetition per workload, or why a workload was skipped (the engine said
// so, it crashed, or it ran past its time limit).
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { command, type Engine } from "./catalog.js";
import { REPORT_PREFIX, WORKLOADS, matmulSizes, type Group, type Report, type Spec } from "./workloads.js";

export interface Outcome {
  engine: string;
  workload: string;
  ms: number[];
  /** the 1-minute load average when the engine's process started */
  load?: number;
  skipped?: string;
  note?: string;
}

/**
 * The workloads a group holds in this pass (the quick pass leaves matmul 2048 out), less the parts
 * of training steps: engines that split a step report them, and the others need not.
 */
export function groupWorkloads(group: Group, quick: boolean): string[] {
  const sizes = matmulSizes(quick);
  return WORKLOADS.filter((w) => w.group === group && !w.part)
    .filter((w) => w.group !== "matmul" || sizes.includes(Number(w.id.slice("matmul-".length))))
    .map((w) => w.id);
}

/** The most telling line of a crashed process's stderr: its error message, else its last line. */
function why(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => /^(\w*Error|Error)\b.*:/.test(l)) ?? lines.at(-1) ?? "").slice(0, 300);
}

export function runJob(e: Engine, group: Group, spec: Spec, timeoutMs: number): Promise<Outcome[]> {
  const { cmd, args } = command(e, JSON.stringify({ ...spec, groups: [group], variant: e.variant }));
  const env = { ...process.env };
  if (e.family === "torch") env.OMP_NUM_THREADS = env.MKL_NUM_THREADS = e.variant;
  const load = loadavg()[0]!;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const outcomes: Outcome[] = [];
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      let nl: number;
      while ((nl = stdout.indexOf("\n")) >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        if (!line.startsWith(REPORT_PREFIX)) continue;
        const r = JSON.parse(line.slice(REPORT_PREFIX.length)) as Report;
        outcomes.push({ ...r, engine: r.engine ?? e.id, load });
      }
    });
    child.stderr.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-20_000)));
    const finish = (code: number | null, error?: Error) => {
      clearTimeout(timer);
      const reason = timedOut
        ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : error
          ? error.message
          : code !== 0
            ? `exited with code ${code}: ${why(stderr)}`
            : "the engine did not report it";
      const engines = e.id === "micrograd-py" ? [e.id, "micrograd-py-nogc"] : [e.id];
      for (const engine of engines)
        for (const workload of groupWorkloads(group, spec.quick))
          if (!outcomes.some((o) => o.engine === engine && o.workload === workload))
            outcomes.push({ engine, workload, ms: [], skipped: reason, load });
      resolve(outcomes);
    };
    child.on("error", (err) => finish(null, err));
    child.on("close", (code) => finish(code));
  });
}
