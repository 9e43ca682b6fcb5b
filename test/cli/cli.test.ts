// The nabla command, spawned as a user would run it (through tsx, from the sources): a good
// graph run prints SVG; bad input exits non-zero with one line on stderr and no stack trace.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertOneLineError, nabla } from "../helpers/cli.js";

const NEURON = [
  "tanh(x1*w1 + x2*w2 + b)",
  ...["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"].flatMap((v) => ["--var", v]),
];

test("nabla graph prints the SVG of the graph after backward", () => {
  const r = nabla("graph", ...NEURON);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /^<\?xml/);
  assert.match(r.stdout.trimEnd(), /<\/svg>$/);
  for (const text of ["x1", "w1", "b", "tanh", "out", "data 0.7071", "grad &#45;1.5000"]) {
    assert.ok(r.stdout.includes(`>${text}</text>`), `missing ${text}`);
  }
});

test("nabla graph --out writes a file; --format dot gives DOT", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
  try {
    const file = join(dir, "sub", "graph.svg");
    const r = nabla("graph", ...NEURON, "--out", file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote .*graph\.svg \(out = 0\.707106781186547\d\)\n$/);
    assert.match(readFileSync(file, "utf8"), /<svg/);
    const dot = nabla("graph", "a*a", "--var", "a=3", "--format", "dot");
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /^digraph G \{/);
    assert.match(dot.stdout, /\{ out \| data 9\.0000 \| grad 1\.0000 \}/);
    assert.match(dot.stdout, /\{ a \| data 3\.0000 \| grad 6\.0000 \}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a bad expression exits non-zero with one line naming the position", () => {
  assertOneLineError(nabla("graph", "tanh(x1*w1 +", "--var", "x1=1", "--var", "w1=1"), /position 13/);
  assertOneLineError(
    nabla("graph", "x*y", "--var", "x=1"),
    /^nabla: graph: unknown variable "y" at position 3\n$/,
  );
  assertOneLineError(nabla("graph", "x ? 1", "--var", "x=1"), /unexpected character "\?" at position 3/);
});

test("bad options and commands get one line too", () => {
  assertOneLineError(nabla("graph", "x", "--var", "x=abc"), /x must be a finite number/);
  assertOneLineError(nabla("graph", "x", "--var", "x"), /expected name=number/);
  assertOneLineError(nabla("graph"), /missing required argument 'expression'/);
  assertOneLineError(nabla("graph", "x", "--var", "x=1", "--format", "png"), /--format/);
  assertOneLineError(nabla("grahp"), /unknown command 'grahp'.*graph/);
  assertOneLineError(nabla("demo", "moons", "--steps", "0"), /expected a positive integer/);
});

test("an output path that cannot be written is one line", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
  try {
    const blocker = join(dir, "file");
    nabla("graph", "x", "--var", "x=1", "--out", blocker); // a file where a folder is needed
    assertOneLineError(nabla("graph", "x", "--var", "x=1", "--out", join(blocker, "g.svg")), /cannot write/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nabla demo moons prints each step and writes the decision boundary", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
  try {
    const out = join(dir, "moons.svg");
    const r = nabla("demo", "moons", "--steps", "3", "--out", out);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^step {3}1\/3 {2}loss \d+\.\d{4} {2}accuracy \d+%$/);
    assert.match(lines[3]!, /^training accuracy \d+%; decision boundary written to .*moons\.svg$/);
    assert.ok(existsSync(out));
    assert.match(readFileSync(out, "utf8"), /^<svg [\s\S]*<circle [\s\S]*<\/svg>\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nabla --help lists the commands", () => {
  const r = nabla("--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /demo/);
  assert.match(r.stdout, /graph/);
});
