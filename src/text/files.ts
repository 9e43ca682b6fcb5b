// Saving and loading tokenizers as JSON files: written atomically, and read back with an error that
// names the file and what is wrong with it (missing, not JSON, a bad field, a newer version).
import { readFileSync } from "node:fs";
import { NablaError } from "../index.js";
import { atomicWriteFile } from "../io/index.js";
import { parseTokenizer, stringifyTokenizer } from "./json.js";
import type { Tokenizer } from "./tokenizer.js";

const FS_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
};

/** Writes `tokenizer.toJSON()` to `path` (replacing the file whole or not at all). */
export function saveTokenizer(path: string, tokenizer: Tokenizer): void {
  atomicWriteFile(path, new TextEncoder().encode(stringifyTokenizer(tokenizer)), { op: "saveTokenizer" });
}

/** Reads a tokenizer saved by saveTokenizer. */
export function loadTokenizer(path: string): Tokenizer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NablaError(`loadTokenizer: ${path}: ${(err.code && FS_ERRORS[err.code]) ?? err.message}`);
  }
  return parseTokenizer(text, path);
}
