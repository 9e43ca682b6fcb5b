// safetensors reader and writer: round trips of every dtype, the header layout the spec asks for,
// the dtypes nabla only reads, and hand-crafted malformed files, each with an error naming the problem.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import {
  FileFormatError,
  loadSafetensors,
  parseSafetensors,
  serializeSafetensors,
} from "../../src/io/index.js";

/** A file from a header (object or raw text) and data bytes; `n` overrides the header length field. */
function craft(header: unknown, data: ArrayLike<number> = [], n?: number): Uint8Array {
  const text = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(n ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const le = (ctor: Float32ArrayConstructor | Int32ArrayConstructor | Float64ArrayConstructor, v: number[]) =>
  new Uint8Array(new ctor(v).buffer);

test("round trip of every writable dtype, empty and 0-d tensors, and metadata", () => {
  const tensors = {
    w: nb.tensor([
      [1.5, -0],
      [NaN, -Infinity],
    ]),
    d: nb.tensor([Math.PI, 1e-310], { dtype: "float64" }),
    i: nb.tensor([-2147483648, 2147483647, 0], { dtype: "int32" }),
    b: nb.tensor([true, false, true]),
    empty: nb.zeros([0, 3]),
    scalar: nb.full([], 7, { dtype: "int32" }),
  };
  const { tensors: back, metadata } = parseSafetensors(serializeSafetensors(tensors, { step: "3", ü: "✓" }));
  assert.deepEqual(metadata, { step: "3", ü: "✓" });
  assert.deepEqual(Object.keys(back).sort(), Object.keys(tensors).sort());
  for (const [k, t] of Object.entries(tensors)) {
    assert.equal(back[k]!.dtype, t.dtype, k);
    assert.deepEqual(back[k]!.shape, t.shape, k);
    assert.deepEqual([...back[k]!.dataSync()], [...t.dataSync()], k); // -0 and NaN kept (Object.is)
  }
});

test("the layout follows the spec: LE length, space-padded header, aligned data in offset order", () => {
  const bytes = serializeSafetensors({
    b: nb.tensor([true]),
    a: nb.tensor([1, 2], { dtype: "float64" }),
    c: nb.ones([3]),
  });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.match(text, /^\{.*\} *$/);
  const header = JSON.parse(text);
  assert.deepEqual(header.a, { dtype: "F64", shape: [2], data_offsets: [0, 16] });
  assert.deepEqual(header.c, { dtype: "F32", shape: [3], data_offsets: [16, 28] });
  assert.deepEqual(header.b, { dtype: "BOOL", shape: [1], data_offsets: [28, 29] });
  assert.equal(bytes.length, 8 + n + 29);
  assert.equal(new DataView(bytes.buffer).getFloat64(8 + n + 8, true), 2);
  assert.equal("__metadata__" in header, false);
});

test("a non-contiguous tensor is written by its logical values", () => {
  const t = nb.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]).T;
  const back = parseSafetensors(serializeSafetensors({ t })).tensors.t!;
  assert.deepEqual(back.tolist(), t.tolist());
});

test("names are safe as object keys, Buffers are accepted", () => {
  const bytes = serializeSafetensors({ ["__proto__"]: nb.ones([1]), "a.b/c ü": nb.zeros([1]) });
  const back = parseSafetensors(Buffer.from(bytes)).tensors;
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back).sort(), ["__proto__", "a.b/c ü"]);
});

test("read-only dtypes: F16, BF16 widen to float32; integers narrow to int32", () => {
  const half = new Uint8Array(new Uint16Array([0x3c00, 0xc100, 0x0001, 0x7c00, 0x7e00]).buffer);
  const bf = new Uint8Array(new Uint16Array([0x3f80, 0xc049]).buffer);
  const u64 = new Uint8Array(new BigUint64Array([0n, 2147483647n]).buffer);
  const u32 = le(Int32Array, [7]);
  const u16 = new Uint8Array(new Uint16Array([65535]).buffer);
  const i16 = new Uint8Array(new Int16Array([-32768]).buffer);
  const data = [...half, ...bf, ...u64, ...u32, ...u16, ...i16, 200, 0xff];
  let at = 0;
  const span = (len: number) => [at, (at += len)];
  const { tensors } = parseSafetensors(
    craft(
      {
        h: { dtype: "F16", shape: [5], data_offsets: span(10) },
        bf: { dtype: "BF16", shape: [2], data_offsets: span(4) },
        u64: { dtype: "U64", shape: [2], data_offsets: span(16) },
        u32: { dtype: "U32", shape: [1], data_offsets: span(4) },
        u16: { dtype: "U16", shape: [1], data_offsets: span(2) },
        i16: { dtype: "I16", shape: [1], data_offsets: span(2) },
        u8: { dtype: "U8", shape: [1], data_offsets: span(1) },
        i8: { dtype: "I8", shape: [1], data_offsets: span(1) },
      },
      data,
    ),
  );
  assert.deepEqual([...tensors.h!.dataSync()], [1, -2.5, 2 ** -24, Infinity, NaN]);
  assert.equal(tensors.h!.dtype, "float32");
  assert.deepEqual([...tensors.bf!.dataSync()], [1, -3.140625]);
  assert.deepEqual([...tensors.u64!.dataSync()], [0, 2147483647]);
  assert.equal(tensors.u64!.dtype, "int32");
  assert.deepEqual([...tensors.u32!.dataSync()], [7]);
  assert.deepEqual([...tensors.u16!.dataSync()], [65535]);
  assert.deepEqual([...tensors.i16!.dataSync()], [-32768]);
  assert.deepEqual([...tensors.u8!.dataSync()], [200]);
  assert.deepEqual([...tensors.i8!.dataSync()], [-1]);
});

const f32 = (shape: number[], offsets: number[]) => ({ dtype: "F32", shape, data_offsets: offsets });

const BAD: [string, Uint8Array, RegExp][] = [
  ["too short", new Uint8Array([1, 2, 3]), /3 bytes is too short/],
  [
    "header length beyond the file",
    craft({}, [], 1000),
    /header length field says 1000 bytes, but only 2 bytes follow/,
  ],
  ["huge header length", craft({}, [], 2 ** 40), /says 1099511627776 bytes/],
  ["not UTF-8", craft("{\xff}").map((b, i) => (i === 9 ? 0xff : b)), /not valid UTF-8/],
  ["not an object", craft('["a"]'), /must be a JSON object starting with "\{"/],
  ["invalid JSON", craft('{"a": {'), /not valid JSON/],
  [
    "duplicate name",
    craft(
      '{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}',
      le(Float32Array, [1]),
    ),
    /names "a" twice/,
  ],
  [
    "unknown dtype",
    craft({ a: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, [0]),
    /dtype "F8_E4M3", which nabla cannot read \(it reads F64, F32/,
  ],
  [
    "entry not an object",
    craft({ a: 3 }),
    /tensor "a": expected an object with dtype, shape and data_offsets, got 3/,
  ],
  [
    "negative dim",
    craft({ a: f32([-1], [0, 4]) }, le(Float32Array, [1])),
    /shape must be a list of non-negative integers, got \[-1\]/,
  ],
  [
    "fractional dim",
    craft({ a: f32([1.5], [0, 4]) }, le(Float32Array, [1])),
    /shape must be a list of non-negative integers/,
  ],
  [
    "reversed offsets",
    craft({ a: f32([1], [4, 0]) }, le(Float32Array, [1])),
    /data_offsets must be \[begin, end\] with 0 <= begin <= end, got \[4,0\]/,
  ],
  [
    "three offsets",
    craft({ a: f32([1], [0, 4, 8]) }, le(Float32Array, [1])),
    /data_offsets must be \[begin, end\]/,
  ],
  [
    "shape × dtype ≠ span",
    craft({ a: f32([2, 3], [0, 20]) }, new Uint8Array(20)),
    /shape \[2,3\] of F32 needs 24 bytes, but data_offsets \[0, 20\] span 20/,
  ],
  [
    "offsets beyond the data (truncated)",
    craft({ a: f32([4], [0, 16]) }, new Uint8Array(10)),
    /tensor "a" needs data bytes 0\.\.16, but only 10 bytes of data follow the header \(a truncated file\?\)/,
  ],
  [
    "overlap",
    craft({ a: f32([2], [0, 8]), b: f32([1], [4, 8]) }, new Uint8Array(8)),
    /tensors "a" and "b" overlap/,
  ],
  [
    "hole",
    craft({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, new Uint8Array(12)),
    /bytes 4\.\.8 of the data belong to no tensor/,
  ],
  [
    "trailing bytes",
    craft({ a: f32([1], [0, 4]) }, new Uint8Array(6)),
    /cover 4 bytes of data, but 6 bytes follow the header/,
  ],
  [
    "metadata not strings",
    craft({ __metadata__: { step: 3 } }),
    /"__metadata__" value of "step" must be a string, got 3/,
  ],
  ["metadata not an object", craft({ __metadata__: [1] }), /"__metadata__" must be an object of strings/],
  [
    "BOOL byte 2",
    craft({ a: { dtype: "BOOL", shape: [2], data_offsets: [0, 2] } }, [1, 2]),
    /tensor "a" holds byte 2 at element 1, but a BOOL must be 0 or 1/,
  ],
  [
    "I64 beyond int32",
    craft(
      { a: { dtype: "I64", shape: [2], data_offsets: [0, 16] } },
      new Uint8Array(new BigInt64Array([1n, 3000000000n]).buffer),
    ),
    /tensor "a" holds 3000000000 at element 1, outside int32's range/,
  ],
  [
    "I64 below int32",
    craft(
      { a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } },
      new Uint8Array(new BigInt64Array([-(2n ** 40n)]).buffer),
    ),
    /holds -1099511627776 at element 0/,
  ],
  [
    "U32 beyond int32",
    craft({ a: { dtype: "U32", shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0x80]),
    /holds 2147483648 at element 0/,
  ],
];

for (const [what, bytes, message] of BAD)
  test(`malformed: ${what}`, () => {
    assert.throws(
      () => parseSafetensors(bytes, { name: "model.safetensors" }),
      (e: Error) => {
        assert.ok(e instanceof FileFormatError && e instanceof nb.NablaError, `${e.name}: ${e.message}`);
        assert.match(e.message, /^parseSafetensors: model\.safetensors: /);
        assert.match(e.message, message);
        return true;
      },
    );
  });

test("a truncated file on disk: the error names the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-st-"));
  try {
    const path = join(dir, "cut.safetensors");
    const bytes = serializeSafetensors({ w: nb.ones([64]) });
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    assert.throws(
      () => loadSafetensors(path),
      new RegExp(`^FileFormatError: loadSafetensors: ${path}: .*truncated`),
    );
    writeFileSync(path, bytes.subarray(0, 50));
    assert.throws(
      () => loadSafetensors(path),
      /header length field says \d+ bytes, but only 42 bytes follow/,
    );
    assert.throws(
      () => loadSafetensors(join(dir, "nope.safetensors")),
      /cannot read .*nope\.safetensors: no such file or directory/,
    );
    assert.throws(() => loadSafetensors(dir), /is a directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writing: bad arguments get clear errors", () => {
  assert.throws(
    () => serializeSafetensors({ a: [1, 2] as unknown as nb.Tensor }),
    /"a" is an array, not a Tensor/,
  );
  assert.throws(() => serializeSafetensors({ __metadata__: nb.ones([1]) }), /"__metadata__" is reserved/);
  assert.throws(
    () => serializeSafetensors({}, { step: 3 as unknown as string }),
    /metadata value of "step" must be a string/,
  );
  assert.throws(
    () => parseSafetensors("abc" as unknown as Uint8Array),
    /expected a Uint8Array or Buffer, got a string/,
  );
});

test("an empty file set and an empty tensor dict round-trip", () => {
  const bytes = serializeSafetensors({});
  assert.deepEqual(parseSafetensors(bytes), { tensors: {}, metadata: {} });
  assert.equal(bytes.length, 16); // 8 + "{}" padded to 8
});
