// Architecture check: every relative import in src/ must point down the layer order written in
// ARCHITECTURE.md (or stay inside its own layer). The scalar engine (micrograd) stands alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve("src");

// Lower rank = lower layer. A file may import files of its own rank or lower.
const RANKS: [prefix: string, rank: number][] = [
  ["util/", 0],
  ["backend/", 1],
  ["ops/", 2],
  ["autograd/", 3],
  ["tensor/", 4],
  ["index.ts", 5],
  ["nn/", 6],
  ["optim/", 6],
  ["data/", 6],
  ["io/", 6],
  ["viz/", 6],
  ["text/", 6],
  ["models/", 7],
  ["cli/", 8],
  ["web/", 8],
];
const ISOLATED = "micrograd/"; // imports nothing of nabla; only cli/ and web/ import it

export function layerOf(rel: string): { name: string; rank: number } {
  if (rel.startsWith(ISOLATED)) return { name: "micrograd", rank: -1 };
  for (const [prefix, rank] of RANKS)
    if (rel === prefix || rel.startsWith(prefix)) return { name: prefix, rank };
  throw new Error(`architecture: ${rel} is in no layer; add its folder to ARCHITECTURE.md and this test`);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function relativeImports(src: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;
  for (const m of src.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

export function violations(): string[] {
  const bad: string[] = [];
  for (const file of files(SRC)) {
    if (file.endsWith(".test.ts")) continue;
    const from = relative(SRC, file);
    const a = layerOf(from);
    for (const spec of relativeImports(readFileSync(file, "utf8"))) {
      const target = relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, ".ts");
      if (target.startsWith("..")) {
        bad.push(`${from} imports ${spec}, outside src/`);
        continue;
      }
      const b = layerOf(target);
      if (a.name === "micrograd" && b.name !== "micrograd") bad.push(`${from} (micrograd) imports ${target}`);
      else if (b.name === "micrograd" && a.name !== "micrograd" && a.name !== "cli/" && a.name !== "web/")
        bad.push(`${from} imports the scalar engine (${target}); only cli/ and web/ may`);
      else if (b.rank > a.rank) bad.push(`${from} (${a.name}) imports higher layer ${target} (${b.name})`);
    }
  }
  return bad;
}

test("imports point down the layer order", () => {
  assert.deepEqual(violations(), []);
});

test("the check itself catches an upward import", () => {
  assert.equal(layerOf("util/shape.ts").rank < layerOf("tensor/tensor.ts").rank, true);
  assert.throws(() => layerOf("nowhere/x.ts"), /in no layer/);
  assert.deepEqual(relativeImports('import { a } from "../tensor/tensor.js";\nconst m = import("./x.js");'), [
    "../tensor/tensor.js",
    "./x.js",
  ]);
});
