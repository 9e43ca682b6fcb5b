// The tiny-GPT page: a text and settings, Train / Pause with a progress bar and loss curve, and
// Sample and Show attention, all answered by a trainer in a Web Worker (or on this thread, said so
// on the page, when there is none). Changing the text or a model setting starts a new model on
// the next Train; otherwise Train continues the same model for another run of steps. Tensors run on
// the WebAssembly backend where it loads (`?backend=reference` forces the reference one).
import { drawChart } from "../common/chart.js";
import { wantedBackend, withBackend, type BackendReport, type BackendRequest } from "../common/backend.js";
import { computeNotes, detectCapabilities, showNotes, type Capabilities } from "../common/capabilities.js";
import { byId, fmt, h, showError } from "../common/dom.js";
import { openPort, type Port } from "../common/port.js";
import { renderAttention } from "./attention-view.js";
import type { GptIn, GptOut } from "./host.js";
import { TEXTS } from "./texts.js";
import { checkSettings, DEFAULT_GPT_SETTINGS, type GptSettings } from "./settings.js";

const input = (id: string) => byId(id, HTMLInputElement);
const button = (id: string) => byId(id, HTMLButtonElement);
const SETTING_KEYS = Object.keys(DEFAULT_GPT_SETTINGS) as (keyof GptSettings)[];

let port: Port<GptIn | BackendRequest> | null = null;
/** The text and settings of the model the trainer holds (null: none, or stale after an edit). */
let built: string | null = null;
let unigram = NaN;
let curve: [number, number][] = [];

let caps: Capabilities | null = null;
let backend: BackendReport | null = null;

/** Shows what this browser offers and what the page does without it, once both are known. */
function updateNotes(): void {
  if (port && caps) showNotes(byId("notes"), computeNotes(caps, port, backend));
}

function readSettings(): GptSettings {
  const s = { ...DEFAULT_GPT_SETTINGS };
  for (const k of SETTING_KEYS) s[k] = Number(input(k).value);
  return s;
}

function setRunning(on: boolean): void {
  button("train").disabled = on;
  button("pause").disabled = !on;
}

function train(): void {
  showError(byId("error"), null);
  const text = byId("text", HTMLTextAreaElement).value;
  const settings = readSettings();
  const problem = checkSettings(text, settings);
  showError(byId("settings-error"), problem);
  if (problem) return;
  const key = JSON.stringify([text, settings]);
  if (built !== key) {
    port!.post({ type: "setup", text, settings });
    built = key;
    curve = [];
    byId("progress-text").textContent = "Building the model…";
  }
  port!.post({ type: "train" });
  setRunning(true);
}

function onMessage(msg: GptOut | BackendReport): void {
  switch (msg.type) {
    case "backend":
      backend = msg;
      updateNotes();
      return;
    case "model":
      unigram = msg.unigramLoss;
      byId("model-info").textContent =
        `${msg.parameters.toLocaleString("en")} parameters · ${msg.vocabSize} distinct characters · ` +
        `${msg.characters.toLocaleString("en")} characters of text · a model that only knows character ` +
        `frequencies scores ${fmt(msg.unigramLoss, 3)} nats`;
      for (const id of ["sample", "show-attention"]) button(id).disabled = false;
      return;
    case "progress": {
      const bar = byId("progress", HTMLProgressElement);
      bar.max = msg.target;
      bar.value = msg.step;
      if (Number.isFinite(msg.loss)) curve.push([msg.step, msg.loss]);
      const last = curve.at(-1);
      const text = byId("progress-text");
      text.dataset.step = String(msg.step);
      text.dataset.target = String(msg.target);
      text.dataset.running = String(msg.running);
      text.textContent =
        `Step ${msg.step} of ${msg.target}` +
        (last ? ` · loss ${fmt(last[1], 4)} nats per character` : "") +
        (Number.isFinite(msg.msPerStep) ? ` · ${fmt(msg.msPerStep, 3)} ms per step` : "") +
        (msg.running ? "" : msg.step >= msg.target ? " · done" : " · paused");
      drawChart(
        byId("loss-chart", HTMLCanvasElement),
        [
          { name: "training loss", color: "#3168b9", points: curve },
          {
            name: "unigram baseline",
            color: "#adb5bd",
            points: curve.length
              ? [
                  [curve[0]![0], unigram],
                  [curve.at(-1)![0], unigram],
                ]
              : [],
          },
        ],
        "step",
      );
      if (!msg.running) setRunning(false);
      return;
    }
    case "sample": {
      const out = byId("sample-output");
      out.replaceChildren(h("b", {}, msg.prompt), msg.text);
      out.dataset.generated = msg.text;
      button("sample").disabled = false;
      return;
    }
    case "attention":
      renderAttention(byId("attention"), msg);
      button("show-attention").disabled = false;
      return;
    case "error":
      if (msg.during === "setup" || msg.during === "train") {
        built = null;
        setRunning(false);
      }
      button("sample").disabled = built === null;
      button("show-attention").disabled = built === null;
      showError(byId("error"), `${msg.during ? `${msg.during}: ` : ""}${msg.message}`);
      return;
  }
}

async function main(): Promise<void> {
  const capsProbe = detectCapabilities();
  const preset = byId("text-preset", HTMLSelectElement);
  preset.replaceChildren(
    ...TEXTS.map((t) => h("option", { value: t.id }, t.name)),
    h("option", { value: "own" }, "Your own (paste below)"),
  );
  const textArea = byId("text", HTMLTextAreaElement);
  textArea.value = TEXTS[0]!.text;
  preset.addEventListener("change", () => {
    const t = TEXTS.find((x) => x.id === preset.value);
    if (t) textArea.value = t.text;
  });
  textArea.addEventListener("input", () => (preset.value = "own"));
  for (const k of SETTING_KEYS) input(k).value = String(DEFAULT_GPT_SETTINGS[k]);
  byId("settings").addEventListener("submit", (e) => e.preventDefault());

  button("train").addEventListener("click", train);
  button("pause").addEventListener("click", () => port?.post({ type: "pause" }));
  button("sample").addEventListener("click", () => {
    showError(byId("error"), null);
    button("sample").disabled = true;
    port?.post({
      type: "sample",
      prompt: input("prompt").value,
      length: Math.max(1, Math.min(2000, Math.round(Number(input("sample-length").value) || 200))),
      temperature: Math.max(0, Number(input("temperature").value) || 0),
    });
  });
  button("show-attention").addEventListener("click", () => {
    showError(byId("error"), null);
    button("show-attention").disabled = true;
    port?.post({ type: "attention", prompt: input("attention-prompt").value });
  });

  port = await openPort<GptIn | BackendRequest, GptOut | BackendReport>({
    workerUrl: new URL("./gpt-worker.js", import.meta.url),
    fallback: async () => withBackend((await import("./host.js")).gptHost),
    onMessage,
  });
  port.post({ type: "backend", want: wantedBackend(location.search) });
  caps = await capsProbe;
  updateNotes();
  button("train").disabled = false;
  document.body.dataset.ready = port.mode;
}

main().catch((e: unknown) => showError(byId("error"), `The page could not start: ${e}`));
