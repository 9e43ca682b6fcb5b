// The backprop explorer in Chromium, used as a person would: pick the lecture's neuron, run the
// forward pass, step the backward pass node by node, and read the gradients off the page; they
// must be the library's own (micrograd run here in Node). Then check them against finite
// differences, and type expressions, a wrong one included.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Value } from "../../src/micrograd/index.js";
import { openSite, type Site } from "./browser.js";

let site: Site;
before(async () => {
  site = await openSite();
});
after(async () => {
  await site?.close();
});

/** The lecture's neuron in the library: o = tanh(x1*w1 + x2*w2 + b). */
function libraryNeuron(): Record<string, number> {
  const x1 = new Value(2, { label: "x1" });
  const x2 = new Value(0, { label: "x2" });
  const w1 = new Value(-3, { label: "w1" });
  const w2 = new Value(1, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  x1.mul(w1).add(x2.mul(w2)).add(b).tanh().backward();
  return { x1: x1.grad, x2: x2.grad, w1: w1.grad, w2: w2.grad, b: b.grad };
}

test("the lecture neuron: stepping backward shows each gradient arrive, ending at the library's values", async () => {
  const { page, errors } = await site.open("explorer.html");
  await page.waitForSelector("body[data-ready]");
  await page.selectOption("#preset", "neuron");
  await page.fill("#var-x1", "2");
  await page.fill("#var-x2", "0");
  await page.fill("#var-w1", "-3");
  await page.fill("#var-w2", "1");
  await page.fill("#var-b", "6.8813735870195432");
  await page.click("#forward");
  await page.waitForSelector("#graph svg");
  assert.ok(
    Math.abs(Number(await page.locator("#output").getAttribute("data-value")) - Math.SQRT1_2) < 1e-12,
  );
  assert.equal(await page.locator("#graph g.node").count(), 15); // 10 values and 5 op nodes

  // First step: tanh's local derivative 1 − out² = 0.5 times the upstream gradient 1.
  await page.click("#step");
  await page.waitForSelector("#graph g.node.current");
  const info = await page.locator("#step-info").innerText();
  assert.match(info, /Step 1 of 5/);
  assert.match(info, /1 − tanh²\(n\d\) = 1 − out² = 0\.5/);
  await site.screenshot(page, "explorer-step");

  let steps = 1;
  while (await page.locator("#step").isEnabled()) {
    await page.click("#step");
    steps++;
    assert.match(await page.locator("#step-info").innerText(), new RegExp(`Step ${steps} of 5`));
  }
  assert.equal(steps, 5);
  assert.match(await page.locator("#step-info").innerText(), /Backward pass complete/);

  const expected = libraryNeuron();
  for (const [name, grad] of Object.entries(expected)) {
    const shown = Number(await page.locator(`#leaves tr[data-name="${name}"]`).getAttribute("data-grad"));
    assert.equal(shown, grad, `${name}: page ${shown}, library ${grad}`);
    const text = (await page.locator(`#leaves tr[data-name="${name}"] td.grad`).innerText()).replace(
      "−",
      "-",
    );
    assert.ok(Math.abs(Number(text) - grad) < 1e-12, `${name}: shown as ${text}`);
  }
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  assert.ok(
    near(expected.x1!, -1.5) && near(expected.w1!, 1) && near(expected.x2!, 0.5) && near(expected.w2!, 0),
  );

  await page.click("#check");
  assert.match(await page.locator("#check-summary").innerText(), /All 5 gradients agree.*same numbers/);
  assert.equal(await page.locator('#check-results tr[data-ok="true"]').count(), 5);
  await site.screenshot(page, "explorer");
  assert.deepEqual(errors, []);
});

test("typing expressions: variables appear, a shared variable's grads add up, mistakes are named", async () => {
  const { page, errors } = await site.open("explorer.html");
  await page.waitForSelector("body[data-ready]");
  await page.fill("#expression", "");
  await page.locator("#expression").pressSequentially("a*a + exp(a");
  assert.match(
    await page.locator("#expression-error").innerText(),
    /expected "\)" but found end of input at position 12/,
  );
  assert.ok(await page.locator("#forward").isDisabled());
  await page.locator("#expression").press("End");
  await page.locator("#expression").pressSequentially(")");
  assert.ok(await page.locator("#expression-error").isHidden());
  assert.equal(await page.locator("#variables input").count(), 1);
  await page.fill("#var-a", "0.5");
  await page.click("#forward");
  await page.click("#finish");
  const grad = Number(await page.locator('#leaves tr[data-name="a"]').getAttribute("data-grad"));
  assert.ok(Math.abs(grad - (2 * 0.5 + Math.exp(0.5))) < 1e-12, `d/da (a² + eᵃ) at 0.5: ${grad}`);
  await page.click("#check");
  assert.match(await page.locator("#check-summary").innerText(), /All 1 gradients agree/);

  await page.selectOption("#preset", "mlp");
  await page.waitForSelector("#graph svg");
  assert.equal(await page.locator("#variables input").count(), 11);
  await page.click("#finish");
  await page.click("#check");
  assert.equal(await page.locator('#check-results tr[data-ok="true"]').count(), 11);
  await site.screenshot(page, "explorer-mlp");
  assert.deepEqual(errors, []);
});

test("without WebAssembly the page says so and shows the graph as DOT text; backprop still works", async () => {
  const { page, errors } = await site.open("explorer.html", () => {
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  });
  await page.waitForSelector("body[data-ready]");
  await page.waitForSelector('#notes li[data-topic="WebAssembly"]');
  await page.waitForSelector('#graph[data-render="dot"]');
  assert.match(
    await page.locator("#graph").innerText(),
    /Graphviz could not draw the graph.*\n*digraph G \{/,
  );
  await page.click("#finish");
  const x1 = Number(await page.locator('#leaves tr[data-name="x1"]').getAttribute("data-grad"));
  assert.ok(Math.abs(x1 - -1.5) < 1e-12, String(x1));
  assert.deepEqual(errors, []);
});

test("the front page links to the three pages", async () => {
  const { page, errors } = await site.open("index.html");
  const links = await page.locator(".cards a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, ["explorer.html", "playground.html", "gpt.html"]);
  await site.screenshot(page, "index");
  await page.click('.cards a[href="playground.html"]');
  await page.waitForSelector("body[data-ready]");
  assert.equal(await page.title(), "Network playground · nabla");
  assert.deepEqual(errors, []);
});
