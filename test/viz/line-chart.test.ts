// The line chart: valid SVG with one path per series, legends, nice ticks, and clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lineChartSvg, ticks } from "../../src/viz/line-chart.js";

test("ticks are round numbers covering the range", () => {
  assert.deepEqual(ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(0.13, 2.4), [0.5, 1, 1.5, 2]);
  assert.deepEqual(ticks(3, 3), [3]);
});

test("a two-panel chart has a path and a legend entry per series", () => {
  const svg = lineChartSvg({
    title: "training",
    xLabel: "epoch",
    panels: [
      {
        title: "loss",
        series: [
          {
            name: "train",
            points: [
              [1, 0.9],
              [2, 0.5],
              [3, 0.4],
            ],
          },
          {
            name: "test",
            points: [
              [1, 1],
              [2, 0.6],
              [3, NaN],
            ],
          },
        ],
      },
      {
        title: "accuracy",
        yRange: [0, 1],
        series: [
          {
            name: "test",
            points: [
              [1, 0.7],
              [2, 0.85],
              [3, 0.88],
            ],
          },
        ],
      },
    ],
  });
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  assert.equal((svg.match(/<path /g) ?? []).length, 3);
  for (const label of ["training", "epoch", "loss", "accuracy", "train", "test"])
    assert.ok(svg.includes(`>${label}<`), label);
  assert.ok(!svg.includes("NaN"));
  assert.throws(() => lineChartSvg({ panels: [] }), /no panels/);
});
