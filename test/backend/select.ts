// Selects the backend a test process runs on from NABLA_BACKEND ("reference" when unset), so the
// same op suite runs on every backend: `npm run test:wasm`, or NABLA_BACKEND=wasm with any test.
// Imported by test/helpers/fixtures.ts and preloaded (--import) by test/backend/run-wasm.mjs.
import * as nb from "../../src/index.js";

const name = process.env.NABLA_BACKEND;
if (name && name !== nb.getBackend().name) {
  if (name === "wasm") await nb.initWasm();
  nb.setBackend(name);
}
