// Builds the browser playground into static files (out/web/ by default, or the folder given as
// the first argument): the pages and stylesheet of src/web/pages/ as they are, and each page's
// script and worker bundled by esbuild from the same src/ as the Node library, with the WebAssembly
// kernels (built first if missing). Shared code goes into chunks that pages and workers load as ES
// modules. A Node-only import (node:fs, say) fails the build, so nothing that needs Node reaches a
// browser.
//
//   node --import tsx scripts/build-web.ts [OUT_DIR]
import { build, type Metafile, type Plugin } from "esbuild";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_WEB_OUT = join(ROOT, "out", "web");

/** The bundles: name in assets/ → entry file. */
const ENTRIES: Record<string, string> = {
  explorer: "src/web/explorer/main.ts",
  playground: "src/web/playground/main.ts",
  "playground-worker": "src/web/playground/worker.ts",
  gpt: "src/web/gpt/main.ts",
  "gpt-worker": "src/web/gpt/worker.ts",
};

const KERNELS = join(ROOT, "src", "backend", "wasm", "generated", "kernels.ts");

/**
 * The WebAssembly backend's kernels, which the tensor pages load in their workers, are generated
 * by `npm run build:wasm` (not checked in); a build without them runs it first. If they still
 * cannot be built (no AssemblyScript), the site builds anyway: importing them fails at run time
 * with the loader's own message, and the pages run on the reference backend and say why.
 */
function ensureKernels(): void {
  if (existsSync(KERNELS)) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build-wasm.mjs")], { stdio: "inherit" });
  if (r.status !== 0 || !existsSync(KERNELS))
    console.warn(
      "build-web: the WebAssembly kernels could not be built; the pages will say so and run slower",
    );
}

const missingKernels: Plugin = {
  name: "missing-wasm-kernels",
  setup(b) {
    b.onResolve({ filter: /\/generated\/kernels\.js$/ }, (args) => {
      const file = join(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      return existsSync(file) ? undefined : { path: file, namespace: "missing-kernels" };
    });
    b.onLoad({ filter: /.*/, namespace: "missing-kernels" }, () => ({
      contents: 'throw new Error("the WebAssembly kernels were not built when this site was built");',
      loader: "js",
    }));
  },
};

export interface BuildWebOptions {
  /** Minify the scripts (default true); source maps are written either way. */
  minify?: boolean;
}

/** Builds the site into `outDir` (emptied first); returns esbuild's metafile. */
export async function buildWeb(outDir = DEFAULT_WEB_OUT, opts: BuildWebOptions = {}): Promise<Metafile> {
  ensureKernels();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const pages = join(ROOT, "src", "web", "pages");
  for (const name of readdirSync(pages)) cpSync(join(pages, name), join(outDir, name), { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(ROOT, v)])),
    outdir: join(outDir, "assets"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: opts.minify ?? true,
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    legalComments: "linked",
    plugins: [missingKernels],
  });
  return result.metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = resolve(process.argv[2] ?? DEFAULT_WEB_OUT);
  const t0 = performance.now();
  const meta = await buildWeb(out);
  const bytes = Object.values(meta.outputs).reduce((s, o) => s + o.bytes, 0);
  console.log(
    `build-web: ${out} (${Object.keys(meta.outputs).length} files in assets/, ` +
      `${(bytes / 1e6).toFixed(1)} MB, ${Math.round(performance.now() - t0)} ms)`,
  );
}
