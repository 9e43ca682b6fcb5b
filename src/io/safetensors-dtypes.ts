// The safetensors dtype codes and how nabla maps them: F32/F64/I32/BOOL are read and written as
// is; F16/BF16 are widened to float32 and the other integer types narrowed to int32 when exact.
import type * as nb from "../index.js";

/** The typed arrays behind nabla's dtypes (what Tensor.dataSync returns). */
export type TypedArray = ReturnType<nb.Tensor["dataSync"]>;

export type SafetensorsDType =
  "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U64" | "U32" | "U16" | "U8" | "BOOL";

/** Bytes per element of each dtype nabla reads. */
export const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** The nabla dtype each stored dtype is loaded as. */
export const LOADED_AS: Record<SafetensorsDType, nb.DType> = {
  F64: "float64",
  F32: "float32",
  F16: "float32",
  BF16: "float32",
  I64: "int32",
  I32: "int32",
  I16: "int32",
  I8: "int32",
  U64: "int32",
  U32: "int32",
  U16: "int32",
  U8: "int32",
  BOOL: "bool",
};

/** The stored dtype of each nabla dtype. */
export const STORED_AS: Record<nb.DType, SafetensorsDType> = {
  float64: "F64",
  float32: "F32",
  int32: "I32",
  bool: "BOOL",
};

/**
 * Order of tensors in a written file: wider dtypes first (then by name), as the reference
 * implementation does, so that every tensor starts at an offset aligned to its element size.
 */
export const WRITE_RANK: Record<SafetensorsDType, number> = {
  U64: 13,
  I64: 12,
  F64: 11,
  F32: 10,
  U32: 9,
  I32: 8,
  BF16: 7,
  F16: 6,
  U16: 5,
  I16: 4,
  I8: 3,
  U8: 2,
  BOOL: 1,
};

export const isSafetensorsDType = (d: string): d is SafetensorsDType => Object.hasOwn(ITEM_SIZE, d);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Fail = (message: string) => never;

/** Decodes one tensor's little-endian bytes into the typed array of its loaded dtype. */
export function decodeTensor(bytes: Uint8Array, dtype: SafetensorsDType, fail: Fail): TypedArray {
  const n = bytes.length / ITEM_SIZE[dtype];
  if (LITTLE_ENDIAN_HOST) {
    // a fresh, aligned copy (Buffer#slice would share memory, so never slice())
    if (dtype === "F32") return new Float32Array(copyBytes(bytes));
    if (dtype === "F64") return new Float64Array(copyBytes(bytes));
    if (dtype === "I32") return new Int32Array(copyBytes(bytes));
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
    case "F16":
    case "BF16": {
      const out = new Float32Array(n);
      if (dtype === "F32") for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
      else if (dtype === "F16") for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
      else {
        // bfloat16 is the top half of a float32's bits
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      }
      return out;
    }
    case "F64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
      return out;
    }
    case "BOOL": {
      const out = new Uint8Array(bytes);
      const bad = out.findIndex((v) => v > 1);
      if (bad >= 0) fail(`holds byte ${out[bad]} at element ${bad}, but a BOOL must be 0 or 1`);
      return out;
    }
    default:
      return decodeInt(dv, n, dtype, fail);
  }
}

function decodeInt(dv: DataView, n: number, dtype: SafetensorsDType, fail: Fail): Int32Array {
  const out = new Int32Array(n);
  const read: (i: number) => number = {
    I32: (i: number) => dv.getInt32(4 * i, true),
    I16: (i: number) => dv.getInt16(2 * i, true),
    I8: (i: number) => dv.getInt8(i),
    U16: (i: number) => dv.getUint16(2 * i, true),
    U8: (i: number) => dv.getUint8(i),
    U32: (i: number) => dv.getUint32(4 * i, true),
    // 64-bit: exact as a double when the high word is small; range-checked below
    I64: (i: number) => dv.getInt32(8 * i + 4, true) * 2 ** 32 + dv.getUint32(8 * i, true),
    U64: (i: number) => dv.getUint32(8 * i + 4, true) * 2 ** 32 + dv.getUint32(8 * i, true),
  }[dtype as "I32"];
  for (let i = 0; i < n; i++) {
    const v = read(i);
    if (v < -2147483648 || v > 2147483647)
      fail(
        `holds ${dtype === "I64" || dtype === "U64" ? describe64(dv, i, dtype) : v} at element ${i}, ` +
          `outside int32's range; nabla loads integer tensors as int32 and has no 64-bit integer dtype`,
      );
    out[i] = v;
  }
  return out;
}

const describe64 = (dv: DataView, i: number, dtype: SafetensorsDType): string =>
  String(dtype === "I64" ? dv.getBigInt64(8 * i, true) : dv.getBigUint64(8 * i, true));

/** IEEE 754 binary16 bits to a number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A tensor's values as little-endian bytes in its stored dtype. */
export function encodeTensor(values: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST || values instanceof Uint8Array)
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const dv = new DataView(out.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  else if (values instanceof Float64Array) values.forEach((v, i) => dv.setFloat64(8 * i, v, true));
  else values.forEach((v, i) => dv.setInt32(4 * i, v, true));
  return out;
}

const copyBytes = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;
