// The safetensors format, read and written to its published spec: an 8-byte little-endian header
// length N, N bytes of JSON header (space-padded to a multiple of 8), then the tensors' bytes,
// contiguous and little-endian. Pure (bytes in, bytes out, no node: imports), so browsers use it too.
import * as nb from "../index.js";
import { fail, FileFormatError, fmtShape, formatError } from "./errors.js";
import {
  decodeTensor,
  encodeTensor,
  isSafetensorsDType,
  ITEM_SIZE,
  LOADED_AS,
  type SafetensorsDType,
  STORED_AS,
  WRITE_RANK,
} from "./safetensors-dtypes.js";

export interface SafetensorsContents {
  tensors: Record<string, nb.Tensor>;
  /** The header's "__metadata__": a map of strings to strings (empty when the file has none). */
  metadata: Record<string, string>;
}

export interface ParseOptions {
  /** How errors refer to the bytes (a file path); "<bytes>" by default. */
  name?: string;
  /** The operation errors are attributed to; "parseSafetensors" by default. */
  op?: string;
}

/** The reference implementation refuses headers above 100 MB; so do we, both ways. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Sets an own property, safe for any key (a tensor named "__proto__" included). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Serializes named tensors (and optional string metadata) into safetensors bytes. */
export function serializeSafetensors(
  tensors: Record<string, nb.Tensor>,
  metadata?: Record<string, string>,
  opts: { op?: string } = {},
): Uint8Array {
  const op = opts.op ?? "serializeSafetensors";
  if (tensors === null || typeof tensors !== "object")
    fail(op, `expected an object of named tensors, got ${tensors === null ? "null" : typeof tensors}`);
  const items = Object.entries(tensors).map(([name, t]) => {
    if (name === METADATA_KEY)
      fail(op, `"${METADATA_KEY}" is reserved by the format and cannot name a tensor`);
    if (!(t instanceof nb.Tensor)) fail(op, `"${name}" is ${describeValue(t)}, not a Tensor`);
    return { name, t, dtype: STORED_AS[t.dtype] };
  });
  // wider dtypes first, then by name: every tensor's offset is a multiple of its element size
  items.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || compareNames(a.name, b.name));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    checkMetadata(metadata, (m) => fail(op, `metadata ${m}`));
    if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const { name, t, dtype } of items) {
    const bytes = encodeTensor(t.dataSync());
    setOwn(header, name, { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] });
    parts.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_BYTES)
    fail(op, `the header would take ${n} bytes, above the format's limit of ${MAX_HEADER_BYTES}`);
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n); // pad with spaces
  let at = 8 + n;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses safetensors bytes, validating the header against the spec before reading any tensor. */
export function parseSafetensors(bytes: Uint8Array, opts: ParseOptions = {}): SafetensorsContents {
  const op = opts.op ?? "parseSafetensors";
  const bad = (message: string): never => formatError(op, opts.name ?? "<bytes>", message);
  if (!(bytes instanceof Uint8Array))
    fail(op, `expected a Uint8Array or Buffer, got ${describeValue(bytes)}`);
  if (bytes.length < 8)
    bad(`${bytes.length} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    bad(
      `the header length field says ${n} bytes, but only ${bytes.length - 8} bytes follow it ` +
        `(a truncated file, or not a safetensors file)`,
    );
  if (n > BigInt(MAX_HEADER_BYTES))
    bad(`the header takes ${n} bytes, above the format's limit of ${MAX_HEADER_BYTES}`);
  const headerEnd = 8 + Number(n);
  const header = parseHeader(bytes.subarray(8, headerEnd), bad);
  const data = bytes.subarray(headerEnd);

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      checkMetadata(info, (m) => bad(`"${METADATA_KEY}" ${m}`));
      for (const [k, v] of Object.entries(info as Record<string, string>)) setOwn(metadata, k, v);
    } else entries.push(parseEntry(name, info, data.length, bad));
  }
  checkCoverage(entries, data.length, bad);

  const tensors: Record<string, nb.Tensor> = {};
  for (const e of entries) {
    const values = decodeTensor(data.subarray(e.begin, e.end), e.dtype, (m) =>
      bad(`tensor "${e.name}" ${m}`),
    );
    setOwn(tensors, e.name, nb.fromArray(values, e.shape, { dtype: LOADED_AS[e.dtype] }));
  }
  return { tensors, metadata };
}

function parseHeader(raw: Uint8Array, bad: (m: string) => never): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return bad("the header is not valid UTF-8 (not a safetensors file?)");
  }
  if (!text.startsWith("{"))
    bad(`the header must be a JSON object starting with "{", found ${JSON.stringify(text.slice(0, 16))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return bad(`the header is not valid JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header))
    bad("the header must be a JSON object of tensor entries");
  const dup = duplicateKey(text);
  if (dup !== null) bad(`the header names ${JSON.stringify(dup)} twice`);
  return header as Record<string, unknown>;
}

function parseEntry(name: string, info: unknown, dataLength: number, bad: (m: string) => never): Entry {
  const where = `tensor "${name}"`;
  if (info === null || typeof info !== "object" || Array.isArray(info))
    bad(`${where}: expected an object with dtype, shape and data_offsets, got ${describeJson(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string") return bad(`${where}: dtype must be a string, got ${describeJson(dtype)}`);
  if (!isSafetensorsDType(dtype))
    bad(
      `${where} has dtype ${JSON.stringify(dtype)}, which nabla cannot read ` +
        `(it reads ${Object.keys(ITEM_SIZE).join(", ")})`,
    );
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount))
    bad(`${where}: shape must be a list of non-negative integers, got ${describeJson(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
    bad(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${describeJson(offsets)}`);
  const [begin, end] = offsets as [number, number];
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const need = numel * ITEM_SIZE[dtype as SafetensorsDType];
  if (need !== end - begin)
    bad(
      `${where}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${need} bytes, ` +
        `but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  if (end > dataLength)
    bad(
      `${where} needs data bytes ${begin}..${end}, but only ${dataLength} bytes of data follow the header ` +
        `(a truncated file?)`,
    );
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

/** The spec asks the tensors to tile the data exactly: no overlaps, no holes, nothing after. */
function checkCoverage(entries: Entry[], dataLength: number, bad: (m: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) bad(`tensors "${prev!.name}" and "${e.name}" overlap (bytes ${e.begin}..${pos})`);
    if (e.begin > pos)
      bad(`bytes ${pos}..${e.begin} of the data belong to no tensor (a hole before "${e.name}")`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLength)
    bad(`the tensors cover ${pos} bytes of data, but ${dataLength} bytes follow the header (trailing bytes)`);
}

function checkMetadata(m: unknown, bad: (m: string) => never): void {
  if (m === null || typeof m !== "object" || Array.isArray(m))
    bad(`must be an object of strings, got ${describeJson(m)}`);
  for (const [k, v] of Object.entries(m as object))
    if (typeof v !== "string") bad(`value of ${JSON.stringify(k)} must be a string, got ${describeJson(v)}`);
}

/**
 * The first key that appears twice in one object of a JSON text (JSON.parse would silently keep
 * the last). The text is known to be valid JSON, so a light scan of strings and brackets will do.
 */
function duplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") stack.push(new Set());
    else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const keys = stack[stack.length - 1];
      let k = j + 1;
      while (/\s/.test(text[k] ?? "")) k++;
      if (keys && text[k] === ":") {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = j;
    }
  }
  return null;
}

/** Orders names by code point, as the reference implementation (and Python) sort strings. */
function compareNames(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const describeJson = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "null-prototype object"}`;
  return `a ${typeof v}`;
}

export { FileFormatError };
