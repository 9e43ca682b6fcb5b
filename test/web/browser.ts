// The web tests' harness: builds the playground into a fresh temporary folder, serves it on
// 127.0.0.1 at a free port (scripts/serve-web.ts) and drives Debian's Chromium through
// playwright-core, headless, in a fresh profile. Chromium must be installed (apt-get install -y
// chromium); without it the tests fail and say so. Screenshots go to out/screenshots/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildWeb } from "../../scripts/build-web.js";
import { serveStatic, type StaticServer } from "../../scripts/serve-web.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = resolve("out", "screenshots");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
  "--disable-sync",
];

export interface Site {
  url: string;
  context: BrowserContext;
  /** A new tab at `path` (relative to the site), with the page's errors collected. */
  open(path: string, init?: () => void): Promise<{ page: Page; errors: string[] }>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds, serves and launches; call close() when done. */
export async function openSite(): Promise<Site> {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium is not installed at ${CHROMIUM}: the web tests need Debian's Chromium ` +
      "(apt-get update && apt-get install -y --no-install-recommends chromium), or CHROMIUM_PATH set",
  );
  const work = mkdtempSync(join(tmpdir(), "nabla-web-"));
  const site = join(work, "site");
  const profile = join(work, "profile");
  let server: StaticServer | null = null;
  let context: BrowserContext | null = null;
  try {
    await buildWeb(site, { minify: false });
    server = await serveStatic(site);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (e) {
    await context?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const ctx = context;
  const srv = server;
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    url: srv.url,
    context: ctx,
    async open(path, init) {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      if (init) await page.addInitScript(init);
      await page.goto(new URL(path, srv.url).href);
      return { page, errors };
    },
    async screenshot(page, name) {
      const file = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await ctx.close();
      await srv.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The notes' line for the WebAssembly backend in Chromium (which has SIMD). */
export const WASM_NOTE = /^Backend: tensors run on the "wasm" backend: WebAssembly (relaxed SIMD|SIMD128)\b/;

/** The text of the page's Backend note, once the trainer has reported it at this level. */
export async function backendNote(page: Page, level: "ok" | "fallback"): Promise<string> {
  const note = page.locator(`#notes li[data-topic="Backend"].note-${level}`);
  await note.waitFor();
  return note.innerText();
}

/** The number a metric element carries in data-value (set by the pages for tests and tools). */
export async function dataValue(page: Page, selector: string, attr = "data-value"): Promise<number> {
  const v = await page.locator(selector).getAttribute(attr);
  assert.notEqual(v, null, `${selector} has no ${attr}`);
  return Number(v);
}
