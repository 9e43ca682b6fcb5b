// Runs the nabla command as a user would (through tsx, from the sources) and checks its errors:
// one line on stderr, exit code non-zero, no stack trace.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `nabla ...args`, with NABLA_DEBUG unset so errors print as users see them. */
export function nabla(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, NABLA_DEBUG: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failed run: exactly one line, "nabla: …", on stderr, matching `pattern`, with no stack trace. */
export function assertOneLineError(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^nabla: [^\n]+\n$/, `stderr was: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at |\.ts:\d+:\d+/m); // no stack trace
}
