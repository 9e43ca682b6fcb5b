// The network playground page: the settings form (mirrored in the URL after #, so a state can be
// shared as a link), the buttons, and the live views of a trainer that runs in a Web Worker (or on
// this thread, said so on the page, when there is none), on the WebAssembly backend where it loads
// (`?backend=reference` forces the reference one).
import { drawChart, type ChartSeries } from "../common/chart.js";
import { wantedBackend, withBackend, type BackendReport, type BackendRequest } from "../common/backend.js";
import { computeNotes, detectCapabilities, showNotes, type Capabilities } from "../common/capabilities.js";
import { byId, fmt, h, percent, showError } from "../common/dom.js";
import { openPort, type Port } from "../common/port.js";
import { drawBoundary } from "./boundary-view.js";
import {
  ACTIVATIONS,
  checkNumber,
  configFromHash,
  configToHash,
  DATASETS,
  LIMITS,
  LOSSES,
  OPTIMIZERS,
  parseLayers,
  type PlaygroundConfig,
} from "./config.js";
import type { PlaygroundIn, PlaygroundOut } from "./host.js";
import type { Grid, PointSet } from "./trainer.js";

const select = (id: string) => byId(id, HTMLSelectElement);
const input = (id: string) => byId(id, HTMLInputElement);
const button = (id: string) => byId(id, HTMLButtonElement);

const NUMERIC = ["noise", "size", "seed", "lr", "batch", "l2", "stopAt"] as const;
const INTEGER = new Set(["size", "seed", "batch", "stopAt"]);

let config: PlaygroundConfig;
let port: Port<PlaygroundIn | BackendRequest> | null = null;
let running = false;
let data: { train: PointSet; test: PointSet } | null = null;
let lastGrid: Grid | null = null;
let curves: { train: [number, number][]; test: [number, number][] } = { train: [], test: [] };

let caps: Capabilities | null = null;
let backend: BackendReport | null = null;

/** Shows what this browser offers and what the page does without it, once both are known. */
function updateNotes(): void {
  if (port && caps) showNotes(byId("notes"), computeNotes(caps, port, backend));
}

function fillChoices(): void {
  const options: [string, readonly string[]][] = [
    ["dataset", DATASETS],
    ["activation", ACTIVATIONS],
    ["loss", LOSSES],
    ["optimizer", OPTIMIZERS],
  ];
  for (const [id, values] of options)
    select(id).replaceChildren(...values.map((v) => h("option", { value: v }, v)));
}

function writeForm(c: PlaygroundConfig): void {
  select("dataset").value = c.dataset;
  select("activation").value = c.activation;
  select("loss").value = c.loss;
  select("optimizer").value = c.optimizer;
  input("hidden").value = c.hidden.join(", ");
  for (const k of NUMERIC) input(k).value = String(c[k]);
}

/** The config in the form, or what is wrong with it. */
function readForm(): PlaygroundConfig | string {
  const c = { ...config };
  c.dataset = select("dataset").value as PlaygroundConfig["dataset"];
  c.activation = select("activation").value as PlaygroundConfig["activation"];
  c.loss = select("loss").value as PlaygroundConfig["loss"];
  c.optimizer = select("optimizer").value as PlaygroundConfig["optimizer"];
  const hidden = parseLayers(input("hidden").value);
  if (typeof hidden === "string") return `Hidden layers: ${hidden}`;
  c.hidden = hidden;
  for (const k of NUMERIC) {
    const v = checkNumber(input(k).value, LIMITS[k], INTEGER.has(k));
    if (typeof v === "string") return `${input(k).parentElement?.firstChild?.textContent?.trim() ?? k}: ${v}`;
    c[k] = v;
  }
  return c;
}

function setRunning(on: boolean): void {
  running = on;
  button("run").textContent = on ? "Pause" : "Train";
}

function reconfigure(): void {
  curves = { train: [], test: [] };
  setRunning(false);
  byId("status").textContent = "";
  port?.post({ type: "configure", config });
}

function onSettingsChanged(): void {
  const c = readForm();
  showError(byId("settings-error"), typeof c === "string" ? c : null);
  if (typeof c === "string") return;
  config = c;
  history.replaceState(null, "", `#${configToHash(config)}`);
  byId("share-box").hidden = true;
  reconfigure();
}

function redraw(): void {
  if (!data || !lastGrid) return;
  drawBoundary(
    byId("boundary", HTMLCanvasElement),
    lastGrid,
    data.train,
    data.test,
    input("show-test").checked,
  );
}

function setMetric(id: string, text: string, value: number): void {
  const el = byId(id);
  el.textContent = text;
  el.dataset.value = String(value);
}

function onMessage(msg: PlaygroundOut | BackendReport): void {
  if (msg.type === "backend") {
    backend = msg;
    updateNotes();
    return;
  }
  if (msg.type === "error") {
    setRunning(false);
    showError(byId("error"), `Training failed: ${msg.message}`);
    return;
  }
  showError(byId("error"), null);
  if (msg.type === "dataset") {
    data = { train: msg.train, test: msg.test };
    setMetric("m-params", String(msg.parameters), msg.parameters);
    return;
  }
  const m = msg.metrics;
  setMetric("m-step", String(m.step), m.step);
  setMetric("m-epoch", String(m.epoch), m.epoch);
  setMetric("m-train-loss", fmt(m.trainLoss, 4), m.trainLoss);
  setMetric("m-test-loss", fmt(m.testLoss, 4), m.testLoss);
  setMetric("m-train-acc", percent(m.trainAccuracy), m.trainAccuracy);
  setMetric("m-test-acc", percent(m.testAccuracy), m.testAccuracy);
  const last = curves.train.at(-1);
  if (!last || last[0] !== m.step) {
    curves.train.push([m.step, m.trainLoss]);
    curves.test.push([m.step, m.testLoss]);
  }
  const series: ChartSeries[] = [
    { name: "training loss", color: "#3168b9", points: curves.train },
    { name: "test loss", color: "#e8890c", points: curves.test },
  ];
  drawChart(byId("loss-chart", HTMLCanvasElement), series, "step");
  lastGrid = msg.grid;
  redraw();
  if (msg.ended && running) setRunning(false);
  const status = byId("status");
  if (msg.stopped) status.textContent = `Stopped at step ${m.step}: ${msg.stopped}.`;
  else if (msg.running) status.textContent = "Training…";
}

async function share(): Promise<void> {
  const url = new URL(location.href);
  url.hash = configToHash(config);
  input("share-url").value = url.href;
  byId("share-box").hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(url.href);
    copied = true;
  } catch {
    // no clipboard permission (or no clipboard): the link is shown to copy by hand
  }
  byId("status").textContent = copied
    ? "Link copied to the clipboard."
    : "Copy the link below to share this state.";
  input("share-url").select();
}

function loadFromHash(): void {
  const { config: c, problems } = configFromHash(location.hash);
  config = c;
  writeForm(config);
  showError(byId("settings-error"), problems.length ? `Ignored in the link: ${problems.join("; ")}` : null);
}

async function main(): Promise<void> {
  const capsProbe = detectCapabilities();
  fillChoices();
  loadFromHash();
  byId("settings").addEventListener("change", onSettingsChanged);
  byId("settings").addEventListener("submit", (e) => e.preventDefault());
  input("show-test").addEventListener("change", redraw);
  button("share").addEventListener("click", () => void share());
  button("run").addEventListener("click", () => {
    port?.post({ type: running ? "pause" : "run" });
    setRunning(!running);
  });
  button("step").addEventListener("click", () => {
    setRunning(false);
    port?.post({ type: "step" });
  });
  button("reset").addEventListener("click", reconfigure);
  addEventListener("hashchange", () => {
    if (location.hash.replace(/^#/, "") === configToHash(config)) return;
    loadFromHash();
    reconfigure();
  });

  port = await openPort<PlaygroundIn | BackendRequest, PlaygroundOut | BackendReport>({
    workerUrl: new URL("./playground-worker.js", import.meta.url),
    fallback: async () => withBackend((await import("./host.js")).playgroundHost),
    onMessage,
  });
  port.post({ type: "backend", want: wantedBackend(location.search) });
  caps = await capsProbe;
  updateNotes();
  for (const id of ["run", "step", "reset"]) button(id).disabled = false;
  document.body.dataset.ready = port.mode;
  reconfigure();
}

main().catch((e: unknown) => showError(byId("error"), `The page could not start: ${e}`));
