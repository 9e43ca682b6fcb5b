// Errors for malformed or unreadable files: each message names the operation, the file and what
// is wrong with it, so a user can tell a truncated download from a wrong path or a wrong format.
import { NablaError } from "../index.js";

/** A file (or byte buffer) that does not follow its format: bad magic, truncated, bad header… */
export class FileFormatError extends NablaError {
  override name = "FileFormatError";
}

/** Throws a FileFormatError reading "op: file: message". */
export function formatError(op: string, file: string, message: string): never {
  throw new FileFormatError(`${op}: ${file}: ${message}`);
}

/** Describes a failed fs call by its code ("no such file or directory") rather than a stack. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const codes: Record<string, string> = {
    ENOENT: "no such file or directory",
    EISDIR: "is a directory, not a file",
    ENOTDIR: "a component of the path is not a directory",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOSPC: "no space left on the device",
    EROFS: "read-only file system",
  };
  return (err?.code && codes[err.code]) ?? err?.message ?? String(e);
}

/** Throws a NablaError reading "op: message", for bad arguments (not bad files). */
export function fail(op: string, message: string): never {
  throw new NablaError(`${op}: ${message}`);
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(",")}]`;
