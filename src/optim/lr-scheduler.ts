// Learning-rate schedules, stepped once per epoch (or per batch) after optimizer.step(), as in
// PyTorch. Each computes the lr in closed form from the step count, so a resumed run (loadStateDict)
// continues exactly.
import * as nb from "../index.js";
import type { Hyper, Optimizer } from "./optimizer.js";

/** Sets a group's lr (and any other cycled hyper-parameter) for step t from its base lr. */
export type Schedule = (t: number, group: Record<string, unknown>, base: number, index: number) => void;

const lrOnly =
  (f: (t: number, base: number) => number): Schedule =>
  (t, g, base) =>
    (g.lr = f(t, base));

export class LRScheduler {
  /** the number of step() calls so far (PyTorch's last_epoch) */
  lastEpoch = 0;
  readonly baseLrs: number[];

  /** `schedule` is given as a closure over the constructor's arguments, so it works from the first step. */
  constructor(
    readonly optimizer: Optimizer<Hyper>,
    private readonly schedule: Schedule,
  ) {
    this.baseLrs = optimizer.paramGroups.map((g) => {
      g.initialLr ??= g.lr as number;
      return g.initialLr as number;
    });
    this.apply();
  }

  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  private apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => this.schedule(this.lastEpoch, g, this.baseLrs[i]!, i));
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  stateDict(): { lastEpoch: number } {
    return { lastEpoch: this.lastEpoch };
  }
  loadStateDict(sd: { lastEpoch: number }): void {
    this.lastEpoch = sd.lastEpoch;
    this.apply();
  }
}

/** lr = base · γ^⌊t / stepSize⌋ */
export class StepLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, stepSize: number, gamma = 0.1) {
    super(
      opt,
      lrOnly((t, base) => base * Math.pow(gamma, Math.floor(t / stepSize))),
    );
  }
}

/** lr = base · γ^t */
export class ExponentialLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, gamma: number) {
    super(
      opt,
      lrOnly((t, base) => base * Math.pow(gamma, t)),
    );
  }
}

/** lr = η_min + (base − η_min)·(1 + cos(π·t/T_max))/2 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, tMax: number, etaMin = 0) {
    super(
      opt,
      lrOnly((t, base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2),
    );
  }
}

/** Linear warm-up (or decay): the factor moves from startFactor to endFactor over totalIters steps. */
export class LinearLR extends LRScheduler {
  constructor(
    opt: Optimizer<Hyper>,
    opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = opts;
    super(
      opt,
      lrOnly(
        (t, base) =>
          base * (startFactor + ((endFactor - startFactor) * Math.min(t, totalIters)) / totalIters),
      ),
    );
  }
}

/** lr = base · f(t) for a user function. */
export class LambdaLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, lrLambda: (t: number) => number) {
    super(
      opt,
      lrOnly((t, base) => base * lrLambda(t)),
    );
  }
}

/**
 * Linear warm-up for `warmupSteps`, then cosine decay to minLr at `totalSteps` (the usual GPT
 * schedule; PyTorch users build it from LinearLR and CosineAnnealingLR with SequentialLR).
 */
export class WarmupCosineLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, warmupSteps: number, totalSteps: number, minLr = 0) {
    super(
      opt,
      lrOnly((t, base) => {
        if (t < warmupSteps) return (base * (t + 1)) / warmupSteps;
        const progress = Math.min(1, (t - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return minLr + ((base - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
      }),
    );
  }
}

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps: number;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

/** The 1cycle policy (Smith & Topin 2018): warm up to maxLr, then anneal far below the start; momentum cycles inversely. */
export class OneCycleLR extends LRScheduler {
  constructor(opt: Optimizer<Hyper>, opts: OneCycleOptions) {
    const o = {
      pctStart: 0.3,
      annealStrategy: "cos" as "cos" | "linear",
      divFactor: 25,
      finalDivFactor: 1e4,
      threePhase: false,
      cycleMomentum: true,
      baseMomentum: 0.85,
      maxMomentum: 0.95,
      ...opts,
    };
    const maxLrs = Array.isArray(o.maxLr) ? o.maxLr : opt.paramGroups.map(() => o.maxLr as number);
    // PyTorch overrides the groups' initial lr with maxLr / divFactor
    opt.paramGroups.forEach((g, i) => (g.initialLr = maxLrs[i]! / o.divFactor));
    if (o.cycleMomentum && !opt.paramGroups.every((g) => "momentum" in g || "betas" in g))
      throw new nb.NablaError("OneCycleLR: cycleMomentum needs an optimizer with momentum or betas");
    const T = o.totalSteps;
    const p = o.pctStart;
    type Level = "initial" | "max" | "min";
    const phases: { end: number; from: Level; to: Level; mFrom: "max" | "base"; mTo: "max" | "base" }[] =
      o.threePhase
        ? [
            { end: p * T - 1, from: "initial", to: "max", mFrom: "max", mTo: "base" },
            { end: 2 * p * T - 2, from: "max", to: "initial", mFrom: "base", mTo: "max" },
            { end: T - 1, from: "initial", to: "min", mFrom: "max", mTo: "max" },
          ]
        : [
            { end: p * T - 1, from: "initial", to: "max", mFrom: "max", mTo: "base" },
            { end: T - 1, from: "max", to: "min", mFrom: "base", mTo: "max" },
          ];
    const anneal = (a: number, b: number, pct: number) =>
      o.annealStrategy === "linear" ? (b - a) * pct + a : b + ((a - b) / 2) * (1 + Math.cos(Math.PI * pct));
    super(opt, (t, g, _base, i) => {
      if (t > T) throw new nb.NablaError(`OneCycleLR: stepped ${t} times, more than totalSteps ${T}`);
      const initial = maxLrs[i]! / o.divFactor;
      const lrs = { initial, max: maxLrs[i]!, min: initial / o.finalDivFactor };
      const mom = { max: o.maxMomentum, base: o.baseMomentum };
      let start = 0;
      for (const [k, ph] of phases.entries()) {
        if (t <= ph.end || k === phases.length - 1) {
          const pct = (t - start) / (ph.end - start);
          g.lr = anneal(lrs[ph.from], lrs[ph.to], pct);
          if (o.cycleMomentum) {
            const m = anneal(mom[ph.mFrom], mom[ph.mTo], pct);
            if ("betas" in g) g.betas = [m, (g.betas as number[])[1]!];
            else g.momentum = m;
          }
          return;
        }
        start = ph.end;
      }
    });
  }
}
