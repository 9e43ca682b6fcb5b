// What the suite ran on: CPU model and cores, memory, OS, Node/V8, the peers' versions (PyTorch,
// Python, TF.js, onnxruntime), the git commit, the date and the load average, for BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import * as os from "node:os";
import { PYTHON } from "./catalog.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  python: string | null;
  torch: string | null;
  /** why PyTorch cannot be measured, when it cannot */
  torchMissing: string | null;
  /** which BLAS PyTorch was built against ("generic" = the system's libblas.so.3) */
  torchBlas: string | null;
  /** the system's libblas.so.3 (what a "generic" PyTorch build calls), described */
  blasLibrary: string | null;
  commit: string;
  date: string;
}

function cpuModel(): string {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (k: string) => new RegExp(`^${k}\\s*: (.*)$`, "m").exec(info)?.[1]?.trim();
    const name = field("model name") ?? os.cpus()[0]?.model ?? "unknown";
    const family = field("cpu family");
    const model = field("model");
    const simd = ["avx2", "avx512f", "avx512_bf16"].filter((f) => new RegExp(`\\b${f}\\b`).test(info));
    return `${name}${family ? ` (family ${family}, model ${model})` : ""}${simd.length ? `, ${simd.join(" ")}` : ""}`;
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

function blasLibrary(): string | null {
  for (const dir of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]) {
    try {
      const path = realpathSync(`${dir}/libblas.so.3`);
      const kind = /openblas/i.test(path)
        ? "OpenBLAS"
        : /blis/i.test(path)
          ? "BLIS"
          : /mkl/i.test(path)
            ? "MKL"
            : /\/blas\//.test(path)
              ? "the netlib reference BLAS"
              : "an unidentified BLAS";
      return `${kind} (${path})`;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
  const out = (r.stdout ?? "").trim() || (r.stderr ?? "").trim() || r.error?.message || "";
  return { ok: r.status === 0, out };
}

export function describeMachine(): Machine {
  const py = run(PYTHON, ["-c", "import sys; print(sys.version.split()[0])"]);
  const torch = run(PYTHON, [
    "-c",
    "import torch, re; print(torch.__version__); print((re.search(r'BLAS_INFO=(\\w+)', torch.__config__.show()) or [0, '?'])[1])",
  ]);
  const [torchVersion, blas] = torch.ok ? torch.out.split("\n") : [null, null];
  const commit = run("git", ["rev-parse", "--short", "HEAD"]);
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    python: py.ok ? `${py.out} (${PYTHON})` : null,
    torch: torchVersion ?? null,
    torchMissing: torch.ok ? null : torch.out.split("\n").at(-1)!,
    torchBlas: blas ?? null,
    blasLibrary: blasLibrary(),
    commit: commit.ok ? commit.out : "unknown",
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

/** The 1-, 5- and 15-minute load averages, as "5.7, 6.3, 7.1". */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(", ");

/** The installed version of a peer package, or null. */
export function peerVersion(pkg: string): string | null {
  const file = new URL(`../peers/node_modules/${pkg}/package.json`, import.meta.url);
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
