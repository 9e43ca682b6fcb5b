// The network playground's settings: their types, defaults and limits, and their form in a URL
// (the part after #, as query parameters), so that a state can be shared as a link. Parsing never
// throws: a bad or missing field falls back to its default and is named in `problems`.

export const DATASETS = ["moons", "circles", "spirals", "xor", "blobs"] as const;
export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "gelu", "leaky-relu", "silu"] as const;
export const LOSSES = ["cross-entropy", "mse", "hinge"] as const;
export const OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop", "adagrad"] as const;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface PlaygroundConfig {
  dataset: DatasetName;
  /** Standard deviation of the Gaussian noise on each coordinate. */
  noise: number;
  /** Training points; a test set of half as many is drawn from the same distribution. */
  size: number;
  seed: number;
  /** Widths of the hidden layers (empty: a linear model). */
  hidden: number[];
  activation: ActivationName;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  /** Examples per step; 0 means the whole training set. */
  batch: number;
  /** L2 penalty, as the optimizer's weight decay. */
  l2: number;
  /** Pause by itself after this many steps; 0 means never. */
  stopAt: number;
}

export const DEFAULT_CONFIG: PlaygroundConfig = {
  dataset: "moons",
  noise: 0.1,
  size: 200,
  seed: 1,
  hidden: [16, 16],
  activation: "tanh",
  loss: "cross-entropy",
  optimizer: "adam",
  lr: 0.03,
  batch: 32,
  l2: 0,
  stopAt: 0,
};

/** Inclusive limits of the numeric fields. */
export const LIMITS = {
  noise: [0, 1],
  size: [10, 2000],
  seed: [0, 2 ** 31 - 1],
  width: [1, 64],
  layers: [0, 6],
  lr: [1e-5, 10],
  batch: [0, 2000],
  l2: [0, 1],
  stopAt: [0, 1_000_000],
} as const satisfies Record<string, readonly [number, number]>;

const KEYS: Record<keyof PlaygroundConfig, string> = {
  dataset: "data",
  noise: "noise",
  size: "n",
  seed: "seed",
  hidden: "layers",
  activation: "act",
  loss: "loss",
  optimizer: "opt",
  lr: "lr",
  batch: "batch",
  l2: "l2",
  stopAt: "stop",
};

/** The config as URL parameters: "data=moons&noise=0.1&…" (no leading #). */
export function configToHash(c: PlaygroundConfig): string {
  const p = new URLSearchParams();
  p.set(KEYS.dataset, c.dataset);
  p.set(KEYS.noise, String(c.noise));
  p.set(KEYS.size, String(c.size));
  p.set(KEYS.seed, String(c.seed));
  p.set(KEYS.hidden, c.hidden.join(","));
  p.set(KEYS.activation, c.activation);
  p.set(KEYS.loss, c.loss);
  p.set(KEYS.optimizer, c.optimizer);
  p.set(KEYS.lr, String(c.lr));
  p.set(KEYS.batch, String(c.batch));
  p.set(KEYS.l2, String(c.l2));
  p.set(KEYS.stopAt, String(c.stopAt));
  return p.toString();
}

/** Reads a config from URL parameters (with or without the leading #); missing fields take defaults. */
export function configFromHash(hash: string): { config: PlaygroundConfig; problems: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const problems: string[] = [];
  const c: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] };
  const choice = <T extends string>(key: keyof PlaygroundConfig, options: readonly T[], fallback: T): T => {
    const v = p.get(KEYS[key]);
    if (v === null) return fallback;
    if ((options as readonly string[]).includes(v)) return v as T;
    problems.push(`${KEYS[key]}: "${v}" is not one of ${options.join(", ")}`);
    return fallback;
  };
  const num = (key: keyof typeof LIMITS & keyof PlaygroundConfig, fallback: number, integer: boolean) => {
    const v = p.get(KEYS[key]);
    if (v === null) return fallback;
    const x = checkNumber(v, LIMITS[key], integer);
    if (typeof x === "string") {
      problems.push(`${KEYS[key]}: ${x}`);
      return fallback;
    }
    return x;
  };
  c.dataset = choice("dataset", DATASETS, c.dataset);
  c.activation = choice("activation", ACTIVATIONS, c.activation);
  c.loss = choice("loss", LOSSES, c.loss);
  c.optimizer = choice("optimizer", OPTIMIZERS, c.optimizer);
  c.noise = num("noise", c.noise, false);
  c.size = num("size", c.size, true);
  c.seed = num("seed", c.seed, true);
  c.lr = num("lr", c.lr, false);
  c.batch = num("batch", c.batch, true);
  c.l2 = num("l2", c.l2, false);
  c.stopAt = num("stopAt", c.stopAt, true);
  const layers = p.get(KEYS.hidden);
  if (layers !== null) {
    const parsed = parseLayers(layers);
    if (typeof parsed === "string") problems.push(`${KEYS.hidden}: ${parsed}`);
    else c.hidden = parsed;
  }
  return { config: c, problems };
}

/** "16, 8" → [16, 8]; "" → [] (no hidden layer); an error message when out of limits. */
export function parseLayers(text: string): number[] | string {
  const parts = text.trim() === "" ? [] : text.split(",").map((s) => s.trim());
  if (parts.length > LIMITS.layers[1])
    return `at most ${LIMITS.layers[1]} hidden layers, got ${parts.length}`;
  const widths: number[] = [];
  for (const s of parts) {
    const w = checkNumber(s, LIMITS.width, true);
    if (typeof w === "string") return `width "${s}": ${w}`;
    widths.push(w);
  }
  return widths;
}

/** The number in `text` if it is within [lo, hi] (and whole, if asked), else why not. */
export function checkNumber(
  text: string,
  [lo, hi]: readonly [number, number],
  integer: boolean,
): number | string {
  const x = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(x)) return `"${text}" is not a number`;
  if (integer && !Number.isInteger(x)) return `${x} is not a whole number`;
  if (x < lo || x > hi) return `${x} is outside ${lo}…${hi}`;
  return x;
}
