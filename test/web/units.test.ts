// The playground's parts that need no browser, in Node: the URL form of the playground's settings,
// its trainer (moons to 95%), the tiny-GPT trainer (loss, sampling past the block size, attention
// shapes), the hosts' choice of backend, the explorer's names and formulas, and the static server's
// headers and refusals.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { BackwardStepper, evaluateExpression, Value } from "../../src/micrograd/index.js";
import {
  configFromHash,
  configToHash,
  DEFAULT_CONFIG,
  parseLayers,
  type PlaygroundConfig,
} from "../../src/web/playground/config.js";
import { PlaygroundTrainer } from "../../src/web/playground/trainer.js";
import { GptTrainer } from "../../src/web/gpt/trainer.js";
import { checkSettings, DEFAULT_GPT_SETTINGS } from "../../src/web/gpt/settings.js";
import { TEXTS } from "../../src/web/gpt/texts.js";
import { describeNode, localRule, nameValues } from "../../src/web/explorer/explain.js";
import { serveStatic, type StaticServer } from "../../scripts/serve-web.js";
import { playgroundHost, type PlaygroundOut } from "../../src/web/playground/host.js";
import { gptHost, type GptOut } from "../../src/web/gpt/host.js";
import { wantedBackend, withBackend } from "../../src/web/common/backend.js";
import type { HostFactory } from "../../src/web/common/host.js";
import { getBackend, setBackend } from "../../src/index.js";

test("playground settings round-trip through the URL; bad fields fall back to defaults and are named", () => {
  const c: PlaygroundConfig = {
    ...DEFAULT_CONFIG,
    dataset: "blobs",
    noise: 0.25,
    hidden: [4, 3, 2],
    activation: "gelu",
    loss: "hinge",
    optimizer: "rmsprop",
    lr: 0.005,
    batch: 0,
    l2: 0.001,
    stopAt: 500,
    seed: 42,
    size: 120,
  };
  assert.deepEqual(configFromHash("#" + configToHash(c)), { config: c, problems: [] });
  assert.deepEqual(configFromHash(""), { config: DEFAULT_CONFIG, problems: [] });
  assert.deepEqual(configFromHash("layers="), { config: { ...DEFAULT_CONFIG, hidden: [] }, problems: [] });
  const bad = configFromHash("data=squares&n=5&lr=x&layers=3,0&batch=1.5&act=relu");
  assert.equal(bad.config.activation, "relu");
  assert.deepEqual(
    { ...bad.config, activation: DEFAULT_CONFIG.activation },
    { ...DEFAULT_CONFIG, hidden: DEFAULT_CONFIG.hidden },
  );
  assert.deepEqual(bad.problems, [
    'data: "squares" is not one of moons, circles, spirals, xor, blobs',
    "n: 5 is outside 10…2000",
    'lr: "x" is not a number',
    "batch: 1.5 is not a whole number",
    'layers: width "0": 0 is outside 1…64',
  ]);
  assert.equal(parseLayers("1,2,3,4,5,6,7"), "at most 6 hidden layers, got 7");
});

test("the playground trainer: moons passes 95% in 300 steps, the same run twice gives the same numbers", () => {
  const run = () => {
    const t = new PlaygroundTrainer({ ...DEFAULT_CONFIG });
    const first = t.metrics().trainLoss;
    for (let i = 0; i < 300; i++) t.step();
    return { first, m: t.metrics(), grid: t.grid(16) };
  };
  const a = run();
  assert.ok(a.m.trainAccuracy > 0.95 && a.m.testAccuracy > 0.9, JSON.stringify(a.m));
  assert.ok(a.m.trainLoss < a.first / 10);
  assert.equal(a.m.step, 300);
  assert.equal(a.m.epoch, 47); // 200 points in batches of 32: 6.25 batches an epoch
  assert.deepEqual(run().m, a.m);
  assert.equal(a.grid.classes.length, 256);
  assert.ok(a.grid.confidence.every((c) => c >= 0 && c <= 1));
  const both = new Set(a.grid.classes);
  assert.deepEqual([...both].sort(), [0, 1]);
});

test("every dataset, loss, optimizer and activation trains without error; blobs have three classes", () => {
  const combos: Partial<PlaygroundConfig>[] = [
    { dataset: "circles", loss: "mse", optimizer: "sgd", activation: "relu", lr: 0.1 },
    { dataset: "spirals", loss: "hinge", optimizer: "momentum", activation: "leaky-relu", batch: 0 },
    { dataset: "xor", optimizer: "rmsprop", activation: "sigmoid", l2: 0.01, lr: 0.01 },
    { dataset: "blobs", optimizer: "adagrad", activation: "silu", hidden: [] },
    { dataset: "moons", activation: "gelu", size: 10, batch: 64 },
  ];
  for (const over of combos) {
    const t = new PlaygroundTrainer({ ...DEFAULT_CONFIG, ...over });
    for (let i = 0; i < 20; i++) assert.ok(Number.isFinite(t.step()), JSON.stringify(over));
    assert.equal(t.classes, over.dataset === "blobs" ? 3 : 2);
  }
});

test("the GPT trainer: the loss falls, samples have the asked length past the block size, attention is causal", () => {
  const text = TEXTS.find((t) => t.id === "rhyme")!.text;
  const settings = { ...DEFAULT_GPT_SETTINGS, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, batchSize: 8 };
  const t = new GptTrainer(text, settings);
  const first = t.step();
  let last = first;
  for (let i = 0; i < 40; i++) last = t.step();
  assert.ok(last < first - 0.5, `${first} → ${last}`);
  const s = t.sample("the ", 30, 0.8);
  assert.equal([...s].length, 30);
  assert.equal(t.sample("", 5, 0).length, 5);
  const a = t.attention("the cat sat on the"); // longer than the block: its last 8 characters
  assert.deepEqual(a.tokens.join(""), "t on the");
  assert.equal(a.maps.length, 1);
  assert.equal(a.maps[0]!.length, 2);
  for (const m of a.maps[0]!)
    for (let q = 0; q < 8; q++) {
      let row = 0;
      for (let k = 0; k < 8; k++) {
        if (k > q) assert.equal(m[q * 8 + k], 0);
        row += m[q * 8 + k]!;
      }
      assert.ok(Math.abs(row - 1) < 1e-5);
    }
  assert.throws(() => t.attention("the CAT"), /"C"/);
  assert.match(checkSettings("short", DEFAULT_GPT_SETTINGS)!, /the text has 5 characters/);
  assert.match(checkSettings(text, { ...DEFAULT_GPT_SETTINGS, lr: 0 })!, /lr must be between/);
  assert.equal(checkSettings(text, DEFAULT_GPT_SETTINGS), null);
});

test("the explorer names unnamed values and writes each op's local derivative", () => {
  const out = evaluateExpression("tanh(x*x + 2*y) / y", { x: 1.5, y: 0.5 });
  const stepper = new BackwardStepper(out);
  nameValues(stepper.order);
  assert.equal(out.label, "out");
  const labels = stepper.order.map((v) => v.label);
  assert.ok(labels.includes("2") && labels.includes("x") && labels.includes("n1"), labels.join(" "));
  const steps = stepper.finish();
  const rules = steps.flatMap((s) => s.contributions.map((c) => localRule(s.node, c.input)));
  assert.ok(rules.includes("∂n1/∂x = 2·x"), rules.join("\n"));
  assert.ok(
    rules.some((r) => /= 1 − tanh²\(n\d\) = 1 − n\d²$/.test(r)),
    rules.join("\n"),
  );
  assert.ok(rules.includes("∂n5/∂y = −1·y^−2"), rules.join("\n"));
  const named = new Value(1, { label: "n1" });
  const order = new BackwardStepper(named.mul(3).exp()).order;
  nameValues(order);
  assert.deepEqual(
    order.map((v) => v.label),
    ["n1", "3", "n2", "out"],
  );
  assert.equal(describeNode(order[2]!), "n1 · 3");
  assert.equal(describeNode(order[3]!), "exp(n2)");
});

/** Collects a host's messages; `until` resolves at the first one that passes the test. */
function collect<Out>() {
  const seen: Out[] = [];
  let waiting: { test: (m: Out) => boolean; resolve: (m: Out) => void } | null = null;
  return {
    seen,
    send: (m: Out) => {
      seen.push(m);
      if (waiting?.test(m)) {
        const w = waiting;
        waiting = null;
        w.resolve(m);
      }
    },
    until: (test: (m: Out) => boolean) => new Promise<Out>((resolve) => (waiting = { test, resolve })),
  };
}

test("the playground host: stops at 'stop at', a second run goes on until paused, step and reset", async () => {
  const c = collect<PlaygroundOut>();
  const host = playgroundHost(c.send);
  host({ type: "configure", config: { ...DEFAULT_CONFIG, stopAt: 30 } });
  assert.deepEqual(
    c.seen.map((m) => m.type),
    ["dataset", "progress"],
  );
  const progress = (m: PlaygroundOut) => (m.type === "progress" ? m : null);
  const stopped = c.until((m) => progress(m)?.stopped !== undefined);
  host({ type: "run" });
  const end = progress(await stopped)!;
  assert.equal(end.metrics.step, 30);
  assert.equal(end.running, false);
  assert.match(end.stopped!, /reached step 30/);

  const beyond = c.until((m) => (progress(m)?.metrics.step ?? 0) > 60);
  host({ type: "run" });
  await beyond;
  const paused = c.until((m) => progress(m)?.stopped === "paused");
  host({ type: "pause" });
  const at = progress(await paused)!.metrics.step;
  host({ type: "step" });
  assert.equal(progress(c.seen.at(-1)!)!.metrics.step, at + 1);
  host({ type: "configure", config: { ...DEFAULT_CONFIG, hidden: [] } });
  assert.equal(progress(c.seen.at(-1)!)!.metrics.step, 0);
  const dataset = c.seen.at(-2)!;
  assert.ok(dataset.type === "dataset" && dataset.parameters === 6); // a linear model: 2×2 + 2
});

test("the GPT host: pausing and training again resumes the same run; errors name what failed", async () => {
  const c = collect<GptOut>();
  const host = gptHost(c.send);
  const text = TEXTS.find((t) => t.id === "counting")!.text;
  host({ type: "sample", prompt: "1", length: 3, temperature: 1 });
  assert.deepEqual(c.seen.at(-1), { type: "error", message: "build a model first", during: "sample" });
  const settings = {
    ...DEFAULT_GPT_SETTINGS,
    nLayer: 1,
    nHead: 1,
    nEmbd: 8,
    blockSize: 8,
    batchSize: 2,
    steps: 200,
  };
  host({ type: "setup", text, settings });
  assert.equal(c.seen.at(-1)!.type, "model");
  const first = c.until((m) => m.type === "progress");
  host({ type: "train" });
  await first;
  const paused = c.until((m) => m.type === "progress" && !m.running);
  host({ type: "pause" });
  const p = (await paused) as Extract<GptOut, { type: "progress" }>;
  assert.ok(p.step < 200, `paused at ${p.step}`);
  const done = c.until((m) => m.type === "progress" && !m.running);
  host({ type: "train" });
  const d = (await done) as Extract<GptOut, { type: "progress" }>;
  assert.deepEqual([d.step, d.target], [200, 200]);
  host({ type: "attention", prompt: "12 is x" });
  const err = c.seen.at(-1)!;
  assert.ok(
    err.type === "error" && err.during === "attention" && /"x"/.test(err.message),
    JSON.stringify(err),
  );
  host({ type: "setup", text: "tiny", settings });
  assert.ok(c.seen.at(-1)!.type === "error");
});

test("a host behind withBackend: messages wait for the backend, reported first; ?backend=reference forces it", async () => {
  assert.equal(wantedBackend("?backend=reference"), "reference");
  assert.equal(wantedBackend("?backend=gpu&x=1"), "auto");
  const echo: HostFactory<string, { type: "echo"; text: string; backend: string }> = (send) => (text) =>
    send({ type: "echo", text, backend: getBackend().name });
  const previous = getBackend().name;
  try {
    for (const [want, name] of [
      ["reference", "reference"],
      ["auto", "wasm"], // Node has WebAssembly SIMD
    ] as const) {
      const c = collect<{ type: string; name?: string; fallback?: string | null; backend?: string }>();
      const host = withBackend(echo)(c.send);
      host({ type: "backend", want });
      host("a");
      host("b");
      const done = c.until((m) => m.type === "echo" && (m as { text?: string }).text === "b");
      assert.equal(c.seen.length, 0, "nothing before the backend is chosen");
      await done;
      assert.deepEqual(
        c.seen.map((m) => (m.type === "backend" ? `backend ${m.name}` : `echo on ${m.backend}`)),
        [`backend ${name}`, `echo on ${name}`, `echo on ${name}`],
      );
      const report = c.seen[0]!;
      if (name === "reference") assert.match(report.fallback!, /\?backend=reference/);
      else assert.equal(report.fallback, null);
    }
  } finally {
    setBackend(previous);
  }
});

let dir: string;
let server: StaticServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nabla-serve-"));
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "index.html"), "<p>home</p>");
  writeFileSync(join(dir, "sub", "a.js"), "export {};");
  server = await serveStatic(dir);
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
  method = "GET",
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(server.url), { path, method }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the static server: 127.0.0.1 only, cross-origin isolation headers, MIME types, no way out of its folder", async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const home = await get("/");
  assert.equal(home.status, 200);
  assert.equal(home.body, "<p>home</p>");
  assert.equal(home.headers["cross-origin-opener-policy"], "same-origin");
  assert.equal(home.headers["cross-origin-embedder-policy"], "require-corp");
  assert.equal(home.headers["content-type"], "text/html; charset=utf-8");
  assert.equal((await get("/sub/a.js")).headers["content-type"], "text/javascript; charset=utf-8");
  assert.equal((await get("/nothing.js")).status, 404);
  assert.equal((await get("/../../etc/passwd")).status, 404); // URL parsing keeps it inside: /etc/passwd of the site
  assert.equal((await get("/sub/..%2f..%2fetc%2fpasswd")).status, 403);
  assert.equal((await get("/", "POST")).status, 405);
  assert.equal((await get("/", "HEAD")).body, "");
});
