// A live line chart on a canvas (loss curves that grow while a model trains): axes with nice ticks
// (the tick rule of src/viz/line-chart.ts), one polyline per series and a legend. Redrawn whole on
// every update, which is cheap at these sizes; sharp on high-density screens.
import { ticks } from "../../viz/line-chart.js";

export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
}

const M = { left: 48, right: 12, top: 12, bottom: 28 };

/** Sizes the canvas's backing store to its CSS size times the device pixel ratio. */
export function fitCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const hgt = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(hgt * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(hgt * ratio);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** Draws the series; x from the smallest to the largest x, y from 0 (or the lowest y) to the highest. */
export function drawChart(canvas: HTMLCanvasElement, series: readonly ChartSeries[], xLabel: string): void {
  const ctx = fitCanvas(canvas);
  const W = canvas.clientWidth || canvas.width;
  const H = canvas.clientHeight || canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px system-ui, sans-serif";
  const all = series.flatMap((s) => s.points.filter(([, y]) => Number.isFinite(y)));
  if (all.length === 0) {
    ctx.fillStyle = "#868e96";
    ctx.fillText("no data yet", M.left, M.top + 14);
    return;
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, 0, -Infinity]; // y from 0 unless a value is lower
  for (const [x, y] of all)
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number) => M.top + (1 - (y - y0) / (y1 - y0)) * ph;

  ctx.strokeStyle = "#dee2e6";
  ctx.fillStyle = "#495057";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  for (const t of ticks(y0, y1, 4)) {
    ctx.beginPath();
    ctx.moveTo(M.left, py(t));
    ctx.lineTo(W - M.right, py(t));
    ctx.stroke();
    ctx.fillText(String(t), M.left - 4, py(t) + 4);
  }
  ctx.textAlign = "center";
  for (const t of ticks(x0, x1, 5)) ctx.fillText(String(t), px(t), H - M.bottom + 14);
  ctx.fillText(xLabel, M.left + pw / 2, H - 2);

  ctx.lineWidth = 1.5;
  series.forEach((s) => {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px(x), py(y));
      else ctx.moveTo(px(x), py(y));
      pen = true;
    }
    ctx.stroke();
  });
  // The legend, on a white ground so that lines passing behind it do not hide it.
  ctx.textAlign = "right";
  const width = Math.max(...series.map((s) => ctx.measureText(s.name).width));
  ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
  ctx.fillRect(W - M.right - width - 8, M.top + 1, width + 8, 14 * series.length + 4);
  series.forEach((s, k) => {
    ctx.fillStyle = s.color;
    ctx.fillText(s.name, W - M.right - 4, M.top + 12 + 14 * k);
  });
}
