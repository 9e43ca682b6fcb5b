// The IDX reader: every type code, gzipped or not, big-endian values, and malformed files (bad
// magic, unknown type, truncated header or data, extra bytes, broken gzip) with errors naming the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nb from "../../src/index.js";
import { FileFormatError, IDX_IMAGES_MAGIC, idxToTensor, parseIdx, readIdx } from "../../src/data/index.js";
import { idxBytes } from "./idx-helpers.js";

test("reads every IDX type, big-endian, gzipped or not", () => {
  const cases: [number, string, number[]][] = [
    [0x08, "uint8", [0, 1, 255, 128, 7, 9]],
    [0x09, "int8", [-128, 127, 0, -1, 5, 6]],
    [0x0b, "int16", [-32768, 32767, 256, -2, 3, 4]],
    [0x0c, "int32", [-2147483648, 2147483647, 65536, -1, 0, 1]],
    [0x0d, "float32", [1.5, -0.25, 1e-7, 3, 0, -8]],
    [0x0e, "float64", [Math.PI, -1e300, 5e-324, 1, 2, 3]],
  ];
  for (const [code, dtype, values] of cases)
    for (const gzip of [false, true]) {
      const idx = parseIdx(idxBytes(code, [2, 3], values, { gzip }));
      assert.equal(idx.dtype, dtype);
      assert.deepEqual(idx.shape, [2, 3]);
      assert.equal(idx.magic, (code << 8) | 2);
      const want = dtype === "float32" ? [...new Float32Array(values)] : values;
      assert.deepEqual([...idx.data], want, `${dtype} gzip=${gzip}`);
    }
});

test("idxToTensor: ints as int32, floats as they are, scale to float32", () => {
  const images = parseIdx(idxBytes(0x08, [1, 2, 2], [0, 51, 255, 102]));
  const raw = idxToTensor(images);
  assert.equal(raw.dtype, "int32");
  assert.deepEqual(raw.tolist(), [
    [
      [0, 51],
      [255, 102],
    ],
  ]);
  const scaled = idxToTensor(images, { scale: 1 / 255 });
  assert.equal(scaled.dtype, "float32");
  assert.deepEqual([...scaled.dataSync()], [...new Float32Array([0, 0.2, 1, 0.4])]);
  assert.equal(idxToTensor(parseIdx(idxBytes(0x0e, [1], [0.5]))).dtype, "float64");
  assert.throws(
    () => idxToTensor(images, { dtype: "int32", scale: 2 }),
    /scale needs a floating-point dtype/,
  );
});

const BAD: [string, Uint8Array, RegExp][] = [
  ["empty", new Uint8Array(0), /has 0 bytes, too few for an IDX header/],
  [
    "bad magic",
    new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]),
    /bad magic number 0x504B0304: an IDX file starts with two zero bytes/,
  ],
  [
    "unknown type code",
    idxBytes(0x07, [1], [1]),
    /unknown IDX type code 0x07 in magic 0x00000701 \(known: 0x08 unsigned byte, 0x09 signed byte/,
  ],
  [
    "truncated header",
    idxBytes(0x08, [2, 3, 4], []).subarray(0, 10),
    /the header declares 3 dims and needs 16 bytes, but the file has only 10/,
  ],
  [
    "truncated data",
    idxBytes(0x08, [10, 28, 28], new Uint8Array(7840)).subarray(0, 1000),
    /truncated: dims \[10, 28, 28\] of unsigned byte need 7840 bytes of data, but only 984 bytes follow the header/,
  ],
  [
    "wrong dims (too many values)",
    idxBytes(0x08, [2, 2], [1, 2, 3, 4, 5]),
    /dims \[2, 2\] of unsigned byte need 4 bytes of data, but 5 bytes follow the header \(1 extra\)/,
  ],
  [
    "truncated gzip",
    idxBytes(0x08, [100], new Uint8Array(100).fill(7), { gzip: true }).subarray(0, 20),
    /is gzip-compressed but cannot be decompressed \(unexpected end of file\)/,
  ],
];

for (const [what, bytes, message] of BAD)
  test(`malformed IDX: ${what}`, () => {
    assert.throws(
      () => parseIdx(bytes, { name: "train-images-idx3-ubyte" }),
      (e: Error) => {
        assert.ok(e instanceof FileFormatError && e instanceof nb.NablaError, `${e.name}: ${e.message}`);
        assert.match(e.message, /^parseIdx: train-images-idx3-ubyte: /);
        assert.match(e.message, message);
        return true;
      },
    );
  });

test("expectMagic refuses a labels file given as images", () => {
  assert.throws(
    () => parseIdx(idxBytes(0x08, [3], [1, 2, 3]), { expectMagic: IDX_IMAGES_MAGIC }),
    /expected magic number 0x00000803 \(unsigned byte, 3 dims\), found 0x00000801 \(unsigned byte, 1 dims\)/,
  );
});

test("readIdx names the file in every error", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-idx-"));
  try {
    const path = join(dir, "labels.gz");
    writeFileSync(path, idxBytes(0x08, [4], [1, 2, 3, 4], { gzip: true }));
    assert.deepEqual([...readIdx(path).data], [1, 2, 3, 4]);
    writeFileSync(path, idxBytes(0x08, [4], [1, 2, 3]));
    assert.throws(() => readIdx(path), new RegExp(`parseIdx: ${path}: truncated`));
    assert.throws(() => readIdx(join(dir, "nope")), /readIdx: cannot read .*nope: no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
