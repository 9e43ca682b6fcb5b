// `npm run test:wasm` / `npm run test:reference`: runs the op suite (and the layers above it) with
// every tensor on one backend, named by the first argument. `npm run test:unit` runs everything on
// the default backend (WebAssembly where the runtime has SIMD); `npm test` adds the reference run,
// so the whole op suite runs on both. Extra arguments narrow the files, as with `npm run test:unit`.
import { spawnSync } from "node:child_process";

const [backend, ...args] = process.argv.slice(2);
if (backend !== "wasm" && backend !== "reference") {
  console.error("usage: node test/backend/run-on.mjs wasm|reference [files…] [--flags]");
  process.exit(2);
}
const suites = ["test/tensor/", "test/autograd/", "test/nn/", "test/optim/", "test/backend/"];
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
  { stdio: "inherit", env: { ...process.env, NABLA_BACKEND: backend } },
);
process.exit(r.status ?? 1);
