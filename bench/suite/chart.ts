// The suite's chart, bench/benchmarks.svg: one panel per workload, a horizontal bar per engine
// whose length is its median speed (1/time for "lower is better" workloads, so every panel reads
// the same way) on a scale ending at the fastest repetition there, a whisker from the slowest to
// the fastest repetition, the median as a label, and the measured wasm SIMD peaks (best
// repetition) as dashed lines on the matmul panels. Pure string building.
import { ENGINES, type Family } from "./catalog.js";
import { fmt } from "./report.js";
import type { Results } from "./summary.js";
import { WORKLOADS } from "./workloads.js";

const COLORS: Record<Family, string> = {
  nabla: "#3168b9",
  tfjs: "#e8890c",
  ort: "#2f9e44",
  torch: "#ce3e38",
  python: "#7048e8",
  cpu: "#495057",
};
const W = 960;
const LEFT = 250; // engine labels
const RIGHT = 170; // value labels
const ROW = 17;
const TITLE = 22;
const GAP = 12;

/** The peaks drawn on the matmul panels: the bounds of plain SIMD128 and of FMA kernels. */
const PEAKS: [string, string][] = [
  ["peak-simd128", "wasm SIMD128 peak"],
  ["peak-fma", "wasm FMA peak"],
];

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chartSvg(r: Results, subtitle: string): string {
  const parts: string[] = [];
  let y = 70;
  const barW = W - LEFT - RIGHT;
  for (const w of WORKLOADS.filter((x) => x.group !== "peak" && !x.part)) {
    const cells = ENGINES.map((e) => ({ e, c: r.get(e.id, w.id)! })).filter((x) => x.c);
    if (cells.length === 0) continue;
    const speed = (x: number) => (w.higherIsBetter ? x : 1 / x);
    const peaks = (w.group === "matmul" ? PEAKS : [])
      .map(([id, name]) => ({ name, cell: r.get("wasm-peak", id) }))
      .filter((p) => p.cell);
    const top = Math.max(
      ...cells.map(({ c }) => Math.max(speed(c.min), speed(c.max))),
      ...peaks.map((p) => p.cell!.max),
    );
    const at = (v: number) => LEFT + (barW * v) / top;
    const dir = w.higherIsBetter ? "higher is better" : "lower is better";
    parts.push(`<text x="10" y="${y + 14}" class="t">${esc(`${w.title} — ${w.unit}, ${dir}`)}</text>`);
    y += TITLE;
    const y0 = y;
    for (const { e, c } of cells) {
      const [lo, hi] = [speed(c.min), speed(c.max)].sort((a, b) => a - b) as [number, number];
      parts.push(
        `<text x="${LEFT - 8}" y="${y + 12}" class="l">${esc(e.label)}</text>`,
        `<rect x="${LEFT}" y="${y + 3}" width="${(at(speed(c.median)) - LEFT).toFixed(1)}" height="11" fill="${COLORS[e.family]}"/>`,
        `<line x1="${at(lo).toFixed(1)}" x2="${at(hi).toFixed(1)}" y1="${y + 8.5}" y2="${y + 8.5}" class="w"/>`,
        `<text x="${(at(hi) + 6).toFixed(1)}" y="${y + 12}" class="v">${esc(fmt(c.median))}</text>`,
      );
      y += ROW;
    }
    for (const { name, cell } of peaks) {
      const x = at(cell!.max).toFixed(1);
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${y0}" y2="${y + 2}" class="p"/>`,
        `<text x="${x}" y="${y + 13}" class="pl">${esc(`${name} ${fmt(cell!.max)}`)}</text>`,
      );
      y += 13;
    }
    y += GAP;
  }
  const names = { nabla: "nabla", tfjs: "TF.js", ort: "onnxruntime", torch: "PyTorch", python: "Python" };
  const legend = Object.entries(names).map(
    ([f, name], i) =>
      `<rect x="${10 + i * 120}" y="46" width="11" height="11" fill="${COLORS[f as Family]}"/>` +
      `<text x="${26 + i * 120}" y="56" class="v">${name}</text>`,
  );
  legend.push(
    `<line x1="610" x2="630" y1="52" y2="52" class="p"/><text x="636" y="56" class="v">measured wasm peak</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" viewBox="0 0 ${W} ${y + 10}" font-family="system-ui, sans-serif">`,
    "<style>.t{font-size:13px;font-weight:600}.l{font-size:11px;text-anchor:end}.v{font-size:11px}.w{stroke:#222;stroke-width:1}.p{stroke:#495057;stroke-dasharray:4 3}.pl{font-size:10px;fill:#495057;text-anchor:middle}.h{font-size:15px;font-weight:700}.s{font-size:11px;fill:#555}</style>",
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" class="h">nabla vs TF.js, onnxruntime and PyTorch</text>`,
    `<text x="10" y="36" class="s">${esc(`bar: median speed (1/time where lower is better); whisker: slowest–fastest repetition; ${subtitle}`)}</text>`,
    ...legend,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
