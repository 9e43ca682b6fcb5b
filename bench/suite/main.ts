// The suite's driver: installs the peers on demand, runs every engine on every workload group in
// processes of their own (group by group, so engines compared with each other run close in time),
// prints each figure as it arrives, and writes BENCHMARKS.md and bench/benchmarks.svg.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CharTokenizer, loadDefaultCorpus } from "../../src/text/index.js";
import { ENGINES, type Engine } from "./catalog.js";
import { chartSvg } from "./chart.js";
import { describeMachine, loadAverage, peerVersion } from "./machine.js";
import { ensurePeers } from "./peers.js";
import { fmt, markdown, type Meta } from "./report.js";
import { runJob, type Outcome } from "./runner.js";
import { Results, summarise } from "./summary.js";
import { GROUPS, passes, repsFor, splitReps, workload, type Group, type Spec } from "./workloads.js";

const HELP = `npm run bench [-- options]
  --quick            a fast pass: fewer repetitions, no 2048 matmul, shorter moons runs
  --groups a,b       only these workload groups (${GROUPS.join(", ")})
  --engines a,b      only these engines (ids or families: ${ENGINES.map((e) => e.id).join(", ")}; nabla, tfjs, ort, torch, python)
  --no-install       do not install the peers (bench/peers) if they are missing
  --out FILE         the report (default BENCHMARKS.md)
  --chart FILE       the chart (default bench/benchmarks.svg)
  --json FILE        also write every repetition as JSON
  --from FILE        write the report and chart from such a JSON file, measuring nothing`;

const log = (line: string) => process.stdout.write(line + "\n");

/**
 * One outcome per engine and workload: the passes' repetitions together, their notes, the mean
 * load; skipped only when every pass was (a pass that failed alone is named in the note).
 */
function pool(outcomes: Outcome[]): Outcome[] {
  const by = new Map<string, Outcome[]>();
  for (const o of outcomes)
    by.set(`${o.engine}|${o.workload}`, [...(by.get(`${o.engine}|${o.workload}`) ?? []), o]);
  return [...by.values()].map((os) => {
    const ran = os.filter((o) => !o.skipped);
    const failed = ran.length ? os.filter((o) => o.skipped).map((o) => `one pass failed: ${o.skipped}`) : [];
    const notes = [...new Set([...ran.map((o) => o.note), ...failed])].filter(Boolean);
    const loads = os.map((o) => o.load).filter((l): l is number => l !== undefined);
    return {
      engine: os[0]!.engine,
      workload: os[0]!.workload,
      ms: ran.flatMap((o) => o.ms),
      ...(ran.length === 0 ? { skipped: os[0]!.skipped! } : {}),
      ...(notes.length ? { note: notes.join("; ") } : {}),
      ...(loads.length ? { load: loads.reduce((a, b) => a + b, 0) / loads.length } : {}),
    };
  });
}

function write(results: Results, meta: Meta, out: string, chart: string): void {
  const m = meta.machine;
  writeFileSync(out, markdown(results, meta));
  const subtitle = `${m.cpu.split(",")[0]}, ${m.cores} cores · ${m.date.slice(0, 10)}${meta.quick ? " · quick pass" : ""}`;
  writeFileSync(chart, chartSvg(results, subtitle));
}

export async function main(argv: string[]): Promise<void> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      groups: { type: "string" },
      engines: { type: "string" },
      "no-install": { type: "boolean", default: false },
      out: { type: "string", default: "BENCHMARKS.md" },
      chart: { type: "string", default: "bench/benchmarks.svg" },
      json: { type: "string" },
      from: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (o.help) {
    log(HELP);
    return;
  }
  if (o.from) {
    const { meta, outcomes } = JSON.parse(readFileSync(o.from, "utf8")) as {
      meta: Meta;
      outcomes: Outcome[];
    };
    write(new Results(pool(outcomes).map(summarise)), meta, o.out, o.chart);
    log(`wrote ${o.out} and ${o.chart} from ${o.from}`);
    return;
  }
  const started = performance.now();
  const loadStart = loadAverage();
  const groups = o.groups ? (o.groups.split(",") as Group[]) : [...GROUPS];
  for (const g of groups)
    if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; choose from ${GROUPS.join(", ")}`);
  const wanted = o.engines?.split(",");
  let engines = ENGINES.filter((e) => !wanted || wanted.includes(e.id) || wanted.includes(e.family));

  const machine = describeMachine();
  log(
    `nabla benchmark suite${o.quick ? " (quick pass)" : ""} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadStart}`,
  );
  const unavailable: string[] = [];
  const drop = (pred: (e: Engine) => boolean, why: string) => {
    const gone = engines.filter(pred);
    if (gone.length === 0) return;
    unavailable.push(`${gone.map((e) => e.label).join(", ")}: ${why}`);
    engines = engines.filter((e) => !pred(e));
  };
  if (engines.some((e) => e.needs === "peers")) {
    const why =
      o["no-install"] && !peerVersion("@tensorflow/tfjs")
        ? "the peers are not installed (--no-install)"
        : ensurePeers(log);
    if (why) drop((e) => e.needs === "peers", why);
  }
  if (!machine.torch) drop((e) => e.needs === "torch", `PyTorch is not available (${machine.torchMissing})`);
  for (const u of unavailable) log(`not measured — ${u}`);

  const vocab = CharTokenizer.fromText(loadDefaultCorpus()).vocabSize;
  const { quick } = o;
  const reps = repsFor(quick);
  const spec: Spec = {
    groups: [],
    quick,
    reps,
    splitReps: splitReps(reps),
    passes: passes(quick),
    vocab,
    variant: "",
  };
  // group by group; within a group, pass 2 visits the engines in reverse order
  const jobs = groups.flatMap((g) => {
    const here = engines.filter((e) => e.groups.includes(g));
    return Array.from({ length: spec.passes }, (_, p) => (p % 2 ? [...here].reverse() : here)).flatMap(
      (order, p) => order.map((e) => ({ e, g, p })),
    );
  });
  const outcomes: Outcome[] = [];
  for (const [i, { e, g, p }] of jobs.entries()) {
    const t0 = performance.now();
    const got = await runJob(e, g, spec, (o.quick ? 3 : 6) * 60_000);
    outcomes.push(...got);
    const shown = got.map((x) => {
      const c = summarise(x);
      return c.skipped
        ? `${x.workload} skipped (${c.skipped})`
        : `${x.workload} ${fmt(c.median)} ${workload(x.workload).unit}`;
    });
    const pass = spec.passes > 1 ? ` pass ${p + 1}` : "";
    const secs = ((performance.now() - t0) / 1000).toFixed(0);
    log(`[${i + 1}/${jobs.length}] ${g} · ${e.label}${pass} (${secs} s): ${shown.join(", ")}`);
  }

  const results = new Results(pool(outcomes).map(summarise));
  const minutes = (performance.now() - started) / 60_000;
  // the command that reproduces the figures (--json only adds a file)
  const shown = argv.filter((a, i) => a !== "--json" && argv[i - 1] !== "--json");
  const command = `npm run bench${shown.length ? ` -- ${shown.join(" ")}` : ""}`;
  const versions = {
    tfjs: peerVersion("@tensorflow/tfjs"),
    tfjsWasm: peerVersion("@tensorflow/tfjs-backend-wasm"),
    ort: peerVersion("onnxruntime-node"),
  };
  const meta = {
    command,
    quick: o.quick,
    machine,
    loadStart,
    loadEnd: loadAverage(),
    minutes,
    versions,
    unavailable,
  };
  write(results, meta, o.out, o.chart);
  if (o.json) writeFileSync(o.json, JSON.stringify({ meta, outcomes }, null, 1));
  log(`wrote ${o.out} and ${o.chart} in ${minutes.toFixed(1)} min (load average now ${meta.loadEnd})`);
}
