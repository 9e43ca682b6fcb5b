// The tiny-GPT page's trainer behind messages (see common/host.ts): builds a model for a text and
// settings, trains it in slices of about 100 ms (reporting progress after each), and answers
// requests for samples and attention maps between slices, while training or paused.
import { later, messageOf, type HostError, type HostFactory } from "../common/host.js";
import type { GptSettings } from "./settings.js";
import { GptTrainer, type AttentionMaps } from "./trainer.js";

export type GptIn =
  | { type: "setup"; text: string; settings: GptSettings }
  | { type: "train" }
  | { type: "pause" }
  | { type: "sample"; prompt: string; length: number; temperature: number }
  | { type: "attention"; prompt: string };

export type GptOut =
  | {
      type: "model";
      vocabSize: number;
      parameters: number;
      characters: number;
      unigramLoss: number;
    }
  | {
      type: "progress";
      step: number;
      /** The step this run of training ends at. */
      target: number;
      loss: number;
      msPerStep: number;
      running: boolean;
    }
  | { type: "sample"; prompt: string; text: string }
  | ({ type: "attention" } & AttentionMaps)
  | (HostError & { during?: "setup" | "train" | "sample" | "attention" });

const SLICE_MS = 100;

export const gptHost: HostFactory<GptIn, GptOut> = (send) => {
  let trainer: GptTrainer | null = null;
  let target = 0;
  let running = false;
  let generation = 0;

  const loop = (gen: number): void => {
    if (!running || gen !== generation || !trainer) return;
    const t = trainer;
    try {
      const start = performance.now();
      let loss = NaN;
      let n = 0;
      do {
        loss = t.step();
        n++;
      } while (performance.now() - start < SLICE_MS && t.steps < target);
      const msPerStep = (performance.now() - start) / n;
      running = t.steps < target;
      send({ type: "progress", step: t.steps, target, loss, msPerStep, running });
      if (running) later(() => loop(gen));
    } catch (e) {
      running = false;
      send({ type: "error", message: messageOf(e), during: "train" });
    }
  };

  return (msg) => {
    const during = msg.type === "pause" ? "train" : msg.type;
    try {
      switch (msg.type) {
        case "setup": {
          generation++;
          running = false;
          trainer = null;
          trainer = new GptTrainer(msg.text, msg.settings);
          target = 0;
          send({
            type: "model",
            vocabSize: trainer.tokenizer.vocabSize,
            parameters: trainer.model.numParameters(),
            characters: trainer.data.length,
            unigramLoss: trainer.unigramLoss,
          });
          return;
        }
        case "train":
          if (!trainer || running) return;
          if (trainer.steps >= target) target = trainer.steps + trainer.settings.steps; // else: resume
          running = true;
          later(() => loop(generation));
          return;
        case "pause":
          if (!running || !trainer) return;
          running = false;
          generation++;
          send({ type: "progress", step: trainer.steps, target, loss: NaN, msPerStep: NaN, running: false });
          return;
        case "sample":
          if (!trainer) throw new Error("build a model first");
          send({
            type: "sample",
            prompt: msg.prompt,
            text: trainer.sample(msg.prompt, msg.length, msg.temperature),
          });
          return;
        case "attention":
          if (!trainer) throw new Error("build a model first");
          send({ type: "attention", ...trainer.attention(msg.prompt) });
          return;
      }
    } catch (e) {
      send({ type: "error", message: messageOf(e), during });
    }
  };
};
