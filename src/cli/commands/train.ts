// `nabla train mlp|cnn|gpt`: trains a classifier with progress bars (loss, accuracy, throughput), an
// evaluation on the test split each epoch, an atomic checkpoint and a loss/accuracy picture in
// --out, and `--resume` to continue a run exactly where its last checkpoint left it. `gpt` (a
// language model) shares the command and its common options; its run is in train-gpt.ts.
import { join } from "node:path";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { InvalidArgumentError } from "commander";
import {
  DATASETS,
  OPTIMIZERS,
  trainClassifier,
  type ClassifyConfig,
  type EpochRecord,
} from "../../models/classify.js";
import { lineChartSvg } from "../../viz/line-chart.js";
import { writeText } from "../files.js";
import { integer, nonNegativeNumber, oneOf, positiveInteger, positiveNumber } from "../options.js";
import { UsageError } from "../errors.js";
import { CLASSIFIER_ONLY, GPT_ONLY, addGptTrainOptions, runTrainGpt } from "./train-gpt.js";

interface TrainCliOptions {
  dataset: string;
  epochs: number;
  lr?: number;
  batchSize?: number;
  optimizer: string;
  weightDecay?: number;
  hidden: string;
  seed: number;
  out?: string;
  resume: boolean;
  data?: string;
  limit?: number;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command("train")
    .description("train a model: mlp or cnn (classifiers), gpt (a language model)")
    .argument("<model>", "mlp | cnn | gpt", oneOf(["mlp", "cnn", "gpt"]))
    .option("--dataset <name>", `one of ${DATASETS.join(", ")}`, oneOf(DATASETS), "fashion-mnist")
    .option("--epochs <n>", "passes over the training set", positiveInteger, 5)
    .option(
      "--lr <x>",
      "learning rate (default 1e-3 for adam/adamw, 0.05 for sgd; gpt: 3e-3)",
      positiveNumber,
    )
    .option("--batch-size <n>", "samples per step (default 128; gpt: 16 windows)", positiveInteger)
    .option("--optimizer <name>", OPTIMIZERS.join(" | "), oneOf(OPTIMIZERS), "adam")
    .option(
      "--weight-decay <x>",
      "L2 (adam, sgd) or decoupled (adamw) weight decay (default 0; gpt: 0.1)",
      nonNegativeNumber,
    )
    .option("--hidden <widths>", "MLP hidden widths, comma-separated", "256,128")
    .option("--seed <n>", "seed for data order and initial weights", integer, 0)
    .option("-o, --out <dir>", "where checkpoints and pictures go (default out/train; gpt: out/gpt)")
    .option("--resume", "continue from the checkpoint in --out", false)
    .option(
      "--data <path>",
      "directory holding the Fashion-MNIST files (gpt: a text file; default Moby-Dick)",
    )
    .option("--limit <n>", "use only the first n training samples", positiveInteger);
  addGptTrainOptions(cmd).action((model: "mlp" | "cnn" | "gpt", o: TrainCliOptions, c: Command) => {
    const given = (name: string) => c.getOptionValueSource(name) === "cli";
    const wrong = (model === "gpt" ? CLASSIFIER_ONLY : GPT_ONLY).filter(given);
    if (wrong.length)
      throw new UsageError(
        `train ${model}: ${wrong.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} ${wrong.length > 1 ? "do" : "does"} not apply to ${model === "gpt" ? "gpt" : "mlp or cnn"}`,
      );
    if (model === "gpt") runTrainGpt(o, given);
    else runTrain(model, o);
  });
}

function parseHidden(s: string): number[] {
  const widths = s.split(",").map((w) => Number(w.trim()));
  if (widths.some((w) => !Number.isInteger(w) || w < 1))
    throw new InvalidArgumentError(`--hidden: expected comma-separated positive integers, got "${s}"`);
  return widths;
}

function curves(history: EpochRecord[], title: string): string {
  const pts = (f: (r: EpochRecord) => number) => history.map((r) => [r.epoch, f(r)] as const);
  return lineChartSvg({
    title,
    xLabel: "epoch",
    panels: [
      {
        title: "loss",
        yLabel: "cross-entropy",
        series: [
          { name: "train", points: pts((r) => r.trainLoss) },
          { name: "test", points: pts((r) => r.testLoss) },
        ],
      },
      {
        title: "accuracy",
        yLabel: "accuracy",
        series: [
          { name: "train", points: pts((r) => r.trainAccuracy) },
          { name: "test", points: pts((r) => r.testAccuracy) },
        ],
      },
    ],
  });
}

function runTrain(model: "mlp" | "cnn", opts: TrainCliOptions): void {
  const o = { ...opts, out: opts.out ?? "out/train" };
  const cfg: ClassifyConfig = {
    model,
    dataset: o.dataset as ClassifyConfig["dataset"],
    epochs: o.epochs,
    lr: o.lr ?? (o.optimizer === "sgd" ? 0.05 : 1e-3),
    batchSize: o.batchSize ?? 128,
    optimizer: o.optimizer as ClassifyConfig["optimizer"],
    weightDecay: o.weightDecay ?? 0,
    seed: o.seed,
    hidden: parseHidden(o.hidden),
    ...(o.data ? { dataDir: o.data } : {}),
    ...(o.limit ? { limit: o.limit } : {}),
  };
  const tty = process.stdout.isTTY === true;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  let bars: cliProgress.MultiBar | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let lastPrint = 0;
  let backendName = "";
  const say = (s: string) => (bars ? bars.log(s + "\n") : process.stdout.write(s + "\n"));
  const started = performance.now();
  const { history } = trainClassifier(cfg, {
    outDir: o.out,
    resume: o.resume,
    hooks: {
      onStart: ({ model: m, trainSize, testSize, startEpoch, backend }) => {
        let params = 0;
        for (const p of m.parameters()) params += p.numel();
        say(
          `nabla train ${model} on ${cfg.dataset}: ${trainSize} train / ${testSize} test samples, ${params.toLocaleString("en-US")} parameters, ${cfg.optimizer} lr ${cfg.lr}, batch ${cfg.batchSize}, backend ${backend}`,
        );
        if (startEpoch > 1)
          say(`resuming from ${join(o.out, "checkpoint.safetensors")} at epoch ${startEpoch}`);
        if (tty) {
          bars = new cliProgress.MultiBar(
            {
              format:
                "epoch {epoch} |{bar}| {value}/{total}  loss {loss}  acc {acc}  {rate} samples/s  eta {eta_formatted}  [{backend}]",
              barsize: 25,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          backendName = backend;
        }
      },
      onStep: (s) => {
        if (bars) {
          if (!bar)
            bar = bars.create(s.stepsPerEpoch, 0, { epoch: "", loss: "", acc: "", rate: "", backend: "" });
          bar.setTotal(s.stepsPerEpoch);
          bar.update(s.step, {
            epoch: `${s.epoch}/${cfg.epochs}`,
            loss: s.loss.toFixed(4),
            acc: pct(s.accuracy),
            rate: s.samplesPerSecond.toFixed(0),
            backend: backendName,
          });
          bars.update();
        } else if (performance.now() - lastPrint > 10_000 || s.step === s.stepsPerEpoch) {
          lastPrint = performance.now();
          say(
            `epoch ${s.epoch}/${cfg.epochs} step ${s.step}/${s.stepsPerEpoch}  loss ${s.loss.toFixed(4)}  acc ${pct(s.accuracy)}  ${s.samplesPerSecond.toFixed(0)} samples/s`,
          );
        }
      },
      onEpoch: (r, hist) => {
        if (bar && bars) {
          bars.remove(bar);
          bar = null;
        }
        say(
          `epoch ${r.epoch}/${cfg.epochs}  train loss ${r.trainLoss.toFixed(4)} acc ${pct(r.trainAccuracy)}  test loss ${r.testLoss.toFixed(4)} acc ${pct(r.testAccuracy)}  (${r.seconds.toFixed(1)} s, ${r.samplesPerSecond.toFixed(0)} samples/s)`,
        );
        writeText(join(o.out, "curves.svg"), curves(hist, `${model} on ${cfg.dataset}`));
      },
    },
  });
  (bars as cliProgress.MultiBar | null)?.stop();
  const last = history.at(-1);
  if (last)
    process.stdout.write(
      `done in ${((performance.now() - started) / 1000).toFixed(1)} s: test accuracy ${pct(last.testAccuracy)}; checkpoint ${join(o.out, "checkpoint.safetensors")}, curves ${join(o.out, "curves.svg")}\n`,
    );
}
