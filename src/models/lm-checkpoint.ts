// Checkpoints of a language-model training run: one safetensors file (written atomically) with the
// GPT's weights under their state-dict names and, in its metadata, everything else a run needs to
// resume exactly or a sampler needs to generate: the training and model configs, the tokenizer,
// the step, the optimizer and scheduler states, the random generators and the loss history.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import * as nb from "../index.js";
import { loadCheckpoint, saveCheckpoint } from "../io/index.js";
import type { OptimizerStateDict } from "../optim/index.js";
import { tokenizerFromJSON, type Tokenizer, type TokenizerJSON } from "../text/index.js";
import { GPT, type GPTConfig } from "./gpt.js";
import type { TokenizerKind } from "./lm-data.js";

export const LM_CHECKPOINT_FILE = "checkpoint.safetensors";
const FORMAT = "nabla.gpt";
const VERSION = 1;

export interface LmTrainConfig {
  /** the model's shape; its vocabulary size comes from the tokenizer */
  model: Omit<GPTConfig, "vocabSize">;
  tokenizer: TokenizerKind;
  /** BPE only: 256 byte tokens plus the merges learned */
  vocabSize: number;
  /** a UTF-8 text file, or null for the default corpus */
  data: string | null;
  /** the last part of the text kept for validation */
  valFraction: number;
  steps: number;
  batchSize: number;
  /** peak learning rate, reached after warmupSteps, then cosine decay to minLr at the last step */
  lr: number;
  minLr: number;
  warmupSteps: number;
  /** AdamW's decoupled weight decay, on matrices and embeddings (not biases or LayerNorms) */
  weightDecay: number;
  /** clip the gradients' total norm to this (0: no clipping) */
  gradClip: number;
  /** evaluate, sample and checkpoint every this many steps (and at the end) */
  evalInterval: number;
  /** validation windows (of blockSize tokens) per evaluation */
  evalWindows: number;
  /** tokens to sample at each evaluation (0: none) */
  sampleTokens: number;
  seed: number;
}

export interface LmEval {
  step: number;
  /** mean training loss over the steps since the previous evaluation (NaN at step 0) */
  trainLoss: number;
  valLoss: number;
}

export interface LmHistory {
  /** the training loss of every step, in order */
  losses: number[];
  evals: LmEval[];
  /** seconds spent in training steps (evaluations and checkpoints excluded) */
  trainSeconds: number;
}

export interface LmCheckpointState {
  format: typeof FORMAT;
  version: typeof VERSION;
  config: LmTrainConfig;
  /** the full model config, vocabulary size included */
  model: GPTConfig;
  tokenizer: TokenizerJSON;
  corpus: string;
  /** steps done */
  step: number;
  optimizer: OptimizerStateDict;
  scheduler: { lastEpoch: number };
  rng: { batches: nb.GeneratorState; global: nb.GeneratorState };
  unigram: number;
  history: LmHistory;
}

/** The checkpoint file of a run: `path` itself, or the checkpoint inside it when it is a folder. */
export function checkpointFile(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, LM_CHECKPOINT_FILE) : path;
}

export function saveLmCheckpoint(
  path: string,
  model: GPT,
  state: Omit<LmCheckpointState, "format" | "version">,
): void {
  saveCheckpoint(path, { tensors: model.stateDict(), state: { format: FORMAT, version: VERSION, ...state } });
}

/** Reads a checkpoint written by saveLmCheckpoint; anything else is a clear error. */
export function readLmCheckpoint(path: string): {
  tensors: Record<string, nb.Tensor>;
  state: LmCheckpointState;
} {
  const file = checkpointFile(path);
  if (!existsSync(file))
    throw new nb.NablaError(
      `no checkpoint at ${file}${file === path ? "" : " (train one with nabla train gpt)"}`,
    );
  const ck = loadCheckpoint<LmCheckpointState>(file);
  const s = ck.state as Partial<LmCheckpointState> | null;
  if (!s || typeof s !== "object" || s.format !== FORMAT)
    throw new nb.NablaError(`${file} is a checkpoint, but not of a GPT trained by nabla train gpt`);
  if (s.version !== VERSION)
    throw new nb.NablaError(
      `${file} has GPT checkpoint version ${s.version}; this nabla reads version ${VERSION}`,
    );
  return { tensors: ck.tensors, state: ck.state };
}

/**
 * A GPT with the checkpoint's weights, in eval mode, and its tokenizer; a config that the weights
 * contradict is an error.
 */
export function loadLm(path: string): { model: GPT; tokenizer: Tokenizer; state: LmCheckpointState } {
  const file = checkpointFile(path);
  const { tensors, state } = readLmCheckpoint(file);
  let model: GPT;
  try {
    model = new GPT(state.model).eval();
    model.loadStateDict(tensors);
  } catch (e) {
    throw new nb.NablaError(`${file} does not match its own config: ${(e as Error).message}`);
  }
  const tokenizer = tokenizerFromJSON(state.tokenizer, `the tokenizer in ${file}`);
  if (tokenizer.vocabSize !== state.model.vocabSize)
    throw new nb.NablaError(
      `${file}: its tokenizer has ${tokenizer.vocabSize} tokens but its model a vocabulary of ${state.model.vocabSize}`,
    );
  return { model, tokenizer, state };
}
