// Installs the peers (TF.js, onnxruntime-node) into bench/peers on demand, from its own
// package.json and lock file, so they never become dependencies of nabla. Install scripts are
// skipped: onnxruntime-node's CPU binary ships inside its npm package, and its script would only
// download GPU add-ons from outside npm. Returns why the peers are unavailable, or null.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../peers/", import.meta.url));

/** Whether node_modules was installed after the last change to the lock file. */
function upToDate(): boolean {
  const installed = dir + "node_modules/.package-lock.json";
  if (!existsSync(installed)) return false;
  const lock = dir + "package-lock.json";
  return !existsSync(lock) || statSync(lock).mtimeMs <= statSync(installed).mtimeMs;
}

export function ensurePeers(log: (line: string) => void): string | null {
  if (upToDate()) return null;
  const verb = existsSync(dir + "package-lock.json") ? "ci" : "install";
  log(
    `installing the peers: npm ${verb} --ignore-scripts in bench/peers (once; node_modules is git-ignored)`,
  );
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, [verb, "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 15 * 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.status === 0) return null;
  const why = r.error?.message ?? r.stderr.trim().split("\n").slice(-3).join(" ");
  return `npm ${verb} in bench/peers failed: ${why}`;
}
