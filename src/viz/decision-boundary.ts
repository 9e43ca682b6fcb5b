// A decision boundary as an SVG picture: a classifier's score evaluated on a grid and drawn as a
// heat map (blue where the score is negative, red where positive, paler near zero), the score-0
// contour, and the labelled points on top. Knows nothing of any model: it takes a score callback.

export interface DecisionBoundaryOptions {
  /** The points, one [x, y] each. */
  points: readonly (readonly [number, number])[];
  /** One label per point; a label > 0 is the positive class, anything else the negative one. */
  labels: readonly number[];
  /** The classifier's score at (x, y); its sign is the predicted class. */
  score: (x: number, y: number) => number;
  /** Grid cells along each axis (default 60). */
  resolution?: number;
  /** Picture width and height in pixels (default 480 × 400). */
  width?: number;
  height?: number;
  /** A title drawn above the plot. */
  title?: string;
  /** Margin added around the points' bounding box, in data units (default 0.5). */
  pad?: number;
}

const NEGATIVE = [49, 104, 185]; // blue
const POSITIVE = [206, 62, 56]; // red
const MARGIN = { left: 44, right: 12, top: 28, bottom: 32 };

/** Renders the decision boundary of `score` around `points` as SVG text. */
export function decisionBoundarySvg(options: DecisionBoundaryOptions): string {
  const { points, labels, score, resolution = 60, width = 480, height = 400, title, pad = 0.5 } = options;
  if (points.length === 0) throw new RangeError("decisionBoundarySvg: no points to plot");
  if (labels.length !== points.length) {
    throw new RangeError(`decisionBoundarySvg: ${points.length} points but ${labels.length} labels`);
  }
  if (!Number.isInteger(resolution) || resolution < 2) {
    throw new RangeError(`decisionBoundarySvg: resolution must be an integer ≥ 2, got ${resolution}`);
  }

  // Data bounds and the map from data units to pixels (y grows upwards in data, downwards in SVG).
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`decisionBoundarySvg: points must be finite, got [${x}, ${y}]`);
    }
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  [x0, x1, y0, y1] = [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  // Scores at the grid's corners: (resolution + 1)² samples, cell (i, j) spans corners i..i+1, j..j+1.
  const n = resolution;
  const gx = (i: number): number => x0 + ((x1 - x0) * i) / n;
  const gy = (j: number): number => y0 + ((y1 - y0) * j) / n;
  const corner: number[][] = [];
  for (let j = 0; j <= n; j++) {
    const row: number[] = [];
    for (let i = 0; i <= n; i++) row.push(score(gx(i), gy(j)));
    corner.push(row);
  }

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  );
  if (title)
    out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`);

  // Heat map: one rect per cell, coloured by the score at its centre (mean of its corners).
  out.push('<g shape-rendering="crispEdges">');
  const cellW = plotW / n;
  const cellH = plotH / n;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const s = (corner[j]![i]! + corner[j]![i + 1]! + corner[j + 1]![i]! + corner[j + 1]![i + 1]!) / 4;
      const x = fmt(px(gx(i)));
      const y = fmt(py(gy(j + 1)));
      out.push(
        `<rect x="${x}" y="${y}" width="${fmt(cellW + 0.5)}" height="${fmt(cellH + 0.5)}" fill="${shade(s)}"/>`,
      );
    }
  }
  out.push("</g>");

  // The boundary itself: the score-0 contour, by marching squares over the corner grid.
  const segments: string[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = [corner[j]![i]!, corner[j]![i + 1]!, corner[j + 1]![i + 1]!, corner[j + 1]![i]!];
      const at: [number, number][] = [
        [gx(i), gy(j)],
        [gx(i + 1), gy(j)],
        [gx(i + 1), gy(j + 1)],
        [gx(i), gy(j + 1)],
      ];
      const crossings: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const a = c[e]!;
        const b = c[(e + 1) % 4]!;
        if (a > 0 !== b > 0) {
          const t = a / (a - b); // where the straight line between the two scores crosses 0
          const p = at[e]!;
          const q = at[(e + 1) % 4]!;
          crossings.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
        }
      }
      // Two crossings: one segment; four (a saddle): pair them up in order.
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const [a, b] = [crossings[k]!, crossings[k + 1]!];
        segments.push(`M${fmt(px(a[0]))},${fmt(py(a[1]))}L${fmt(px(b[0]))},${fmt(py(b[1]))}`);
      }
    }
  }
  if (segments.length > 0) {
    out.push(
      `<path d="${segments.join("")}" fill="none" stroke="black" stroke-width="1.5" stroke-opacity="0.7"/>`,
    );
  }

  // Axes: a frame with a few ticks.
  const left = MARGIN.left;
  const top = MARGIN.top;
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  for (const t of ticks(x0, x1)) {
    const x = fmt(px(t));
    out.push(
      `<line x1="${x}" y1="${top + plotH}" x2="${x}" y2="${top + plotH + 4}" stroke="#444"/>`,
      `<text x="${x}" y="${top + plotH + 16}" text-anchor="middle">${fmtTick(t)}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    const y = fmt(py(t));
    out.push(
      `<line x1="${left - 4}" y1="${y}" x2="${left}" y2="${y}" stroke="#444"/>`,
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmtTick(t)}</text>`,
    );
  }

  // The data, coloured by true label.
  out.push('<g stroke="black" stroke-width="0.8">');
  points.forEach(([x, y], k) => {
    const fill = labels[k]! > 0 ? rgb(POSITIVE) : rgb(NEGATIVE);
    out.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="4" fill="${fill}"/>`);
  });
  out.push("</g>", "</svg>");
  return out.join("\n") + "\n";
}

/** The colour of a score: its class's colour, fading to white as the score approaches 0. */
function shade(s: number): string {
  if (!Number.isFinite(s)) return "#888888";
  const strength = 0.25 + 0.45 * Math.tanh(Math.abs(s)); // never fully white, never full colour
  const base = s > 0 ? POSITIVE : NEGATIVE;
  return rgb(base.map((c) => 255 + (c - 255) * strength));
}

function rgb([r, g, b]: readonly number[]): string {
  const hex = (c: number): string => Math.round(c).toString(16).padStart(2, "0");
  return `#${hex(r!)}${hex(g!)}${hex(b!)}`;
}

/** Round numbers between lo and hi, about five of them (steps of 1, 2 or 5 times a power of ten). */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Math.round(t / step) * step);
  return out;
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function fmtTick(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
