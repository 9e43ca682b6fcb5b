// safetensors files on disk (Node): save atomically, load with errors that name the file; plus the
// state-dict helpers (a flat Record<string, Tensor>, as a model's stateDict()).
import { readFileSync } from "node:fs";
import * as nb from "../index.js";
import { atomicWriteFile, type AtomicWriteOptions } from "./atomic.js";
import { describeFsError, fail } from "./errors.js";
import { parseSafetensors, type SafetensorsContents, serializeSafetensors } from "./safetensors.js";

export type StateDict = Record<string, nb.Tensor>;

/** Writes tensors (and optional string metadata) to a safetensors file, atomically. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, nb.Tensor>,
  metadata?: Record<string, string>,
  opts: Omit<AtomicWriteOptions, "op"> = {},
): void {
  const bytes = serializeSafetensors(tensors, metadata, { op: "saveSafetensors" });
  atomicWriteFile(path, bytes, { ...opts, op: "saveSafetensors" });
}

/** Reads a safetensors file: its tensors (F16/BF16 as float32, other integers as int32) and metadata. */
export function loadSafetensors(path: string): SafetensorsContents {
  return parseSafetensors(readBytes("loadSafetensors", path), { name: path, op: "loadSafetensors" });
}

/** Saves a state dict (names → tensors, e.g. model.stateDict()) as a safetensors file. */
export function saveStateDict(
  path: string,
  stateDict: StateDict,
  opts: { metadata?: Record<string, string> } = {},
): void {
  checkStateDict("saveStateDict", stateDict);
  const bytes = serializeSafetensors(stateDict, opts.metadata, { op: "saveStateDict" });
  atomicWriteFile(path, bytes, { op: "saveStateDict" });
}

/** Loads a state dict saved by saveStateDict (or any safetensors file, e.g. one from PyTorch). */
export function loadStateDict(path: string): StateDict {
  return parseSafetensors(readBytes("loadStateDict", path), { name: path, op: "loadStateDict" }).tensors;
}

function checkStateDict(op: string, sd: unknown): void {
  if (sd === null || typeof sd !== "object" || Array.isArray(sd))
    fail(op, "expected a state dict: an object mapping names to tensors");
  for (const [k, v] of Object.entries(sd))
    if (!(v instanceof nb.Tensor))
      fail(
        op,
        `"${k}" is not a Tensor; a state dict holds tensors only ` +
          `(use saveCheckpoint for numbers, strings and nested state)`,
      );
}

/** The whole file, or an error naming it and why it cannot be read. */
export function readBytes(op: string, path: string): Uint8Array {
  if (typeof path !== "string" || path === "") fail(op, `expected a file path, got ${JSON.stringify(path)}`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new nb.NablaError(`${op}: cannot read ${path}: ${describeFsError(e)}`, { cause: e });
  }
}
