// Training checkpoints: named tensors plus a JSON-like state (step, optimizer and scheduler state,
// RNG state…) that may itself hold tensors, all in one safetensors file written atomically, so a
// run resumes exactly from the last complete save.
import * as nb from "../index.js";
import { atomicWriteFile, type AtomicWriteOptions } from "./atomic.js";
import { fail, formatError } from "./errors.js";
import { readBytes } from "./files.js";
import { parseSafetensors, serializeSafetensors, setOwn } from "./safetensors.js";

/**
 * What a checkpoint's state may hold: JSON values (NaN, ±Infinity and -0 included) and tensors.
 * Checked when saving (saveCheckpoint takes `unknown`, so interfaces such as GeneratorState fit).
 */
export type CheckpointValue =
  | null
  | boolean
  | number
  | string
  | nb.Tensor
  | CheckpointValue[]
  | { [key: string]: CheckpointValue | undefined };

export interface Checkpoint<S = unknown> {
  /** Named tensors (a model's stateDict(), say), stored under their own names. */
  tensors: Record<string, nb.Tensor>;
  /** Everything else; tensors inside it are stored as `__state__/<path>`. */
  state: S;
}

/** Metadata keys of a checkpoint file; the file stays a plain safetensors file for other tools. */
export const CHECKPOINT_VERSION_KEY = "nabla.checkpoint";
export const CHECKPOINT_STATE_KEY = "nabla.state";
const VERSION = "1";
const STATE_PREFIX = "__state__/";

/** Saves tensors and state to one file, atomically (the previous checkpoint survives a crash). */
export function saveCheckpoint(
  path: string,
  checkpoint: { tensors?: Record<string, nb.Tensor>; state?: unknown },
  opts: Omit<AtomicWriteOptions, "op"> = {},
): void {
  const op = "saveCheckpoint";
  const tensors: Record<string, nb.Tensor> = {};
  for (const [name, t] of Object.entries(checkpoint.tensors ?? {})) {
    if (name.startsWith(STATE_PREFIX))
      fail(op, `tensor name "${name}" uses the reserved prefix "${STATE_PREFIX}"`);
    setOwn(tensors, name, t);
  }
  const encoded = encode(op, checkpoint.state ?? null, [], tensors, new Set());
  const metadata = { [CHECKPOINT_VERSION_KEY]: VERSION, [CHECKPOINT_STATE_KEY]: JSON.stringify(encoded) };
  atomicWriteFile(path, serializeSafetensors(tensors, metadata, { op }), { ...opts, op });
}

/** Loads a checkpoint written by saveCheckpoint: its tensors and its state, tensors restored in place. */
export function loadCheckpoint<S = unknown>(path: string): Checkpoint<S> {
  const op = "loadCheckpoint";
  const { tensors: all, metadata } = parseSafetensors(readBytes(op, path), { name: path, op });
  const bad = (m: string): never => formatError(op, path, m);
  const version = metadata[CHECKPOINT_VERSION_KEY];
  if (version === undefined)
    bad(
      `is a safetensors file but not a nabla checkpoint (no "${CHECKPOINT_VERSION_KEY}" metadata); use loadSafetensors`,
    );
  if (version !== VERSION)
    bad(`has checkpoint format version ${JSON.stringify(version)}; this nabla reads version ${VERSION}`);
  let json: unknown;
  try {
    json = JSON.parse(metadata[CHECKPOINT_STATE_KEY] ?? "");
  } catch (e) {
    return bad(`its "${CHECKPOINT_STATE_KEY}" metadata is not valid JSON: ${(e as Error).message}`);
  }
  const used = new Set<string>();
  const state = decode(json, all, used, bad) as S;
  const tensors: Record<string, nb.Tensor> = {};
  for (const [name, t] of Object.entries(all)) {
    if (!name.startsWith(STATE_PREFIX)) setOwn(tensors, name, t);
    else if (!used.has(name)) bad(`tensor "${name}" is not referenced by the state`);
  }
  return { tensors, state };
}

/** The state as JSON: tensors moved out to `tensors`, special numbers and "$" keys escaped. */
function encode(
  op: string,
  v: unknown,
  path: (string | number)[],
  tensors: Record<string, nb.Tensor>,
  ancestors: Set<object>,
): unknown {
  const where = () =>
    "state" +
    path
      .map((p) =>
        typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`,
      )
      .join("");
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number")
    return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: Object.is(v, -0) ? "-0" : String(v) };
  if (v instanceof nb.Tensor) {
    const name = STATE_PREFIX + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
    setOwn(tensors, name, v);
    return { $tensor: name };
  }
  if (typeof v !== "object")
    fail(
      op,
      `${where()} is ${v === undefined ? "undefined" : `a ${typeof v}`}, which a checkpoint cannot store`,
    );
  if (ancestors.has(v)) fail(op, `${where()} refers back to an object that contains it (a cycle)`);
  ancestors.add(v);
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((x, i) => {
      if (x === undefined) fail(op, `${where()}[${i}] is undefined; use null`);
      return encode(op, x, [...path, i], tensors, ancestors);
    });
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      fail(
        op,
        `${where()} is a ${proto?.constructor?.name ?? "non-plain object"}; a checkpoint stores plain objects, ` +
          `arrays, strings, numbers, booleans, null and tensors (convert it, e.g. generator.getState())`,
      );
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (x !== undefined)
        setOwn(o, k.startsWith("$") ? `$${k}` : k, encode(op, x, [...path, k], tensors, ancestors));
    out = o;
  }
  ancestors.delete(v);
  return out;
}

function decode(
  v: unknown,
  tensors: Record<string, nb.Tensor>,
  used: Set<string>,
  bad: (m: string) => never,
): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => decode(x, tensors, used, bad));
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === "$tensor") {
    const name = o.$tensor as string;
    if (!Object.hasOwn(tensors, name) || !name.startsWith(STATE_PREFIX))
      bad(`the state refers to tensor ${JSON.stringify(name)}, which the file does not hold`);
    used.add(name);
    return tensors[name];
  }
  if (keys.length === 1 && keys[0] === "$number") {
    const special: Record<string, number> = {
      NaN: NaN,
      Infinity: Infinity,
      "-Infinity": -Infinity,
      "-0": -0,
    };
    if (!Object.hasOwn(special, o.$number as string))
      bad(`the state holds an unknown number ${JSON.stringify(o.$number)}`);
    return special[o.$number as string];
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k.startsWith("$") && !k.startsWith("$$"))
      bad(`the state holds an unknown marker key ${JSON.stringify(k)}`);
    setOwn(out, k.startsWith("$$") ? k.slice(1) : k, decode(o[k], tensors, used, bad));
  }
  return out;
}
