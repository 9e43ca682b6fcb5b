// `npm run test:wasm`: runs the op suite (and the layers above it) with every tensor on the
// WebAssembly backend. Extra arguments narrow the files, as with `npm run test:unit`.
import { spawnSync } from "node:child_process";

const suites = ["test/tensor/", "test/autograd/", "test/nn/", "test/optim/", "test/backend/"];
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const flags = args.filter((a) => a.startsWith("--"));
const r = spawnSync(
  process.execPath,
  [
    "scripts/run-tests.mjs",
    "--import=./test/backend/select.ts",
    ...flags,
    ...(files.length ? files : suites),
  ],
  { stdio: "inherit", env: { ...process.env, NABLA_BACKEND: "wasm" } },
);
process.exit(r.status ?? 1);
