// The kernels module's variants: plain SIMD128 or relaxed SIMD × ordinary or shared memory each
// load and agree with the reference backend (relaxed SIMD only where the runtime validates it:
// Node 20 needs --experimental-wasm-relaxed-simd).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm/init.js";
import { assertAgree, contiguousLayout, Rand, reference, Twin, twin } from "./views.js";

for (const relaxedSimd of [false, true])
  for (const shared of [false, true])
    test(`wasm variant relaxedSimd=${relaxedSimd} shared=${shared}: loads and agrees`, async (t) => {
      let be;
      try {
        be = await createWasmBackend({ relaxedSimd, shared, maxMemoryMiB: 64 });
      } catch (e) {
        if (relaxedSimd && /does not validate/.test((e as Error).message))
          return t.skip("no relaxed SIMD here");
        throw e;
      }
      assert.equal(be.loaded.relaxedSimd, relaxedSimd);
      assert.equal(be.loaded.shared, shared);
      assert.equal(be.loaded.memory.buffer instanceof SharedArrayBuffer, shared);
      const r = new Rand(41);
      const a = twin(be, r, "float32", contiguousLayout([1, 37, 300]), false);
      const b = twin(be, r, "float32", contiguousLayout([1, 300, 29]), false);
      const out = new Twin(be, "float32", contiguousLayout([1, 37, 29]), new Array(37 * 29).fill(0));
      reference.matmul(a.view("ref"), b.view("ref"), out.view("ref"));
      be.matmul(a.view("wasm"), b.view("wasm"), out.view("wasm"));
      const { ref, wasm } = out.read();
      assertAgree(wasm, ref, { rtol: 1e-4, atol: 1e-4 }, "matmul");
    });
