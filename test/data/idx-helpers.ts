// Builds IDX files for the data tests: magic (0, 0, type code, ndim), big-endian dims and values.
import { gzipSync } from "node:zlib";

const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

export function idxBytes(
  type: number,
  dims: number[],
  values: ArrayLike<number>,
  opts: { gzip?: boolean } = {},
): Uint8Array {
  const size = SIZES[type] ?? 1;
  const out = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const dv = new DataView(out.buffer);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === 0x08 || !(type in SIZES)) dv.setUint8(at + i, v);
    else if (type === 0x09) dv.setInt8(at + i, v);
    else if (type === 0x0b) dv.setInt16(at + 2 * i, v, false);
    else if (type === 0x0c) dv.setInt32(at + 4 * i, v, false);
    else if (type === 0x0d) dv.setFloat32(at + 4 * i, v, false);
    else dv.setFloat64(at + 8 * i, v, false);
  }
  return opts.gzip ? gzipSync(out) : out;
}
