// safetensors interop with PyTorch (fixtures from scripts/fixtures/safetensors.py): nabla reads a
// PyTorch-written file of every dtype, and still writes, byte for byte, the file PyTorch verified.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSafetensors, parseSafetensors, serializeSafetensors } from "../../src/io/index.js";
import { decode } from "../helpers/fixtures.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/safetensors/${name}`, import.meta.url));

test("reads the PyTorch-written file: every dtype, values bit-exact, metadata", () => {
  const expected = JSON.parse(readFileSync(fixture("torch.json"), "utf8")) as {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }>;
  };
  const { tensors, metadata } = loadSafetensors(fixture("torch.safetensors"));
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, want] of Object.entries(expected.tensors)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, want.dtype, name);
    assert.deepEqual(t.shape, want.shape, name);
    const values = [...t.dataSync()];
    // float32 values as doubles; bool as 0/1; Object.is semantics keep -0 and NaN apart
    assert.deepEqual(values, want.data.map(decode), name);
  }
});

test("writes the bytes PyTorch read back and checked (scripts/fixtures/safetensors.py)", () => {
  const bytes = readFileSync(fixture("nabla.safetensors"));
  const { tensors, metadata } = parseSafetensors(bytes);
  assert.deepEqual(metadata, { epoch: "3", note: "written by nabla ✓" });
  assert.deepEqual(tensors["layer.0.bias"]!.dataSync(), new Float32Array([0.1, -0, NaN, -Infinity]));
  assert.deepEqual(tensors["ids"]!.tolist(), [
    [-2147483648, 2147483647],
    [0, 1],
  ]);
  assert.deepEqual(tensors["mask"]!.tolist(), [
    [true, false],
    [false, true],
  ]);
  assert.equal(tensors["step"]!.item(), 7);
  assert.deepEqual(tensors["step"]!.shape, []);
  assert.deepEqual(Buffer.from(serializeSafetensors(tensors, metadata)), bytes);
});
