// Pictures of the graph: the DOT text names every value and op, and Graphviz (WebAssembly)
// turns it into SVG that carries the labels.

import { test } from "node:test";
import assert from "node:assert/strict";
import { GraphDrawing, Value, drawGraph, drawGraphSvg } from "../../src/micrograd/index.js";

function lectureNeuron(): Value {
  const x1 = new Value(2.0, { label: "x1" });
  const x2 = new Value(0.0, { label: "x2" });
  const w1 = new Value(-3.0, { label: "w1" });
  const w2 = new Value(1.0, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const x1w1 = x1.mul(w1);
  x1w1.label = "x1*w1";
  const x2w2 = x2.mul(w2);
  x2w2.label = "x2*w2";
  const n = x1w1.add(x2w2).add(b);
  n.label = "n";
  const o = n.tanh();
  o.label = "o";
  o.backward();
  return o;
}

/** Checks that the tags of an XML text nest properly (a small well-formedness check). */
function assertWellFormedXml(xml: string): void {
  const body = xml
    .replace(/<\?xml[^>]*\?>/, "")
    .replace(/<!DOCTYPE[^>]*>/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong tag`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], "unclosed tags");
}

test("DOT has a record per value with label, data and grad, and a node per op", () => {
  const o = lectureNeuron();
  const drawing = drawGraph(o);
  assert.ok(drawing instanceof GraphDrawing);
  const dot = drawing.dot;
  assert.match(dot, /^digraph G \{\n {2}rankdir=LR;/);
  for (const label of ["x1", "x2", "w1", "w2", "b", "n", "o"]) {
    assert.match(dot, new RegExp(`label="\\{ ${label} \\| data `), `value ${label}`);
  }
  assert.match(dot, /label="\{ o \| data 0\.7071 \| grad 1\.0000 \}"/);
  assert.match(dot, /label="\{ x1 \| data 2\.0000 \| grad -1\.5000 \}"/);
  assert.match(dot, /label="\{ x1\*w1 \| data -6\.0000 \| grad 0\.5000 \}"/);
  const ops = [...dot.matchAll(/_op \[label="([^"]+)"\]/g)].map((m) => m[1]).sort();
  assert.deepEqual(ops, ["*", "*", "+", "+", "tanh"]);
  // 10 values (5 leaves + 5 results), and every op feeds the value it made
  assert.equal([...dot.matchAll(/shape=record/g)].length, 10);
  assert.equal([...dot.matchAll(/v\d+_op -> v\d+;/g)].length, 5);
  assert.equal(String(drawing), dot);
});

test("a value used twice is drawn once, with an edge to each use", () => {
  const a = new Value(3, { label: "a" });
  const dot = drawGraph(a.mul(a)).dot;
  assert.equal([...dot.matchAll(/\{ a \|/g)].length, 1);
  assert.equal([...dot.matchAll(/v0 -> v1_op;/g)].length, 2);
});

test("labels with DOT's special characters are escaped", () => {
  const v = new Value(1, { label: 'a{b}|"c"<d>' });
  const dot = drawGraph(v, { rankdir: "TB", digits: 2 }).dot;
  assert.match(dot, /rankdir=TB;/);
  assert.ok(dot.includes('label="{ a\\{b\\}\\|\\"c\\"\\<d\\> | data 1.00 | grad 0.00 }"'), dot);
});

test("SVG: valid SVG text that contains the labels", async () => {
  const o = lectureNeuron();
  const svg = await drawGraph(o).svg();
  assert.match(svg, /^<\?xml version="1\.0"/);
  assert.match(svg, /<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.trimEnd(), /<\/svg>$/);
  assertWellFormedXml(svg);
  // Graphviz writes each record field as one <text>, and a minus sign as &#45;.
  for (const text of ["x1", "x2", "w1", "w2", "b", "n", "o", "tanh", "data 0.7071", "grad &#45;1.5000"]) {
    assert.ok(svg.includes(`>${text}</text>`), `SVG lacks the text ${text}`);
  }
  assert.equal(await drawGraphSvg(o), svg);
});

test("drawGraph names a wrong argument", () => {
  assert.throws(() => drawGraph(3 as unknown as Value), /drawGraph: expected a Value, got 3/);
});
