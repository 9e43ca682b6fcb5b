// The tiny-GPT page's settings: model size and training knobs, their defaults and limits, and the
// check that a text and settings can build a model. No tensors here, so the page loads it cheaply.

export interface GptSettings {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  batchSize: number;
  /** Training steps the "train" button runs. */
  steps: number;
  lr: number;
  seed: number;
}

export const DEFAULT_GPT_SETTINGS: GptSettings = {
  nLayer: 2,
  nHead: 2,
  nEmbd: 32,
  blockSize: 32,
  batchSize: 16,
  steps: 300,
  lr: 3e-3,
  seed: 1,
};

/** Inclusive limits of each setting, checked before a model is built. */
export const GPT_LIMITS: Record<keyof GptSettings, [number, number]> = {
  nLayer: [1, 6],
  nHead: [1, 8],
  nEmbd: [4, 256],
  blockSize: [4, 256],
  batchSize: [1, 128],
  steps: [1, 100_000],
  lr: [1e-5, 1],
  seed: [0, 2 ** 31 - 1],
};

/** Why these settings cannot build a model on this text, or null when they can. */
export function checkSettings(text: string, s: GptSettings): string | null {
  for (const [key, [lo, hi]] of Object.entries(GPT_LIMITS) as [keyof GptSettings, [number, number]][]) {
    const v = s[key];
    if (!Number.isFinite(v) || v < lo || v > hi) return `${key} must be between ${lo} and ${hi}, got ${v}`;
    if (key !== "lr" && !Number.isInteger(v)) return `${key} must be a whole number, got ${v}`;
  }
  if (s.nEmbd % s.nHead !== 0)
    return `the embedding width ${s.nEmbd} must be divisible by the number of heads ${s.nHead}`;
  const chars = [...text].length;
  if (chars < s.blockSize + 2)
    return `the text has ${chars} characters; it needs more than the block size ${s.blockSize} + 1`;
  return null;
}
