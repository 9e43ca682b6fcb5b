// Atomic file writes: the bytes go to a temporary file in the same directory, are fsynced, then
// renamed over the target. A crash or error mid-way leaves the previous file untouched.
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { NablaError } from "../index.js";
import { describeFsError } from "./errors.js";

export interface AtomicWriteOptions {
  /** Bytes per write call (16 MiB by default). */
  chunkBytes?: number;
  /** Called after each chunk is written to the temporary file; throwing aborts the write. */
  onProgress?: (written: number, total: number) => void;
  /** The operation errors are attributed to; "atomicWriteFile" by default. */
  op?: string;
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never a
 * part: temp file beside the target, write, fsync, rename, then fsync the directory. On failure
 * the temp file is removed (a killed process may leave a `.name.*.tmp` behind, never a torn target).
 */
export function atomicWriteFile(path: string, data: Uint8Array, opts: AtomicWriteOptions = {}): void {
  const op = opts.op ?? "atomicWriteFile";
  const chunk = opts.chunkBytes ?? 16 * 2 ** 20;
  if (!Number.isInteger(chunk) || chunk <= 0)
    throw new NablaError(`${op}: chunkBytes must be a positive integer, got ${chunk}`);
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | null = null;
  let stage = `create a temporary file in ${dir} for`;
  try {
    fd = openSync(tmp, "wx", 0o666);
    const mode = existingMode(path);
    if (mode !== null) fchmodSync(fd, mode); // a replaced file keeps its permissions
    stage = "write";
    for (let at = 0; at < data.length;) {
      const n = Math.min(chunk, data.length - at);
      at += writeFully(fd, data, at, n);
      if (opts.onProgress) {
        stage = "onProgress";
        opts.onProgress(at, data.length);
        stage = "write";
      }
    }
    stage = "flush to disk";
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    stage = "move the temporary file onto";
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeQuietly(fd);
    rmSync(tmp, { force: true });
    if (stage === "onProgress") throw e;
    throw new NablaError(`${op}: cannot ${stage} ${path}: ${describeFsError(e)}`, { cause: e });
  }
  syncDirectory(dir);
}

function writeFully(fd: number, data: Uint8Array, at: number, n: number): number {
  let done = 0;
  while (done < n) done += writeSync(fd, data, at + done, n - done);
  return done;
}

function existingMode(path: string): number | null {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already failing; the original error is the one to report
  }
}

/** Makes the rename itself durable. Some platforms (Windows) cannot fsync a directory: skip there. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}
