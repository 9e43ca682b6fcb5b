// `nabla demo moons`: micrograd's demo. Trains MLP(2, [16, 16, 1]) on two moons, printing each
// step's loss and accuracy (a progress bar on a terminal, plain lines otherwise), and draws the
// learned decision boundary to an SVG file.

import type { Command } from "commander";
import cliProgress from "cli-progress";
import { trainMoons, type MoonsStep } from "../../micrograd/index.js";
import { decisionBoundarySvg } from "../../viz/decision-boundary.js";
import { writeText } from "../files.js";
import { integer, positiveInteger } from "../options.js";

interface MoonsCliOptions {
  out: string;
  steps: number;
  seed: number;
}

export function registerDemo(program: Command): void {
  const demo = program.command("demo").description("run a demonstration");
  demo
    .command("moons")
    .description("train micrograd's MLP on two moons and draw its decision boundary")
    .option("-o, --out <file>", "where to write the decision boundary picture", "out/moons.svg")
    .option("--steps <n>", "training steps", positiveInteger, 100)
    .option("--seed <n>", "seed for the data and the weights", integer, 1337)
    .action((options: MoonsCliOptions) => moonsDemo(options));
}

function moonsDemo({ out, steps, seed }: MoonsCliOptions): void {
  const line = (s: MoonsStep): string =>
    `step ${String(s.step + 1).padStart(3)}/${steps}  loss ${s.loss.toFixed(4)}  accuracy ${(s.accuracy * 100).toFixed(0)}%`;

  let onStep: (s: MoonsStep) => void;
  let finish = (): void => {};
  if (process.stdout.isTTY) {
    const bars = new cliProgress.MultiBar(
      {
        format: "|{bar}| {value}/{total}  loss {loss}  accuracy {accuracy}",
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const bar = bars.create(steps, 0, { loss: "-", accuracy: "-" });
    onStep = (s) => {
      bars.log(line(s) + "\n");
      bar.update(s.step + 1, { loss: s.loss.toFixed(4), accuracy: `${(s.accuracy * 100).toFixed(0)}%` });
      bars.update(); // training never yields to the event loop, so redraw now rather than on a timer
    };
    finish = () => bars.stop();
  } else {
    onStep = (s) => process.stdout.write(line(s) + "\n");
  }

  const result = trainMoons({ seed, steps, onStep });
  finish();

  // The accuracy after the last update (the history reports each step's accuracy before its update).
  const final =
    result.X.filter((p, i) => result.y[i]! > 0 === result.score(p[0], p[1]) > 0).length / result.X.length;
  const svg = decisionBoundarySvg({
    points: result.X,
    labels: result.y,
    score: result.score,
    title: `micrograd MLP(2, [16, 16, 1]) after ${steps} steps: ${(final * 100).toFixed(0)}% training accuracy`,
  });
  writeText(out, svg);
  process.stdout.write(
    `training accuracy ${(final * 100).toFixed(0)}%; decision boundary written to ${out}\n`,
  );
}
