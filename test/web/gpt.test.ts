// The tiny-GPT page in Chromium, used as a person would: pick a text, set a tiny model, train it
// (a few seconds, in a worker, on the WebAssembly backend), sample text, and show the attention
// maps of every layer and head; the notes name the backend that ran, the reference one when forced.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { backendNote, openSite, WASM_NOTE, type Site } from "./browser.js";

let site: Site;
before(async () => {
  site = await openSite();
});
after(async () => {
  await site?.close();
});

test("train a tiny GPT, sample from it, and view its attention per layer and head", async () => {
  const { page, errors } = await site.open("gpt.html");
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "worker");
  await page.selectOption("#text-preset", "rhyme");
  const settings = {
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    blockSize: 16,
    batchSize: 8,
    steps: 60,
    lr: 0.01,
    seed: 3,
  };
  for (const [k, v] of Object.entries(settings)) await page.fill(`#${k}`, String(v));

  const start = Date.now();
  await page.click("#train");
  await page.waitForFunction(
    () => document.querySelector("#progress-text")?.getAttribute("data-step") === "60",
    null,
    {
      timeout: 60_000,
    },
  );
  await page.waitForFunction(
    () => document.querySelector("#progress-text")?.getAttribute("data-running") === "false",
  );
  const seconds = (Date.now() - start) / 1000;
  const progress = await page.locator("#progress-text").innerText();
  assert.match(progress, /Step 60 of 60 · loss \d+\.\d+ nats per character .* done/);
  const loss = Number(/loss (\d+\.\d+)/.exec(progress)![1]);
  assert.ok(
    loss < 2.5,
    `after 60 steps the loss is ${loss} (a uniform guess over 22 characters is ln 22 ≈ 3.1)`,
  );
  assert.match(await page.locator("#model-info").innerText(), /parameters · \d+ distinct characters/);
  assert.equal(await page.locator("#progress").getAttribute("value"), "60");
  const note = await backendNote(page, "ok");
  assert.match(note, WASM_NOTE);
  // the page is cross-origin isolated, so the worker's backend runs Web Workers of its own
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores > 1) assert.match(note, /large matrix products split over \d threads/);

  await page.fill("#prompt", "the ");
  await page.fill("#sample-length", "80");
  await page.click("#sample");
  await page.waitForFunction(() => document.querySelector("#sample-output")?.hasAttribute("data-generated"));
  const generated = (await page.locator("#sample-output").getAttribute("data-generated"))!;
  assert.equal([...generated].length, 80);
  assert.ok(
    [...generated].every((c) => "the cat sat on mat.\ndoglfrbnpmuseixhvw".includes(c)),
    generated,
  );
  assert.ok((await page.locator("#sample-output").innerText()).startsWith("the "));

  await page.fill("#attention-prompt", "the cat sat");
  await page.click("#show-attention");
  await page.waitForSelector("#attention canvas");
  assert.equal(await page.locator("#attention canvas").count(), settings.nLayer * settings.nHead);
  assert.deepEqual(await page.locator("#attention figcaption").allInnerTexts(), [
    "layer 1 · head 1",
    "layer 1 · head 2",
    "layer 2 · head 1",
    "layer 2 · head 2",
  ]);

  await page.fill("#attention-prompt", "the CAT");
  await page.click("#show-attention");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.locator("#error").innerText(), /attention: .*"C"/);
  await page.fill("#attention-prompt", "the cat sat");
  await page.click("#show-attention");
  await site.screenshot(page, "gpt");
  assert.deepEqual(errors, []);
  assert.ok(seconds < 45, `training took ${seconds} s`);
});

test("settings that cannot build a model are named, not run", async () => {
  const { page, errors } = await site.open("gpt.html");
  await page.waitForSelector("body[data-ready]");
  await page.fill("#nEmbd", "30");
  await page.fill("#nHead", "4");
  await page.click("#train");
  assert.match(
    await page.locator("#settings-error").innerText(),
    /embedding width 30 must be divisible by the number of heads 4/,
  );
  assert.ok(await page.locator("#pause").isDisabled());
  assert.deepEqual(errors, []);
});

test("without Web Workers the page says so and still trains on its main thread", async () => {
  const { page, errors } = await site.open("gpt.html", () => {
    delete (globalThis as { Worker?: unknown }).Worker;
  });
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "main-thread");
  assert.match(await page.locator("#notes").innerText(), /this browser has no Web Workers.*main thread/);
  const settings = { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 4, steps: 5 };
  for (const [k, v] of Object.entries(settings)) await page.fill(`#${k}`, String(v));
  await page.click("#train");
  await page.waitForFunction(
    () => document.querySelector("#progress-text")?.getAttribute("data-step") === "5",
  );
  await page.click("#sample");
  await page.waitForFunction(() => document.querySelector("#sample-output")?.hasAttribute("data-generated"));
  assert.match(await backendNote(page, "ok"), WASM_NOTE); // the fallback host loads wasm too
  assert.deepEqual(errors, []);
});

test("?backend=reference: the worker trains on the reference backend and the notes say so", async () => {
  const { page, errors } = await site.open("gpt.html?backend=reference");
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.getAttribute("body", "data-ready"), "worker");
  assert.match(
    await backendNote(page, "fallback"),
    /^Backend: tensors run on the "reference" backend: .*because the page's address asked for it \(\?backend=reference\)/,
  );
  const settings = { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 4, steps: 5 };
  for (const [k, v] of Object.entries(settings)) await page.fill(`#${k}`, String(v));
  await page.click("#train");
  await page.waitForFunction(
    () => document.querySelector("#progress-text")?.getAttribute("data-step") === "5",
  );
  assert.match(await page.locator("#notes").innerText(), /tensors run on the "reference" CPU backend/);
  await site.screenshot(page, "gpt-reference");
  assert.deepEqual(errors, []);
});
