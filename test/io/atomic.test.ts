// Atomic writes: a save replaces the file whole or not at all. An error mid-write (injected) and a
// process killed with SIGKILL mid-write both leave the previous checkpoint intact and loadable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as nb from "../../src/index.js";
import { atomicWriteFile, loadCheckpoint, saveCheckpoint } from "../../src/io/index.js";

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-atomic-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "writes, replaces, keeps the file's permissions, leaves no temp file",
  withDir((dir) => {
    const path = join(dir, "a.bin");
    atomicWriteFile(path, new Uint8Array([1, 2, 3]));
    chmodSync(path, 0o600);
    atomicWriteFile(path, new Uint8Array([4, 5]), { chunkBytes: 1 });
    assert.deepEqual([...readFileSync(path)], [4, 5]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ["a.bin"]);
  }),
);

test(
  "an error mid-write keeps the previous file and removes the temp file",
  withDir((dir) => {
    const path = join(dir, "ckpt.safetensors");
    saveCheckpoint(path, { tensors: { w: nb.ones([4]) }, state: { step: 1 } });
    const before = readFileSync(path);
    const seen: number[] = [];
    assert.throws(
      () =>
        saveCheckpoint(
          path,
          { tensors: { w: nb.zeros([100_000]) }, state: { step: 2 } },
          {
            chunkBytes: 4096,
            onProgress: (written) => {
              seen.push(written);
              if (written >= 8192) throw new Error("disk unplugged");
            },
          },
        ),
      /disk unplugged/,
    );
    assert.deepEqual(seen, [4096, 8192]);
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readdirSync(dir), ["ckpt.safetensors"]);
    assert.deepEqual(loadCheckpoint(path).state, { step: 1 });
  }),
);

test(
  "fs errors name the path and the cause",
  withDir((dir) => {
    const path = join(dir, "missing-dir", "x.bin");
    assert.throws(
      () => atomicWriteFile(path, new Uint8Array(1)),
      (e: Error) =>
        e instanceof nb.NablaError &&
        e.message.includes(`cannot create a temporary file in ${join(dir, "missing-dir")} for ${path}`) &&
        e.message.includes("no such file or directory"),
    );
    writeFileSync(join(dir, "file"), "");
    assert.throws(() => atomicWriteFile(join(dir, "file", "x"), new Uint8Array(1)), /not a directory/);
    assert.throws(
      () => atomicWriteFile(join(dir, "y"), new Uint8Array(1), { chunkBytes: 0 }),
      /chunkBytes must be a positive integer/,
    );
  }),
);

const IO = fileURLToPath(new URL("../../src/io/index.ts", import.meta.url));
const NB = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** A child process that starts saving a 4 MB checkpoint, says so after the first chunk, then hangs. */
const CHILD = `
import * as nb from ${JSON.stringify(NB)};
import { saveCheckpoint } from ${JSON.stringify(IO)};
const hang = new Int32Array(new SharedArrayBuffer(4));
saveCheckpoint(process.argv[1], { tensors: { w: nb.zeros([1000000]) }, state: { step: 2 } }, {
  chunkBytes: 65536,
  onProgress: (written) => { process.stdout.write("writing " + written + "\\n"); Atomics.wait(hang, 0, 0); },
});
`;

test(
  "a process killed with SIGKILL mid-save leaves the previous checkpoint loadable",
  withDir(async (dir) => {
    const path = join(dir, "ckpt.safetensors");
    saveCheckpoint(path, { tensors: { w: nb.arange(0, 5).float() }, state: { step: 1 } });
    const before = readFileSync(path);
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD, path], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const started = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d) => resolve(String(d)));
      child.once("exit", (code) => reject(new Error(`child exited (${code}) before writing: ${err}`)));
    });
    assert.match(started, /^writing 65536/);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(child.signalCode, "SIGKILL");

    // the target is untouched; the half-written temp file is all the kill left behind
    assert.deepEqual(readFileSync(path), before);
    const temps = readdirSync(dir).filter((f) => f !== "ckpt.safetensors");
    assert.equal(temps.length, 1);
    assert.match(temps[0]!, /^\.ckpt\.safetensors\.\d+\.[0-9a-f]+\.tmp$/);
    assert.ok(statSync(join(dir, temps[0]!)).size < 4_000_000);
    const { tensors, state } = loadCheckpoint(path);
    assert.deepEqual(state, { step: 1 });
    assert.deepEqual(tensors.w!.tolist(), [0, 1, 2, 3, 4]);
    // and the next save goes through
    saveCheckpoint(path, { tensors: {}, state: { step: 3 } });
    assert.deepEqual(loadCheckpoint(path).state, { step: 3 });
  }),
);
