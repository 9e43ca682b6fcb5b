// Writes BENCHMARKS.md from the results: the machine, one table per workload group (engine ×
// workload, median [min–max]), where a training step's time goes (its parts, matrix products and
// the rest), nabla's best against each peer, matmul as a fraction of the measured SIMD peak, the
// headline ratios, and every skip and caveat with its reason.
import { ENGINES, engine } from "./catalog.js";
import type { Machine } from "./machine.js";
import type { Cell, Results } from "./summary.js";
import {
  GROUPS,
  SPLIT_STEPS,
  STEP_PARTS,
  WORKLOADS,
  partId,
  workload,
  type Group,
  type SplitStep,
} from "./workloads.js";

export interface Meta {
  command: string;
  quick: boolean;
  machine: Machine;
  loadStart: string;
  loadEnd: string;
  minutes: number;
  versions: Record<string, string | null>;
  /** engines left out before running, with why */
  unavailable: string[];
}

export const fmt = (x: number): string =>
  !Number.isFinite(x)
    ? "—"
    : x >= 1000
      ? Math.round(x).toLocaleString("en-US")
      : x >= 100
        ? x.toFixed(0)
        : x >= 10
          ? x.toFixed(1)
          : x >= 1
            ? x.toFixed(2)
            : x.toPrecision(2);

const cellText = (c: Cell | undefined): string =>
  !c ? "—" : `${fmt(c.median)} [${fmt(c.min)}–${fmt(c.max)}]${c.reps < 5 ? ` (n=${c.reps})` : ""}`;
const ratio = (x: number | null): string => (x === null ? "—" : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`);
const pct = (x: number): string => `${Math.round(100 * x)}%`;
const label = (id: string): string => engine(id).label;

function table(header: string[], rows: string[][]): string {
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function groupTable(r: Results, group: Group): string {
  const ids = WORKLOADS.filter(
    (w) => w.group === group && !w.part && r.cells.some((c) => c.workload === w.id),
  );
  const engines = ENGINES.filter((e) =>
    ids.some((w) => r.cells.some((c) => c.engine === e.id && c.workload === w.id)),
  );
  const best = ids.map((w) =>
    r.fastest(
      engines.map((e) => e.id),
      w.id,
    ),
  );
  const load = (id: string) =>
    r.cells.find((c) => c.engine === id && ids.some((w) => w.id === c.workload))?.load;
  const rows = engines.map((e) => [
    e.label,
    ...ids.map((w, i) => {
      const c = r.get(e.id, w.id);
      return c && c === best[i] ? `**${cellText(c)}**` : cellText(c);
    }),
    load(e.id)?.toFixed(1) ?? "",
  ]);
  const head = ids.map((w) => `${w.title} (${w.unit}, ${w.higherIsBetter ? "higher" : "lower"} is better)`);
  return table(["engine", ...head, "load"], rows);
}

/** Peer columns of the ratio table: one per engine, Python's two gc modes sharing one. */
const PEER_COLUMNS: { title: string; ids: string[] }[] = [
  ...ENGINES.filter((e) => e.family !== "nabla" && e.family !== "cpu" && e.family !== "python").map((e) => ({
    title: `vs ${e.label}`,
    ids: [e.id],
  })),
  { title: "vs Python micrograd-style (gc on / off)", ids: ["micrograd-py", "micrograd-py-nogc"] },
];

function ratioTable(r: Results): string {
  const has = (id: string) => r.cells.some((c) => c.engine === id && !c.skipped);
  const cols = PEER_COLUMNS.filter((col) => col.ids.some(has));
  const rows = WORKLOADS.filter((w) => w.group !== "peak" && !w.part && r.nablaBest(w.id)).map((w) => {
    const ours = r.nablaBest(w.id)!;
    const vs = (id: string) => r.speedup(ours, r.get(id, w.id));
    return [
      w.title,
      `${label(ours.engine)}: ${fmt(ours.median)} ${w.unit}`,
      ...cols.map((col) =>
        col.ids.every((id) => vs(id) === null) ? "—" : col.ids.map((id) => ratio(vs(id))).join(" / "),
      ),
    ];
  });
  return table(["workload", "nabla's best (median)", ...cols.map((c) => c.title)], rows);
}

/** The pairs (engine, the peak that bounds it) of the fraction-of-peak table. */
const BOUNDS: [string, string][] = [
  ["nabla-wasm", "peak-simd128"],
  ["nabla-wasm-fma", "peak-fma"],
  ["nabla-wasm-2t", "peak-simd128-2t"],
  ["tfjs-wasm", "peak-simd128"],
];

/** Fractions of the peak from the best repetitions (the least disturbed), then from the medians. */
function peakTable(r: Results): string {
  const cols = BOUNDS.filter(
    ([e, p]) => r.get("wasm-peak", p) && r.cells.some((c) => c.engine === e && !c.skipped),
  );
  const rows = WORKLOADS.filter((w) => w.group === "matmul" && r.cells.some((c) => c.workload === w.id)).map(
    (w) => [
      w.title,
      ...cols.map(([e, p]) => {
        const c = r.get(e, w.id);
        const peak = r.get("wasm-peak", p)!;
        return c ? `${pct(c.max / peak.max)} (medians: ${pct(c.median / peak.median)})` : "—";
      }),
    ],
  );
  const head = cols.map(
    ([e, p]) => `${label(e)} / ${workload(p).title} (${fmt(r.get("wasm-peak", p)!.max)})`,
  );
  return table(["matmul", ...head], rows);
}

const NABLA_IDS = ENGINES.filter((e) => e.family === "nabla").map((e) => e.id);
const TORCH_IDS = ENGINES.filter((e) => e.family === "torch").map((e) => e.id);
const STEP_TITLES: Record<SplitStep, string> = { mlp: "MLP", "gpt-train": "Char GPT" };

/** A step's milliseconds outside matrix products (total − matrix products, from the medians), or null. */
function rest(r: Results, engineId: string, step: SplitStep): number | null {
  const total = r.get(engineId, partId(step, "total"));
  const mm = r.get(engineId, partId(step, "matmul"));
  return total && mm ? total.median - mm.median : null;
}

/** Of some engines, the one that spends least outside matrix products on a step, or undefined. */
function leanest(r: Results, engineIds: string[], step: SplitStep): { id: string; ms: number } | undefined {
  return engineIds
    .map((id) => ({ id, ms: rest(r, id, step) }))
    .filter((x): x is { id: string; ms: number } => x.ms !== null)
    .reduce<{ id: string; ms: number } | undefined>((a, x) => (!a || x.ms < a.ms ? x : a), undefined);
}

/** One step's parts per engine that reported any (ms per step), the fastest per column in bold. */
function splitTable(r: Results, step: SplitStep): string {
  const engines = ENGINES.filter((e) =>
    STEP_PARTS.some((p) => r.cells.some((c) => c.engine === e.id && c.workload === partId(step, p))),
  );
  const ids = engines.map((e) => e.id);
  const least = leanest(r, ids, step);
  const rows = engines.map((e) => {
    const parts = STEP_PARTS.map((p) => {
      const c = r.get(e.id, partId(step, p));
      return c && c === r.fastest(ids, partId(step, p)) ? `**${cellText(c)}**` : cellText(c);
    });
    const ms = rest(r, e.id, step);
    const total = r.get(e.id, partId(step, "total"));
    const text = ms === null ? "—" : `${fmt(ms)} (${pct(ms / total!.median)})`;
    return [e.label, ...parts, least?.id === e.id ? `**${text}**` : text];
  });
  const head = ["forward", "backward", "optimizer", "total", "matrix products"];
  return table(["engine", ...head, "everything else (share of the step)"], rows);
}

function splitSection(r: Results): string[] {
  const steps = SPLIT_STEPS.filter((s) => r.cells.some((c) => workload(c.workload).part?.of === s));
  if (steps.length === 0) return [];
  return [
    "## Where a training step's time goes",
    "",
    "Milliseconds per training step, median [min–max]. *Forward* (model and loss), *backward* and *optimizer* (zeroGrad, gradient clipping, step) are timed between the parts of the step's own repetitions, and *total* is the whole step (it also reads the loss, so the parts' medians come to a little less); the medians come from the same repetitions but need not add up exactly.",
    "*Matrix products* is the time inside matrix-product kernels over the whole step, from a separate instrumented pass so that the other columns run undisturbed: for nabla, the current backend's `matmul` kernel (every Linear layer, attention product and their gradients go through it) wrapped in a timer; for PyTorch, the self CPU time of its matrix-product ops (`aten::mm`, `aten::addmm`, `aten::bmm` appear; `aten::baddbmm`, `aten::mv` and the like would count too) under `torch.autograd.profiler.profile()`, one profile per step, backward's included. Self time leaves out the ops a product calls itself (`aten::addmm`'s bias copy) and the composites that only dispatch (`aten::matmul`, `aten::linear`).",
    "*Everything else* is total − matrix products (from the medians): elementwise work, reductions, the optimizer, autograd's bookkeeping and memory management: the part of the step that a faster matrix-product kernel (AVX-512 BLAS, say) would not shorten.",
    "",
    ...steps.flatMap((s) => [`### ${workload(s).title}`, "", splitTable(r, s), ""]),
  ];
}

function headlines(r: Results): string[] {
  const lines: string[] = [];
  const peak = r.get("wasm-peak", "peak-simd128");
  const fmaPeak = r.get("wasm-peak", "peak-fma");
  if (peak)
    lines.push(
      `Measured wasm peak of one core (best repetition): ${fmt(peak.max)} GFLOP/s with f32x4 mul+add${fmaPeak ? `, ${fmt(fmaPeak.max)} GFLOP/s with relaxed-SIMD FMA` : ""}.`,
    );
  for (const n of [512, 1024, 2048]) {
    const id = `matmul-${n}`;
    const ours = r.get("nabla-wasm", id);
    const fma = r.get("nabla-wasm-fma", id);
    if (!ours) continue;
    const ofPeak = (c: Cell, p: Cell | undefined) =>
      p ? `, best rep ${pct(c.max / p.max)} of the peak` : "";
    const parts = [`nabla wasm ${fmt(ours.median)} GFLOP/s${ofPeak(ours, peak)}`];
    const tw = r.get("tfjs-wasm", id);
    if (tw) parts.push(`${ratio(r.speedup(ours, tw))} TF.js wasm (${fmt(tw.median)}${ofPeak(tw, peak)})`);
    if (fma) parts.push(`FMA build ${fmt(fma.median)} GFLOP/s${ofPeak(fma, fmaPeak)}`);
    const ort = r.fastest(["ort-1t", "ort-2t"], id);
    if (ort)
      parts.push(
        `nabla's best is ${ratio(r.speedup(r.nablaBest(id), ort))} onnxruntime's best (${label(ort.engine)}, ${fmt(ort.median)})`,
      );
    lines.push(`matmul ${n}: ${parts.join("; ")}.`);
  }
  for (const id of ["mlp", "gpt-train", "gpt-sample", "conv-1", "conv-2"]) {
    const ours = r.nablaBest(id);
    if (!ours) continue;
    const w = workload(id);
    const parts = [`nabla's best (${label(ours.engine)}) ${fmt(ours.median)} ${w.unit}`];
    const tf = r.fastest(["tfjs-cpu", "tfjs-wasm"], id);
    if (tf)
      parts.push(
        `${ratio(r.speedup(ours, tf))} the faster TF.js backend (${label(tf.engine)}, ${fmt(tf.median)})`,
      );
    const pt = r.fastest(["torch-1t", "torch-2t"], id);
    if (pt)
      parts.push(`${ratio(r.speedup(ours, pt))} PyTorch's best (${label(pt.engine)}, ${fmt(pt.median)})`);
    lines.push(`${w.title}: ${parts.join("; ")}.`);
  }
  for (const step of SPLIT_STEPS) {
    const ours = leanest(r, NABLA_IDS, step);
    const pt = leanest(r, TORCH_IDS, step);
    if (!ours) continue;
    const mm = (id: string) => fmt(r.get(id, partId(step, "matmul"))!.median);
    const vs = pt
      ? ` against PyTorch's best (${label(pt.id)}) ${fmt(pt.ms)} ms, so nabla is ${ratio(pt.ms / ours.ms)} as fast there; matrix products take ${mm(ours.id)} and ${mm(pt.id)} ms`
      : "";
    lines.push(
      `${STEP_TITLES[step]} training step outside matrix products (total − matrix products): nabla's best (${label(ours.id)}) ${fmt(ours.ms)} ms per step${vs}.`,
    );
  }
  const moons = r.get("nabla-micrograd", "moons");
  if (moons) {
    const vs = ["micrograd-py", "micrograd-py-nogc"]
      .map((p) => [p, r.get(p, "moons")] as const)
      .filter(([, c]) => c)
      .map(([p, c]) => `${ratio(r.speedup(moons, c))} ${label(p)} (${fmt(c!.median)} ms/step)`);
    lines.push(`moons (scalar engine): nabla/micrograd ${fmt(moons.median)} ms/step; ${vs.join("; ")}.`);
  }
  return lines.map((l) => `- ${l}`);
}

/** Where a second thread gained less than 1.3×, and the likely reason. */
function threadNotes(r: Results, m: Machine): string[] {
  const out: string[] = [];
  const p1 = r.get("wasm-peak", "peak-simd128");
  const p2 = r.get("wasm-peak", "peak-simd128-2t");
  const peakGain = p1 && p2 ? p2.median / p1.median : null;
  const busy =
    peakGain !== null && peakGain < 1.6
      ? `a second core was not free (the 2-thread peak itself reached only ${ratio(peakGain)} the 1-thread peak)`
      : `the 2-thread peak reached ${peakGain === null ? "—" : ratio(peakGain)} at the start of the run, but a second core was not reliably free later (see each table's load column)`;
  const large = (id: string) => /^matmul-(512|1024|2048)$/.test(id); // where threads are worth waking
  const pairs: [string, string, (id: string) => boolean, string][] = [
    [
      "nabla-wasm",
      "nabla-wasm-2t",
      large,
      `the wasm backend splits only large matmuls over threads; ${busy}`,
    ],
    ["ort-1t", "ort-2t", large, busy],
    ["torch-1t", "torch-2t", () => true, m.torchBlas === "generic" ? "its matrix products run in the single-threaded reference BLAS, so only its oneDNN convolutions can use a second thread" : busy], // prettier-ignore
  ];
  for (const [one, two, applies, why] of pairs) {
    const low = WORKLOADS.filter((w) => !w.part && applies(w.id))
      .map((w) => ({ w, x: r.speedup(r.get(two, w.id), r.get(one, w.id)) }))
      .filter((g) => g.x !== null && g.x < 1.3);
    if (low.length === 0) continue;
    const list = low.map((g) => `${g.w.title} ${ratio(g.x)}`).join(", ");
    out.push(`${label(two)} gained less than 1.3× over ${label(one)} on ${list}: ${why}.`);
  }
  return out;
}

function notes(r: Results, meta: Meta): string[] {
  const m = meta.machine;
  const out = [
    `Wall-clock times on a machine shared with other jobs (load average ${meta.loadStart} at the start, ${meta.loadEnd} at the end, on ${m.cores} cores): a busy core inflates medians and widens ranges; the best repetition (the range's fast end) is the least disturbed figure.`,
    'Repetitions run back to back, as a synchronous training loop does, with nothing disposed: nabla frees backward\'s temporaries itself and its WebAssembly heap moves least-recently-used buffers out past its budget (README, "Memory: no dispose, no scopes"), so no engine gets a pause for its garbage collector to catch up.',
    "The wasm peak is the limit of 128-bit WebAssembly SIMD on one core (independent f32x4 chains, no memory traffic): the ceiling for nabla's wasm kernels and TF.js's wasm backend. Native code (onnxruntime, PyTorch's oneDNN convolutions) uses AVX-512 and is not bound by it.",
  ];
  if (m.torch && m.torchBlas === "generic")
    out.push(
      `PyTorch ${m.torch} is Debian's build: its matrix products call the system's libblas.so.3 (BLAS_INFO=generic), here ${m.blasLibrary ?? "unknown"}, so its matmul and Linear layers run single-threaded and far below PyTorch with OpenBLAS or MKL; its convolutions use oneDNN and are unaffected.`,
    );
  out.push(...threadNotes(r, m));
  for (const c of r.cells.filter((x) => x.note && !x.skipped))
    out.push(`${label(c.engine)}, ${workload(c.workload).title}: ${c.note}.`);
  const skipped = new Map<string, string[]>();
  for (const c of r.cells.filter((x) => x.skipped)) {
    const key = `${label(c.engine)}: ${c.skipped}`;
    skipped.set(key, [...(skipped.get(key) ?? []), workload(c.workload).title]);
  }
  for (const [key, ws] of skipped) out.push(`Skipped — ${key} (${ws.join(", ")}).`);
  for (const u of meta.unavailable) out.push(`Not measured — ${u}.`);
  return out.map((l) => `- ${l}`);
}

export function markdown(r: Results, meta: Meta): string {
  const m = meta.machine;
  const v = meta.versions;
  const machine = table(
    ["", ""],
    [
      ["CPU", `${m.cpu}; ${m.cores} cores; ${m.memoryGiB} GiB`],
      ["OS", m.os],
      ["Node", `${m.node} (V8 ${m.v8})`],
      [
        "PyTorch",
        m.torch
          ? `${m.torch}, Python ${m.python}, BLAS_INFO=${m.torchBlas}`
          : `not available (${m.torchMissing})`,
      ],
      [
        "TF.js",
        v.tfjs ? `@tensorflow/tfjs ${v.tfjs}, @tensorflow/tfjs-backend-wasm ${v.tfjsWasm}` : "not installed",
      ],
      ["onnxruntime", v.ort ? `onnxruntime-node ${v.ort}` : "not installed"],
      ["nabla", `commit ${m.commit}`],
      ["run", `${m.date}, ${meta.minutes.toFixed(1)} min; load average ${meta.loadStart} → ${meta.loadEnd}`],
    ],
  );
  const sections = GROUPS.filter((g) => r.cells.some((c) => workload(c.workload).group === g));
  const titles: Record<Group, string> = {
    peak: "Measured peak of this CPU (WebAssembly SIMD128 microbenchmark)",
    matmul: "Matrix multiplication (float32, square)",
    conv: "Convolution layers of a small Fashion-MNIST CNN (3×3, padding 1, forward + backward)",
    mlp: "MLP training step",
    gpt: "Character GPT (4 layers, 4 heads, width 128, block 64; AdamW, clipping)",
    moons: "Scalar autograd engine (micrograd's moons demo, MLP(2, [16, 16, 1]), 100 points)",
  };
  return [
    "# nabla benchmarks",
    "",
    `Generated by \`${meta.command}\` (bench/run.ts; the suite lives in bench/suite/) — do not edit by hand.${meta.quick ? " **Quick pass**: fewer repetitions, no 2048 matmul." : ""}`,
    "Run it with `npm run bench` (about 8–10 minutes on 2 cores; the peers install into bench/peers on first use), `npm run bench -- --quick` for a fast pass, `npm run bench -- --help` for the options.",
    "Each cell is the **median [min–max]** over timed repetitions after warm-up (n shown when under 5); the best engine per column is in bold; *load* is the 1-minute load average when that engine's process started.",
    "",
    machine,
    "",
    "## Headlines",
    "",
    ...headlines(r),
    "",
    ...sections.flatMap((g) => [`## ${titles[g]}`, "", groupTable(r, g), ""]),
    ...splitSection(r),
    "## nabla's best against each peer",
    "",
    "How many times as fast nabla's best engine is (medians; above 1× nabla is faster, below it is slower).",
    "",
    ratioTable(r),
    "",
    "## Matmul as a fraction of the measured peak",
    "",
    "Each engine's best repetition over the peak's best (the least disturbed figures; the medians' ratio follows).",
    "",
    peakTable(r),
    "",
    "## Notes",
    "",
    ...notes(r, meta),
    "",
    "![benchmark chart](bench/benchmarks.svg)",
    "",
  ].join("\n");
}
