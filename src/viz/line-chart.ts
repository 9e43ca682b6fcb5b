// Line charts as SVG: one or more panels (loss, accuracy…), each with several named series over a
// shared x axis (steps or epochs). Pure string building; knows nothing of models or tensors.

export interface Series {
  name: string;
  /** [x, y] points; non-finite y values are skipped */
  points: readonly (readonly [number, number])[];
  color?: string;
}

export interface Panel {
  title: string;
  series: readonly Series[];
  yLabel?: string;
  /** fixed y range, e.g. [0, 1] for accuracy */
  yRange?: readonly [number, number];
}

export interface LineChartOptions {
  panels: readonly Panel[];
  xLabel?: string;
  width?: number;
  panelHeight?: number;
  title?: string;
}

const PALETTE = ["#3168b9", "#ce3e38", "#2f9e44", "#e8890c", "#7048e8", "#495057"];
const M = { left: 56, right: 120, top: 28, bottom: 34 };

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(1)
    : String(Number(v.toPrecision(4)));

function panelSvg(
  panel: Panel,
  xRange: [number, number],
  x0: number,
  y0: number,
  w: number,
  h: number,
  xLabel?: string,
): string {
  const pts = panel.series.flatMap((s) => s.points.filter(([, y]) => Number.isFinite(y)));
  let [ylo, yhi] = panel.yRange ?? [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (!Number.isFinite(ylo) || !Number.isFinite(yhi)) [ylo, yhi] = [0, 1];
  if (ylo === yhi) [ylo, yhi] = [ylo - 0.5, yhi + 0.5];
  const [xlo, xhi] = xRange;
  const sx = (x: number) => x0 + ((x - xlo) / (xhi - xlo || 1)) * w;
  const sy = (y: number) => y0 + h - ((y - ylo) / (yhi - ylo)) * h;
  const parts: string[] = [];
  parts.push(
    `<text x="${x0 + w / 2}" y="${y0 - 8}" text-anchor="middle" font-size="13" font-weight="bold">${esc(panel.title)}</text>`,
  );
  for (const t of ticks(ylo, yhi)) {
    parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${x0 - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of ticks(xlo, xhi))
    parts.push(`<text x="${sx(t)}" y="${y0 + h + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  parts.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#868e96"/>`);
  if (panel.yLabel)
    parts.push(
      `<text transform="translate(${x0 - 42},${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(panel.yLabel)}</text>`,
    );
  if (xLabel)
    parts.push(
      `<text x="${x0 + w / 2}" y="${y0 + h + 30}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    );
  panel.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const path = s.points
      .filter(([, y]) => Number.isFinite(y))
      .map(
        ([x, y], k) =>
          `${k === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(Math.min(yhi, Math.max(ylo, y))).toFixed(1)}`,
      )
      .join("");
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    if (s.points.length === 1) {
      const [x, y] = s.points[0]!;
      parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${color}"/>`);
    }
    const ly = y0 + 14 + i * 18;
    parts.push(
      `<line x1="${x0 + w + 12}" x2="${x0 + w + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${x0 + w + 34}" y="${ly}" font-size="11">${esc(s.name)}</text>`);
  });
  return parts.join("\n");
}

/** Renders the panels stacked vertically as one SVG document. */
export function lineChartSvg(opts: LineChartOptions): string {
  const { panels, xLabel, width = 640, panelHeight = 220, title } = opts;
  if (panels.length === 0) throw new RangeError("lineChartSvg: no panels to draw");
  const xs = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xRange: [number, number] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const top = title ? 24 : 0;
  const h = panelHeight - M.top - M.bottom;
  const w = width - M.left - M.right;
  const height = top + panels.length * panelHeight;
  const body = panels.map((p, i) =>
    panelSvg(
      p,
      xRange,
      M.left,
      top + i * panelHeight + M.top,
      w,
      h,
      i === panels.length - 1 ? xLabel : undefined,
    ),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    title
      ? `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`
      : "",
    ...body,
    "</svg>",
  ].join("\n");
}
