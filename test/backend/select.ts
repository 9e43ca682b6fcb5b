// Selects the backend a test process runs on from NABLA_BACKEND (the default backend when unset), so the
// same op suite runs on every backend: `npm run test:wasm` / `test:reference`, or NABLA_BACKEND=… with any test.
// Imported by test/helpers/fixtures.ts and preloaded (--import) by test/backend/run-on.mjs.
import * as nb from "../../src/index.js";

const name = process.env.NABLA_BACKEND;
if (name && name !== nb.getBackend().name) {
  if (name === "wasm") await nb.initWasm();
  nb.setBackend(name);
}
