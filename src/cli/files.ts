// Writing a command's output: to a file (creating its folder) or, with no path, to stdout.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "./errors.js";

/** Writes text to `path`, creating missing folders; a failure becomes a one-line UsageError. */
export function writeText(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new UsageError(`cannot write ${path}: ${reason}`);
  }
}
