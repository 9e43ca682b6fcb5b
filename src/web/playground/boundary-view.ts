// The decision boundary on a canvas: each grid cell tinted with its predicted class's colour,
// deeper where the model is surer, smoothly scaled up; the training points filled and the test
// points as rings on top.
import { fitCanvas } from "../common/chart.js";
import type { Grid, PointSet } from "./trainer.js";

/** Class colours (RGB): blue, red, green, as the library's decision-boundary SVG begins. */
export const CLASS_COLORS: [number, number, number][] = [
  [49, 104, 185],
  [206, 62, 56],
  [47, 158, 68],
];

const rgb = ([r, g, b]: [number, number, number]) => `rgb(${r}, ${g}, ${b})`;

export function drawBoundary(
  canvas: HTMLCanvasElement,
  grid: Grid,
  train: PointSet,
  test: PointSet,
  showTest: boolean,
): void {
  const ctx = fitCanvas(canvas);
  const W = canvas.clientWidth || canvas.width;
  const H = canvas.clientHeight || canvas.height;
  const n = grid.resolution;

  // The heat map: one pixel per cell (row 0 of the image is the top, the grid's last row).
  const cells = document.createElement("canvas");
  cells.width = n;
  cells.height = n;
  const cctx = cells.getContext("2d")!;
  const image = cctx.createImageData(n, n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      const color = CLASS_COLORS[grid.classes[c]! % CLASS_COLORS.length]!;
      const a = 0.12 + 0.5 * Math.max(0, Math.min(1, grid.confidence[c]!));
      const k = 4 * ((n - 1 - j) * n + i);
      for (let ch = 0; ch < 3; ch++) image.data[k + ch] = Math.round(255 * (1 - a) + color[ch]! * a);
      image.data[k + 3] = 255;
    }
  cctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, W, H);
  ctx.drawImage(cells, 0, 0, W, H);

  const [x0, x1, y0, y1] = grid.bounds;
  const px = (x: number) => ((x - x0) / (x1 - x0)) * W;
  const py = (y: number) => (1 - (y - y0) / (y1 - y0)) * H;
  const dot = (set: PointSet, ring: boolean) => {
    for (let p = 0; p < set.labels.length; p++) {
      const color = rgb(CLASS_COLORS[set.labels[p]! % CLASS_COLORS.length]!);
      ctx.beginPath();
      ctx.arc(px(set.xy[2 * p]!), py(set.xy[2 * p + 1]!), ring ? 3.2 : 3.6, 0, 2 * Math.PI);
      if (ring) {
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = color;
        ctx.stroke();
      } else {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = "white";
        ctx.stroke();
      }
    }
  };
  dot(train, false);
  if (showTest) dot(test, true);
}
