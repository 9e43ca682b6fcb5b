// The default backend: WebAssembly in Node (made synchronously at the first op, no await needed),
// the reference backend when NABLA_BACKEND=reference says so, and initWasm afterwards returning the
// same backend (so tensors made before and after it work together).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

function probe(env: Record<string, string | undefined>): { device: string; info: unknown; same: boolean } {
  const code = `
    import * as nb from "./src/index.ts";
    const t = nb.ones([3]).add(1);
    const b = await nb.initWasm();
    const u = nb.ones([3]);
    console.log(JSON.stringify({ device: t.device, info: nb.defaultBackendInfo(), same: b === nb.getBackend("wasm") && (nb.getBackend().name !== "wasm" || t.add(u).sum().item() === 9) }));
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

test("tensors go to the WebAssembly backend by default in Node, with no await", () => {
  const r = probe({ NABLA_BACKEND: undefined });
  assert.equal(r.device, "wasm");
  assert.deepEqual(r.info, { name: "wasm" });
  assert.ok(r.same, "initWasm returns the default backend, and tensors from before and after mix");
});

test("NABLA_BACKEND=reference makes the reference backend the default, and says why", () => {
  const r = probe({ NABLA_BACKEND: "reference" });
  assert.equal(r.device, "reference");
  assert.deepEqual(r.info, { name: "reference", reason: "NABLA_BACKEND=reference" });
});
