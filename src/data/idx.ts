// The IDX file format (MNIST and Fashion-MNIST), gzipped or not: a big-endian magic number
// (0x00, 0x00, type code, number of dims), the dims as big-endian uint32, then the values row-major.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as nb from "../index.js";
import { describeFsError, fail, formatError } from "../io/errors.js";

export type IdxDType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";
export type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** The values, row-major, converted from big-endian. */
  data: IdxValues;
  shape: number[];
  dtype: IdxDType;
  /** The 4-byte magic number, e.g. 0x00000803 for images (uint8, 3 dims). */
  magic: number;
}

export interface ParseIdxOptions {
  /** How errors name the bytes (a file path); "<bytes>" by default. */
  name?: string;
  /** The magic number the file must have (e.g. IDX_IMAGES_MAGIC); any valid one by default. */
  expectMagic?: number;
}

/** The magic numbers of MNIST-style files: unsigned bytes with 3 dims (images) or 1 (labels). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

const TYPES: Record<number, { dtype: IdxDType; size: number; name: string }> = {
  0x08: { dtype: "uint8", size: 1, name: "unsigned byte" },
  0x09: { dtype: "int8", size: 1, name: "signed byte" },
  0x0b: { dtype: "int16", size: 2, name: "short (2 bytes)" },
  0x0c: { dtype: "int32", size: 4, name: "int (4 bytes)" },
  0x0d: { dtype: "float32", size: 4, name: "float (4 bytes)" },
  0x0e: { dtype: "float64", size: 8, name: "double (8 bytes)" },
};

const hex = (m: number): string => `0x${m.toString(16).padStart(8, "0").toUpperCase()}`;
const describeMagic = (m: number): string => {
  const t = TYPES[(m >>> 8) & 0xff];
  return `${hex(m)} (${t ? t.name : "unknown type"}, ${m & 0xff} dims)`;
};

/** Parses IDX bytes (gunzipping them first when they start with gzip's magic 0x1F 0x8B). */
export function parseIdx(bytes: Uint8Array, opts: ParseIdxOptions = {}): IdxArray {
  const bad = (message: string): never => formatError("parseIdx", opts.name ?? "<bytes>", message);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      return bad(
        `is gzip-compressed but cannot be decompressed (${(e as Error).message}): a truncated or corrupt download?`,
      );
    }
  }
  if (bytes.length < 4) bad(`has ${bytes.length} bytes, too few for an IDX header (a 4-byte magic number)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    bad(
      `bad magic number ${hex(magic)}: an IDX file starts with two zero bytes, a type code and the number of dims`,
    );
  const type = TYPES[bytes[2]!];
  if (!type)
    bad(
      `unknown IDX type code 0x${bytes[2]!.toString(16).padStart(2, "0")} in magic ${hex(magic)} ` +
        `(known: ${Object.entries(TYPES)
          .map(([c, t]) => `0x${Number(c).toString(16).padStart(2, "0")} ${t.name}`)
          .join(", ")})`,
    );
  if (opts.expectMagic !== undefined && magic !== opts.expectMagic)
    bad(`expected magic number ${describeMagic(opts.expectMagic)}, found ${describeMagic(magic)}`);
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    bad(
      `the header declares ${ndim} dims and needs ${headerBytes} bytes, but the file has only ${bytes.length}`,
    );
  const shape = Array.from({ length: ndim }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const need = shape.reduce((a, b) => a * b, 1) * type.size;
  const have = bytes.length - headerBytes;
  const dims = `dims [${shape.join(", ")}] of ${type.name}`;
  if (have < need)
    bad(`truncated: ${dims} need ${need} bytes of data, but only ${have} bytes follow the header`);
  if (have > need)
    bad(`${dims} need ${need} bytes of data, but ${have} bytes follow the header (${have - need} extra)`);
  return { data: decode(dv, headerBytes, need / type.size, type.dtype), shape, dtype: type.dtype, magic };
}

function decode(dv: DataView, at: number, n: number, dtype: IdxDType): IdxValues {
  const src = new Uint8Array(dv.buffer, dv.byteOffset + at, dtype === "uint8" || dtype === "int8" ? n : 0);
  switch (dtype) {
    case "uint8":
      return new Uint8Array(src); // copies
    case "int8":
      return new Int8Array(new Uint8Array(src).buffer);
    case "int16":
      return Int16Array.from({ length: n }, (_, i) => dv.getInt16(at + 2 * i, false));
    case "int32":
      return Int32Array.from({ length: n }, (_, i) => dv.getInt32(at + 4 * i, false));
    case "float32":
      return Float32Array.from({ length: n }, (_, i) => dv.getFloat32(at + 4 * i, false));
    case "float64":
      return Float64Array.from({ length: n }, (_, i) => dv.getFloat64(at + 8 * i, false));
  }
}

/** Reads an IDX file (gzipped or not); errors name the file. */
export function readIdx(path: string, opts: Omit<ParseIdxOptions, "name"> = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new nb.NablaError(`readIdx: cannot read ${path}: ${describeFsError(e)}`, { cause: e });
  }
  return parseIdx(bytes, { ...opts, name: path });
}

/**
 * The IDX array as a tensor: integer types as int32 and floats as float32/float64 by default, or
 * the given dtype; `scale` multiplies every value (1/255 maps bytes to [0, 1], as float32).
 */
export function idxToTensor(idx: IdxArray, opts: { dtype?: nb.DType; scale?: number } = {}): nb.Tensor {
  const { data, shape, dtype: stored } = idx;
  const scale = opts.scale;
  const natural: nb.DType =
    stored === "float64" ? "float64" : stored === "float32" || scale !== undefined ? "float32" : "int32";
  const dtype = opts.dtype ?? natural;
  if (scale === undefined) return nb.fromArray(data as Float32Array, shape, { dtype });
  if (dtype !== "float32" && dtype !== "float64")
    fail("idxToTensor", `scale needs a floating-point dtype, got ${dtype}`);
  const out = dtype === "float32" ? new Float32Array(data.length) : new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * scale;
  return nb.fromArray(out, shape, { dtype });
}
