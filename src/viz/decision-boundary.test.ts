// The decision-boundary picture: well-formed SVG with a heat map, a boundary and every point.

import { test } from "node:test";
import assert from "node:assert/strict";
import { decisionBoundarySvg } from "./decision-boundary.js";

const points: [number, number][] = [
  [-1, 0],
  [1, 0],
  [0, 1],
];
const labels = [-1, 1, 1];

test("a linear classifier: heat map cells, one straight boundary, every point", () => {
  const svg = decisionBoundarySvg({ points, labels, score: (x) => x, resolution: 10, title: "x > 0 & more" });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.trimEnd(), /<\/svg>$/);
  assert.equal([...svg.matchAll(/<circle /g)].length, 3);
  assert.equal(
    [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#/g)].length,
    100,
  );
  assert.match(svg, /x &gt; 0 &amp; more/);
  // The boundary x = 0 is a vertical line: every segment starts and ends at the same pixel x.
  const d = /<path d="([^"]+)"/.exec(svg)![1]!;
  const xs = [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
  assert.ok(xs.length >= 2 && xs.every((x) => Math.abs(x - xs[0]!) < 0.01));
  // Both classes' colours appear: red on the right, blue on the left.
  assert.match(svg, /fill="#ce3e38"/);
  assert.match(svg, /fill="#3168b9"/);
});

test("a classifier that never changes sign draws no boundary", () => {
  const svg = decisionBoundarySvg({ points, labels, score: () => 1, resolution: 4 });
  assert.doesNotMatch(svg, /<path /);
});

test("wrong inputs are named", () => {
  const score = () => 0;
  assert.throws(() => decisionBoundarySvg({ points: [], labels: [], score }), /no points to plot/);
  assert.throws(() => decisionBoundarySvg({ points, labels: [1], score }), /3 points but 1 labels/);
  assert.throws(() => decisionBoundarySvg({ points, labels, score, resolution: 1 }), /resolution must be/);
});
