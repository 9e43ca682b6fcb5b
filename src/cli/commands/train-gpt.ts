// `nabla train gpt`: the language-model half of the train command (train.ts registers the command
// and hands gpt runs here). Thin: options → LmTrainConfig → trainLm, with a progress bar (loss,
// tokens per second, ETA), the validation loss and a sample at each evaluation, and a loss-curve
// picture. With --resume the checkpoint's settings are reused; options given override them.
import { join } from "node:path";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { LM_CHECKPOINT_FILE, readLmCheckpoint } from "../../models/lm-checkpoint.js";
import { TOKENIZERS } from "../../models/lm-data.js";
import { defaultLmTrainConfig, trainLm, type LmHistory, type LmTrainConfig } from "../../models/lm-train.js";
import { lineChartSvg } from "../../viz/line-chart.js";
import { writeText } from "../files.js";
import { finiteNumber, nonNegativeInteger, nonNegativeNumber, oneOf, positiveInteger } from "../options.js";

/** The gpt-only options: [flag, description, parser, config key]. */
const GPT_OPTIONS: [string, string, (v: string) => unknown][] = [
  ["--tokenizer <kind>", `gpt: ${TOKENIZERS.join(" | ")} (default char)`, oneOf(TOKENIZERS)],
  ["--vocab-size <n>", "gpt with bpe: vocabulary size, 256 bytes + merges (default 512)", positiveInteger],
  ["--steps <n>", "gpt: optimizer steps (default 200)", positiveInteger],
  ["--block-size <n>", "gpt: context length in tokens (default 64)", positiveInteger],
  ["--n-layer <n>", "gpt: Transformer blocks (default 4)", positiveInteger],
  ["--n-head <n>", "gpt: attention heads (default 4)", positiveInteger],
  ["--n-embd <n>", "gpt: embedding width (default 128)", positiveInteger],
  ["--dropout <p>", "gpt: dropout probability (default 0)", finiteNumber("a number in [0, 1)", (n) => n >= 0 && n < 1)],
  ["--rope", "gpt: rotary position embeddings instead of learned ones", (v) => v],
  ["--warmup <n>", "gpt: learning-rate warm-up steps (default 20)", nonNegativeInteger],
  ["--min-lr <x>", "gpt: learning rate at the end of the cosine decay (default lr / 10)", nonNegativeNumber],
  ["--grad-clip <x>", "gpt: clip the gradient norm to this, 0 for none (default 1)", nonNegativeNumber],
  ["--eval-interval <n>", "gpt: evaluate, sample and checkpoint every n steps (default 50)", positiveInteger],
  ["--eval-windows <n>", "gpt: validation windows per evaluation (default 64)", positiveInteger],
  ["--sample-tokens <n>", "gpt: tokens sampled at each evaluation, 0 for none (default 200)", nonNegativeInteger],
  ["--val-fraction <x>", "gpt: the part of the text kept for validation (default 0.1)", finiteNumber("a number between 0 and 1", (n) => n > 0 && n < 1)],
]; // prettier-ignore

/** Options of the classifiers that mean nothing to gpt, and vice versa (attribute names). */
export const CLASSIFIER_ONLY = ["dataset", "epochs", "optimizer", "hidden", "limit"];
export const GPT_ONLY = GPT_OPTIONS.map(([flag]) => attr(flag));

function attr(flag: string): string {
  return flag
    .replace(/^--/, "")
    .replace(/ .*$/, "")
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function addGptTrainOptions(cmd: Command): Command {
  for (const [flag, description, parse] of GPT_OPTIONS)
    if (flag.includes("<")) cmd.option(flag, description, parse);
    else cmd.option(flag, description);
  return cmd;
}

interface GptCliOptions {
  data?: string;
  lr?: number;
  batchSize?: number;
  weightDecay?: number;
  seed: number;
  out?: string;
  resume: boolean;
  tokenizer?: LmTrainConfig["tokenizer"];
  vocabSize?: number;
  steps?: number;
  blockSize?: number;
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  dropout?: number;
  rope?: boolean;
  warmup?: number;
  minLr?: number;
  gradClip?: number;
  evalInterval?: number;
  evalWindows?: number;
  sampleTokens?: number;
  valFraction?: number;
}

/** The run's config: the checkpoint's (resuming) or the defaults, with the options given on top. */
function configFrom(o: GptCliOptions, given: (name: string) => boolean, outDir: string): LmTrainConfig {
  const base = o.resume
    ? readLmCheckpoint(join(outDir, LM_CHECKPOINT_FILE)).state.config
    : defaultLmTrainConfig();
  const pick = <T>(name: string, value: T | undefined, fallback: T): T => (given(name) ? value! : fallback);
  const model = {
    ...base.model,
    blockSize: pick("blockSize", o.blockSize, base.model.blockSize),
    nLayer: pick("nLayer", o.nLayer, base.model.nLayer),
    nHead: pick("nHead", o.nHead, base.model.nHead),
    nEmbd: pick("nEmbd", o.nEmbd, base.model.nEmbd),
    dropout: pick("dropout", o.dropout, base.model.dropout),
    positional: given("rope") ? ("rope" as const) : base.model.positional,
  };
  const lr = pick("lr", o.lr, base.lr);
  return {
    ...base,
    model,
    tokenizer: pick("tokenizer", o.tokenizer, base.tokenizer),
    vocabSize: pick("vocabSize", o.vocabSize, base.vocabSize),
    data: given("data") ? o.data! : base.data,
    steps: pick("steps", o.steps, base.steps),
    batchSize: pick("batchSize", o.batchSize, base.batchSize),
    lr,
    minLr: given("minLr") ? o.minLr! : given("lr") ? lr / 10 : base.minLr,
    // a short run warms up for a tenth of its steps at most
    warmupSteps: given("warmup")
      ? o.warmup!
      : o.resume
        ? base.warmupSteps
        : Math.min(base.warmupSteps, Math.floor(pick("steps", o.steps, base.steps) / 10)),
    weightDecay: pick("weightDecay", o.weightDecay, base.weightDecay),
    gradClip: pick("gradClip", o.gradClip, base.gradClip),
    evalInterval: pick("evalInterval", o.evalInterval, base.evalInterval),
    evalWindows: pick("evalWindows", o.evalWindows, base.evalWindows),
    sampleTokens: pick("sampleTokens", o.sampleTokens, base.sampleTokens),
    valFraction: pick("valFraction", o.valFraction, base.valFraction),
    seed: pick("seed", o.seed, base.seed),
  };
}

/** Train and validation loss over the steps, with the unigram baseline for scale. */
function lossCurve(history: LmHistory, unigram: number, title: string): string {
  const last = Math.max(1, history.losses.length);
  return lineChartSvg({
    title,
    xLabel: "step",
    panels: [
      {
        title: "loss",
        yLabel: "nats per token",
        series: [
          { name: "train", points: history.losses.map((l, i) => [i + 1, l] as const) },
          { name: "validation", points: history.evals.map((e) => [e.step, e.valLoss] as const) },
          {
            name: "unigram",
            points: [
              [0, unigram],
              [last, unigram],
            ],
            color: "#868e96",
          },
        ],
      },
    ],
  });
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
/** A number as a person would write it (0.1 * 3e-3 is 0.00030000000000000003 otherwise). */
const num = (x: number) => String(Number(x.toPrecision(6)));
const cpuSeconds = (u: NodeJS.CpuUsage) => seconds((u.user + u.system) / 1e6);
const seconds = (s: number) =>
  s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

export function runTrainGpt(o: GptCliOptions, given: (name: string) => boolean): void {
  const outDir = o.out ?? "out/gpt";
  const cfg = configFrom(o, given, outDir);
  const tty = process.stdout.isTTY === true;
  let bars: cliProgress.MultiBar | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let lastPrint = 0;
  let unigram = NaN;
  let lastVal = "-";
  const say = (s: string) => {
    if (!bars) process.stdout.write(s + "\n");
    else {
      bars.log(s + "\n");
      bars.update(); // print it now (a log is otherwise held until the next redraw, and stop() drops it)
    }
  };
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const svgPath = join(outDir, "loss.svg");
  const title = `GPT on ${cfg.data ?? "the default corpus"} (${cfg.tokenizer} tokens)`;
  const { history } = trainLm(cfg, {
    outDir,
    resume: o.resume,
    hooks: {
      onStart: ({ model, tokenizer, corpus, data, startStep, backend }) => {
        unigram = data.unigram;
        const m = cfg.model;
        say(
          `nabla train gpt on ${corpus}: ${data.train.length.toLocaleString("en-US")} train / ${data.val.length.toLocaleString("en-US")} validation tokens (${cfg.tokenizer}, vocabulary ${tokenizer.vocabSize}); ` +
            `${plural(m.nLayer, "layer")}, ${plural(m.nHead, "head")}, width ${m.nEmbd}, block ${m.blockSize}, ${model.numParameters().toLocaleString("en-US")} parameters; ` +
            `AdamW lr ${num(cfg.lr)} (warm-up ${cfg.warmupSteps}, cosine to ${num(cfg.minLr)}), batch ${cfg.batchSize}, ${cfg.steps} steps; backend ${backend}`,
        );
        say(`unigram baseline (validation): ${unigram.toFixed(4)} nats per token`);
        if (startStep > 0) say(`resuming from ${join(outDir, LM_CHECKPOINT_FILE)} at step ${startStep}`);
        if (tty) {
          bars = new cliProgress.MultiBar(
            {
              format:
                "step {value}/{total} |{bar}| loss {loss}  val {val}  {rate} tok/s  eta {eta_formatted}",
              barsize: 25,
              hideCursor: true,
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          );
          bar = bars.create(cfg.steps, startStep, { loss: "-", val: lastVal, rate: "-" });
        }
      },
      onStep: (s) => {
        if (bar) {
          bar.update(s.step, { loss: s.loss.toFixed(4), val: lastVal, rate: s.tokensPerSecond.toFixed(0) });
          bars!.update();
        } else if (performance.now() - lastPrint > 10_000) {
          lastPrint = performance.now();
          const eta = ((s.steps - s.step) * cfg.batchSize * cfg.model.blockSize) / s.tokensPerSecond;
          say(
            `step ${s.step}/${s.steps}  loss ${s.loss.toFixed(4)}  lr ${s.lr.toExponential(2)}  ${s.tokensPerSecond.toFixed(0)} tok/s  eta ${seconds(eta)}`,
          );
        }
      },
      onEval: (r, sample, hist) => {
        lastVal = r.valLoss.toFixed(4);
        const train = Number.isNaN(r.trainLoss) ? "" : `train loss ${r.trainLoss.toFixed(4)}, `;
        say(
          `step ${r.step}: ${train}validation loss ${r.valLoss.toFixed(4)} (unigram ${unigram.toFixed(4)})`,
        );
        if (sample !== null) say(`--- sample at step ${r.step} ---\n${sample}\n---`);
        if (r.step > 0) writeText(svgPath, lossCurve(hist, unigram, title));
      },
    },
  });
  (bars as cliProgress.MultiBar | null)?.stop();
  const last = history.evals.at(-1);
  if (last)
    process.stdout.write(
      `done in ${seconds((performance.now() - started) / 1000)} (CPU ${cpuSeconds(process.cpuUsage(cpuStart))}): validation loss ${last.valLoss.toFixed(4)} nats per token (unigram baseline ${unigram.toFixed(4)}); ` +
        `checkpoint ${join(outDir, LM_CHECKPOINT_FILE)}, loss curve ${svgPath}; sample with: nabla sample --checkpoint ${outDir}\n`,
    );
}
