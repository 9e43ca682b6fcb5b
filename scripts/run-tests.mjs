// Test launcher: finds every *.test.ts under src/ and test/ and runs them with Node's built-in
// test runner through tsx (Node 20's --test cannot glob or load TypeScript by itself).
// Extra arguments are passed to node --test (for example --test-name-pattern=matmul).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith("--"));
const flags = args.filter((a) => a.startsWith("--"));
let files = ["src", "test"].flatMap((d) => findTests(d)).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error("run-tests: no test files matched");
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...flags, ...files],
  {
    stdio: "inherit",
  },
);
process.exit(r.status ?? 1);
