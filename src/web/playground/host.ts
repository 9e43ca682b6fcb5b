// The network playground's trainer behind messages (see common/host.ts): it builds the dataset and
// model for a config, trains in slices of about 25 ms while running, and after each slice reports
// the metrics and the decision boundary on a grid. A run stops by itself at the config's stopAt
// step (a run started past it goes on until paused).
import { later, messageOf, type HostError, type HostFactory } from "../common/host.js";
import type { PlaygroundConfig } from "./config.js";
import { PlaygroundTrainer, type Grid, type Metrics, type PointSet } from "./trainer.js";

export type PlaygroundIn =
  { type: "configure"; config: PlaygroundConfig } | { type: "run" } | { type: "pause" } | { type: "step" };

export type PlaygroundOut =
  | { type: "dataset"; train: PointSet; test: PointSet; classes: number; parameters: number }
  | {
      type: "progress";
      metrics: Metrics & { testLoss: number };
      grid: Grid;
      running: boolean;
      /** Why it stopped, when it just did. */
      stopped?: string;
      /**
       * The run ended by itself (its "stop at" step): the page's Train button should say so. Other
       * reports with running false may be late ones from before the user pressed Train again.
       */
      ended?: true;
    }
  | HostError;

/** Time spent training between two reports (ms). */
const SLICE_MS = 25;

export const playgroundHost: HostFactory<PlaygroundIn, PlaygroundOut> = (send) => {
  let trainer: PlaygroundTrainer | null = null;
  let running = false;
  let generation = 0; // a configure or pause ends the loop of an older generation
  let stopAt = 0; // this run's last step; 0: none

  const report = (stopped?: string, ended = false): void => {
    const t = trainer!;
    const metrics = { ...t.metrics(), testLoss: t.testLoss() };
    const why = { ...(stopped ? { stopped } : {}), ...(ended ? { ended: true as const } : {}) };
    send({ type: "progress", metrics, grid: t.grid(), running, ...why });
  };

  const fail = (e: unknown): void => {
    running = false;
    send({ type: "error", message: messageOf(e) });
  };

  const loop = (gen: number): void => {
    if (!running || gen !== generation || !trainer) return;
    try {
      const t = trainer;
      const start = performance.now();
      do t.step();
      while (performance.now() - start < SLICE_MS && !(stopAt > 0 && t.steps >= stopAt));
      if (stopAt > 0 && t.steps >= stopAt) {
        running = false;
        report(`reached step ${t.steps}, the "stop at" setting`, true);
        return;
      }
      report();
      later(() => loop(gen));
    } catch (e) {
      fail(e);
    }
  };

  return (msg) => {
    try {
      switch (msg.type) {
        case "configure": {
          generation++;
          running = false;
          trainer = new PlaygroundTrainer(msg.config);
          let parameters = 0;
          for (const p of trainer.model.parameters()) parameters += p.numel();
          const { train, test, classes } = trainer;
          send({ type: "dataset", train, test, classes, parameters });
          report();
          return;
        }
        case "run":
          if (!trainer || running) return;
          // "Stop at" ends the run that reaches it; a run started past it goes on until paused.
          stopAt = trainer.config.stopAt > trainer.steps ? trainer.config.stopAt : 0;
          running = true;
          later(() => loop(generation));
          return;
        case "pause":
          if (!running) return;
          running = false;
          generation++;
          report("paused");
          return;
        case "step":
          if (!trainer) return;
          running = false;
          generation++;
          trainer.step();
          report();
          return;
      }
    } catch (e) {
      fail(e);
    }
  };
};
