// The network playground in Chromium, used as a person would: choose settings in the form, press
// Step and Train, and read the page. On two moons the loss must fall and the accuracy pass 95%
// within 300 steps, on the WebAssembly backend; the settings must round-trip through the shared
// link; without Web Workers or WebAssembly the page must say so and still train (on the reference
// backend).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { backendNote, dataValue, openSite, WASM_NOTE, type Site } from "./browser.js";

let site: Site;
before(async () => {
  site = await openSite();
});
after(async () => {
  await site?.close();
});

const STEPS = 300;

/** Sets the form to two moons with a 16-16 tanh MLP and Adam, stopping at `stopAt`. */
async function chooseMoons(page: Page, stopAt: number): Promise<void> {
  await page.selectOption("#dataset", "moons");
  await page.fill("#noise", "0.1");
  await page.fill("#size", "200");
  await page.fill("#hidden", "16, 16");
  await page.selectOption("#activation", "tanh");
  await page.selectOption("#loss", "cross-entropy");
  await page.selectOption("#optimizer", "adam");
  await page.fill("#lr", "0.03");
  await page.fill("#batch", "32");
  await page.fill("#l2", "0");
  await page.fill("#stopAt", String(stopAt));
  await page.locator("#stopAt").press("Tab"); // commits the last field (a change event)
  await page.waitForFunction(() => document.querySelector("#m-step")?.getAttribute("data-value") === "0");
}

test(`moons: the loss falls and the accuracy passes 95% within ${STEPS} steps, training in a worker`, async () => {
  const { page, errors } = await site.open("playground.html");
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "worker");
  await chooseMoons(page, STEPS);
  const before = await dataValue(page, "#m-train-loss");

  await page.click("#step");
  await page.waitForFunction(() => document.querySelector("#m-step")?.getAttribute("data-value") === "1");
  const afterOne = await dataValue(page, "#m-train-loss");

  await page.click("#run");
  // the button offers Pause while the run goes on (read once training has moved past step 1, so a
  // report that was already on its way cannot be mistaken for the run's state)
  await page.waitForFunction(() => Number(document.querySelector("#m-step")?.getAttribute("data-value")) > 1);
  const label = await page.locator("#run").innerText();
  const step = Number(await page.getAttribute("#m-step", "data-value"));
  assert.ok(label === "Pause" || step >= STEPS, `the run button says ${label} at step ${step}`);
  await page.waitForFunction(
    (n) => document.querySelector("#m-step")?.getAttribute("data-value") === String(n),
    STEPS,
    {
      timeout: 60_000,
    },
  );
  await page.waitForFunction(() => document.querySelector("#run")?.textContent === "Train");
  const loss = await dataValue(page, "#m-train-loss");
  const trainAcc = await dataValue(page, "#m-train-acc");
  const testAcc = await dataValue(page, "#m-test-acc");
  assert.ok(loss < before && loss < afterOne / 5, `loss ${before} → ${afterOne} → ${loss}`);
  assert.ok(trainAcc > 0.95, `training accuracy ${trainAcc}`);
  assert.ok(testAcc > 0.9, `test accuracy ${testAcc}`);
  assert.match(await page.locator("#m-train-acc").innerText(), /^\d+\.\d%$/);
  assert.match(await page.locator("#status").innerText(), new RegExp(`Stopped at step ${STEPS}`));
  assert.match(await page.locator("#notes").innerText(), /Web Worker: training runs in a Web Worker/);
  assert.match(await page.locator("#notes").innerText(), /Threads: SharedArrayBuffer is available/); // COOP/COEP
  assert.match(await backendNote(page, "ok"), WASM_NOTE);
  await site.screenshot(page, "playground");
  assert.deepEqual(errors, []);
});

test("the settings travel in the link: share, open it in a new tab, same form; bad fields are named", async () => {
  const { page, errors } = await site.open("playground.html");
  await page.waitForSelector("body[data-ready]");
  await page.selectOption("#dataset", "spirals");
  await page.fill("#hidden", "8, 8, 8");
  await page.locator("#hidden").press("Tab");
  await page.selectOption("#activation", "relu");
  await page.selectOption("#optimizer", "momentum");
  await page.fill("#lr", "0.05");
  await page.locator("#lr").press("Tab");
  await page.click("#share");
  const link = await page.inputValue("#share-url");
  assert.match(link, /#data=spirals&.*layers=8%2C8%2C8.*act=relu.*opt=momentum&lr=0.05/);

  const other = await site.open(new URL(link).pathname.slice(1) + new URL(link).hash);
  await other.page.waitForSelector("body[data-ready]");
  assert.equal(await other.page.inputValue("#dataset"), "spirals");
  assert.equal(await other.page.inputValue("#hidden"), "8, 8, 8");
  assert.equal(await other.page.inputValue("#activation"), "relu");
  assert.equal(await other.page.inputValue("#optimizer"), "momentum");
  assert.equal(await other.page.inputValue("#lr"), "0.05");
  await other.page.waitForFunction(
    () => document.querySelector("#m-params")?.getAttribute("data-value") === "186",
  );

  await page.fill("#hidden", "8, 99");
  await page.locator("#hidden").press("Tab");
  assert.match(
    await page.locator("#settings-error").innerText(),
    /Hidden layers: width "99": 99 is outside 1…64/,
  );
  const bad = await site.open("playground.html#data=squares&lr=abc");
  await bad.page.waitForSelector("body[data-ready]");
  assert.match(
    await bad.page.locator("#settings-error").innerText(),
    /data: "squares" is not one of.*lr: "abc" is not a number/,
  );
  assert.deepEqual([...errors, ...other.errors, ...bad.errors], []);
});

test("without Web Workers or WebAssembly the page says so and trains on its main thread, on the reference backend", async () => {
  const { page, errors } = await site.open("playground.html#data=circles&stop=40", () => {
    delete (globalThis as { Worker?: unknown }).Worker;
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  });
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "main-thread");
  await page.waitForSelector('#notes li[data-topic="Web Worker"].note-fallback');
  assert.match(await page.locator("#notes").innerText(), /this browser has no Web Workers.*main thread/);
  assert.match(
    await backendNote(page, "fallback"),
    /^Backend: tensors run on the "reference" backend: .*because this browser has no WebAssembly\.$/,
  );
  await page.click("#run");
  await page.waitForFunction(
    () => document.querySelector("#m-step")?.getAttribute("data-value") === "40",
    null,
    {
      timeout: 30_000,
    },
  );
  assert.deepEqual(errors, []);
});
