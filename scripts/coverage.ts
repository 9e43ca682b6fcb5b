// The op × backend × dtype coverage table, generated from the code: runs a small sample of every
// public op (exported function or Tensor method) on every backend for every dtype, forward and
// backward, and writes docs/coverage.md. Run: node --import tsx scripts/coverage.ts
// test/coverage.test.ts fails when an exported op has no sample here or the doc is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as nb from "../src/index.js";
import { SAMPLES, NOT_OPS, type Maker, type Sample } from "./coverage-samples.js";

export const DOC = fileURLToPath(new URL("../docs/coverage.md", import.meta.url));

type Mark = "✓" | "✗" | "—";
export interface Cell {
  mark: Mark;
  note?: string;
  /** wasm backend: some kernel of the call ran the reference code over the heap, not WebAssembly */
  fallback?: boolean;
}

/** Kernel calls the WebAssembly backend ran through the reference code so far (0 for other backends). */
function fallbacks(): number {
  const counts = (nb.getBackend() as { counts?: Record<string, { fallback: number }> }).counts;
  return counts ? Object.values(counts).reduce((n, c) => n + c.fallback, 0) : 0;
}
export interface Row {
  op: string;
  forms: string;
  cells: Cell[];
}
export interface Coverage {
  columns: { backend: string; dtype: nb.DType }[];
  rows: Row[];
}

const api = nb as unknown as Record<string, unknown>;

/** Public functions of the index and own properties (methods and getters) of Tensor.prototype. */
export function publicNames(): { functions: string[]; methods: string[] } {
  const functions = Object.keys(api).filter((k) => typeof api[k] === "function");
  const methods = Object.getOwnPropertyNames(nb.Tensor.prototype);
  return { functions: functions.sort(), methods: methods.sort() };
}

/** Public names with neither a sample nor a reason for not being an op, and samples of nothing. */
export function missingSamples(): { unsampled: string[]; stale: string[] } {
  const { functions, methods } = publicNames();
  const all = new Set([...functions, ...methods]);
  const unsampled = [...all].filter((n) => !(n in SAMPLES) && !(n in NOT_OPS)).sort();
  const stale = [...Object.keys(SAMPLES), ...Object.keys(NOT_OPS)].filter((n) => !all.has(n)).sort();
  return { unsampled, stale };
}

function maker(dtype: nb.DType, grad: boolean): Maker {
  const isFloat = dtype === "float32" || dtype === "float64";
  const value = (i: number) => (isFloat ? 0.25 + (i % 7) * 0.1 : dtype === "int32" ? 1 + (i % 3) : i % 2);
  return {
    dtype,
    t(shape, values) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = values ?? Array.from({ length: n }, (_, i) => value(i));
      const t = nb.fromArray(v, shape, { dtype });
      return grad && isFloat ? t.requiresGrad_() : t;
    },
    int: (values, shape = [values.length]) => nb.fromArray(values, shape, { dtype: "int32" }),
    bool: (values, shape = [values.length]) => nb.fromArray(values, shape, { dtype: "bool" }),
  };
}

function tensorsIn(r: unknown): nb.Tensor[] {
  if (r instanceof nb.Tensor) return [r];
  if (r !== null && typeof r === "object" && Symbol.iterator in r)
    return Array.from(r as Iterable<unknown>).filter((x): x is nb.Tensor => x instanceof nb.Tensor);
  return [];
}

function classify(e: unknown, stage = ""): Cell {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof nb.UnsupportedError) return { mark: "✗", note: stage + msg };
  // a normal error from the op in forward means it rejects the dtype; in backward it is a gap
  if (e instanceof nb.NablaError && !stage) return { mark: "—", note: msg };
  const name = e instanceof Error ? e.name : "thrown";
  return { mark: "✗", note: `${stage}${name}: ${msg}` };
}

/** Runs one form of a sample; backpropagates from every float output that requires grad. */
function runOnce(call: () => unknown): Cell {
  let out: unknown;
  try {
    out = call();
  } catch (e) {
    return classify(e);
  }
  const diff = tensorsIn(out).filter(
    (t) => t.requiresGrad && (t.dtype === "float32" || t.dtype === "float64"),
  );
  if (diff.length === 0) return { mark: "✓" };
  try {
    diff
      .map((t) => t.sum())
      .reduce((a, b) => a.add(b))
      .backward();
  } catch (e) {
    return classify(e, "backward: ");
  }
  return { mark: "✓" };
}

/** The calls a sample makes: its custom run, or the method and the function on the same arguments. */
function calls(name: string, s: Sample, m: () => Maker): { form: string; call: () => unknown }[] {
  if (s.run) return [{ form: "run", call: () => s.run!(m()) }];
  const out: { form: string; call: () => unknown }[] = [];
  const desc = Object.getOwnPropertyDescriptor(nb.Tensor.prototype, name);
  if (desc)
    out.push({
      form: "method",
      call: () => {
        const [self, ...rest] = s.args!(m()) as [nb.Tensor, ...unknown[]];
        const member = (self as unknown as Record<string, unknown>)[name];
        return desc.get ? member : (member as (...a: unknown[]) => unknown).apply(self, rest);
      },
    });
  if (typeof api[name] === "function")
    out.push({ form: "function", call: () => (api[name] as (...a: unknown[]) => unknown)(...s.args!(m())) });
  return out;
}

export function runCell(name: string, s: Sample, dtype: nb.DType): Cell {
  const results = calls(name, s, () => maker(dtype, s.grad !== false)).map((c) => ({
    form: c.form,
    cell: runOnce(c.call),
  }));
  const bad = results.find((r) => r.cell.mark !== "✓");
  if (!bad) return { mark: "✓" };
  const good = results.find((r) => r.cell.mark === "✓");
  if (good) return { mark: "✗", note: `the ${good.form} works but the ${bad.form} fails: ${bad.cell.note}` };
  return bad.cell;
}

function formsOf(name: string): string {
  const f = typeof api[name] === "function";
  const desc = Object.getOwnPropertyDescriptor(nb.Tensor.prototype, name);
  const m = desc ? (desc.get ? "property" : "method") : "";
  return [f ? "function" : "", m].filter(Boolean).join(", ");
}

/** Runs every sample on every backend and dtype (global state is restored afterwards). */
export function coverage(): Coverage {
  const before = nb.getBackend().name;
  const rng = nb.defaultGenerator.getState();
  const grad = nb.isGradEnabled();
  const columns = nb.listBackends().flatMap((backend) => nb.DTYPES.map((dtype) => ({ backend, dtype })));
  const rows: Row[] = Object.keys(SAMPLES)
    .sort()
    .map((op) => ({ op, forms: formsOf(op), cells: [] }));
  try {
    nb.setGradEnabled(true);
    for (const { backend, dtype } of columns) {
      nb.setBackend(backend);
      nb.manualSeed(0);
      for (const row of rows) {
        const f0 = fallbacks();
        const cell = runCell(row.op, SAMPLES[row.op]!, dtype);
        if (fallbacks() > f0) cell.fallback = true;
        row.cells.push(cell);
      }
    }
  } finally {
    nb.setBackend(before);
    nb.defaultGenerator.setState(rng);
    nb.setGradEnabled(grad);
  }
  return { columns, rows };
}

const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderMarkdown(c: Coverage): string {
  const notes: string[] = [];
  const noteIndex = new Map<string, number>();
  const rejects = new Map<string, { op: string; cols: string[]; msg: string }>();
  const colName = (i: number) => `${c.columns[i]!.backend} ${c.columns[i]!.dtype}`;
  const lines = [
    "# Op coverage",
    "",
    "Generated by `node --import tsx scripts/coverage.ts` from a small sample call of every public op;",
    "do not edit by hand (`test/coverage.test.ts` fails when this file is out of date).",
    "",
    "✓ works (forward, and backward where the result requires grad) · ✗ fails: unsupported by the",
    "backend or a bug (see the numbered notes) · — not applicable: the op rejects the dtype with an",
    "ordinary error (reasons at the end). On the wasm backend, ✓ means every kernel the call ran was",
    "WebAssembly; ✓ʳ that some ran the reference backend's code over the WebAssembly heap (float64,",
    "int32 and bool arithmetic, reductions and matmul; see src/backend/wasm/backend.ts).",
    "",
    `| op | form | ${c.columns.map((_, i) => colName(i)).join(" | ")} |`,
    `| --- | --- | ${c.columns.map(() => ":-:").join(" | ")} |`,
  ];
  for (const r of c.rows) {
    const cells = r.cells.map((cell, i) => {
      if (cell.mark === "—") {
        // one line per op and reason: the same message for another dtype joins it
        const key = `${r.op}\u0000${(cell.note ?? "").replaceAll(c.columns[i]!.dtype, "")}`;
        const entry = rejects.get(key) ?? { op: r.op, cols: [], msg: cell.note ?? "" };
        entry.cols.push(colName(i));
        rejects.set(key, entry);
        return "—";
      }
      if (cell.mark === "✓") return cell.fallback ? "✓ʳ" : "✓";
      const text = `\`${r.op}\` (${colName(i)}): ${cell.note}`;
      let n = noteIndex.get(text);
      if (n === undefined) {
        notes.push(text);
        n = notes.length;
        noteIndex.set(text, n);
      }
      return `✗ ${n}`;
    });
    lines.push(`| \`${r.op}\` | ${r.forms} | ${cells.join(" | ")} |`);
  }
  const ok = c.rows.filter((r) => r.cells.every((x) => x.mark !== "✗")).length;
  lines.push("", `${c.rows.length} ops; ${ok} without a failure.`, "");
  if (notes.length) {
    lines.push("## Failures", "");
    notes.forEach((n, i) => lines.push(`${i + 1}. ${escape(n)}`));
    lines.push("");
  }
  lines.push("## Why a dtype is not applicable", "", "| op | dtypes | error |", "| --- | --- | --- |");
  for (const { op, cols, msg } of rejects.values())
    lines.push(`| \`${op}\` | ${cols.join(", ")} | ${escape(msg)} |`);
  return lines.join("\n") + "\n";
}

function main(): void {
  const { unsampled, stale } = missingSamples();
  if (unsampled.length)
    console.error(`coverage: no sample for ${unsampled.join(", ")}; add them to scripts/coverage-samples.ts`);
  if (stale.length) console.error(`coverage: samples of names that are not public: ${stale.join(", ")}`);
  writeFileSync(DOC, renderMarkdown(coverage()));
  console.log(`coverage: wrote ${DOC}`);
  if (unsampled.length || stale.length) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
