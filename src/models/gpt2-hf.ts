// GPT-2 checkpoints in Hugging Face's layout: a model.safetensors whose keys are GPT2Model's
// ("h.0.attn.c_attn.weight", maybe prefixed "transformer.") with the Conv1D weights stored
// [in, out], and a config.json with HF's keys (n_layer, n_head, n_embd, n_positions, vocab_size).
// The config can also come as nabla's keys; what the weights' shapes tell (vocabulary, width,
// positions, layers) is read from them and must agree with the config.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as nb from "../index.js";
import { loadSafetensors } from "../io/index.js";
import { GPT, checkGPTConfig, type GPTConfig } from "./gpt.js";

/** HF config.json keys and the GPTConfig fields they set. */
const HF_KEYS: Record<string, keyof GPTConfig> = {
  vocab_size: "vocabSize",
  n_positions: "blockSize",
  n_layer: "nLayer",
  n_head: "nHead",
  n_embd: "nEmbd",
  layer_norm_epsilon: "layerNormEps",
};
const NABLA_KEYS: (keyof GPTConfig)[] = [
  "vocabSize",
  "blockSize",
  "nLayer",
  "nHead",
  "nEmbd",
  "layerNormEps",
  "bias",
];

/** Strips HF's "transformer." prefix and drops the causal-mask buffers and the tied lm_head. */
function gpt2Keys(hf: Record<string, nb.Tensor>): Record<string, nb.Tensor> {
  const sd: Record<string, nb.Tensor> = {};
  for (const [rawKey, t] of Object.entries(hf)) {
    const key = rawKey.replace(/^transformer\./, "");
    if (/\.attn\.(bias|masked_bias)$/.test(key) || key === "lm_head.weight") continue;
    sd[key] = t;
  }
  return sd;
}

/** Copies a GPT-2 state dict in HF's layout into the model, transposing the Conv1D weights. */
export function loadGpt2StateDict(model: GPT, hf: Record<string, nb.Tensor>): void {
  const conv1d = /\.(c_attn|c_proj|c_fc)\.weight$/; // HF's Conv1D computes x·W + b with W [in, out]
  const sd = gpt2Keys(hf);
  for (const k of Object.keys(sd)) if (conv1d.test(k)) sd[k] = sd[k]!.T.contiguous();
  model.loadStateDict(sd);
}

/**
 * A GPTConfig from a config object with HF's keys or nabla's (`source` names it in errors). Other
 * keys are ignored when `strict` is false (HF's config.json carries many) and an error otherwise.
 */
export function gpt2ConfigFrom(json: unknown, source: string, strict: boolean): Partial<GPTConfig> {
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new nb.NablaError(`${source}: expected a JSON object with the model's sizes`);
  const out: Partial<Record<keyof GPTConfig, unknown>> = {};
  for (const [k, v] of Object.entries(json)) {
    if (k in HF_KEYS) out[HF_KEYS[k]!] = v;
    else if (k === "n_ctx") out.blockSize ??= v;
    else if ((NABLA_KEYS as string[]).includes(k)) out[k as keyof GPTConfig] = v;
    else if (k === "activation_function") {
      if (v !== "gelu_new" && v !== "gelu_pytorch_tanh")
        throw new nb.NablaError(
          `${source}: activation_function ${JSON.stringify(v)} is not GPT-2's gelu_new`,
        );
    } else if (strict)
      throw new nb.NablaError(
        `${source}: unknown key "${k}" (known: ${[...NABLA_KEYS, ...Object.keys(HF_KEYS)].join(", ")})`,
      );
  }
  return out as Partial<GPTConfig>;
}

/**
 * The full config of a GPT-2 state dict: sizes read from the weights, nHead (which shapes do not
 * tell) from `given`; a value in `given` that the weights contradict is an error.
 */
export function inferGpt2Config(
  hf: Record<string, nb.Tensor>,
  given: Partial<GPTConfig>,
  source: string,
): GPTConfig {
  const sd = gpt2Keys(hf);
  const wte = sd["wte.weight"];
  const wpe = sd["wpe.weight"];
  if (!wte || !wpe || wte.ndim !== 2 || wpe.ndim !== 2)
    throw new nb.NablaError(
      `${source}: not a GPT-2 checkpoint (it needs 2-D wte.weight and wpe.weight; its keys: ${Object.keys(hf).slice(0, 6).join(", ")}…)`,
    );
  const layers = Object.keys(sd).map((k) => /^h\.(\d+)\./.exec(k)?.[1]);
  const fromWeights = {
    vocabSize: wte.shape[0]!,
    nEmbd: wte.shape[1]!,
    blockSize: wpe.shape[0]!,
    nLayer: Math.max(-1, ...layers.map(Number).filter(Number.isInteger)) + 1,
    bias: "h.0.attn.c_attn.bias" in sd,
  };
  const clash = (Object.keys(fromWeights) as (keyof typeof fromWeights)[]).filter(
    (k) => given[k] !== undefined && given[k] !== fromWeights[k],
  );
  if (clash.length)
    throw new nb.NablaError(
      `${source}: the weights do not match the config: ${clash.map((k) => `${k} is ${fromWeights[k]} in the weights, ${JSON.stringify(given[k])} in the config`).join("; ")}`,
    );
  if (given.nHead === undefined)
    throw new nb.NablaError(`${source}: the config must give the number of heads (n_head or nHead)`);
  const cfg: GPTConfig = { ...given, ...fromWeights, nHead: given.nHead, dropout: 0, positional: "learned" };
  try {
    checkGPTConfig(cfg);
  } catch (e) {
    throw new nb.NablaError(`${source}: ${(e as Error).message}`);
  }
  return cfg;
}

/**
 * Loads GPT-2 weights in HF's layout: `path` is a folder with config.json and model.safetensors,
 * or a .safetensors file with `config` (HF's or nabla's keys) giving at least nHead. A config
 * passed along with a folder overrides its config.json.
 */
export function loadGpt2(path: string, config?: unknown): { model: GPT; config: GPTConfig } {
  let file = path;
  let given: Partial<GPTConfig> = {};
  if (existsSync(path) && statSync(path).isDirectory()) {
    file = join(path, "model.safetensors");
    const cfgPath = join(path, "config.json");
    let text: string;
    try {
      text = readFileSync(cfgPath, "utf8");
    } catch {
      throw new nb.NablaError(`loadGpt2: ${path} has no config.json (HF's n_layer, n_head, n_embd…)`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new nb.NablaError(`loadGpt2: ${cfgPath} is not valid JSON (${(e as Error).message})`);
    }
    given = gpt2ConfigFrom(json, cfgPath, false);
  }
  if (config !== undefined) given = { ...given, ...gpt2ConfigFrom(config, "the config", true) };
  const { tensors } = loadSafetensors(file);
  const cfg = inferGpt2Config(tensors, given, file);
  const model = new GPT(cfg);
  try {
    loadGpt2StateDict(model, tensors);
  } catch (e) {
    throw new nb.NablaError(`${file}: ${(e as Error).message}`);
  }
  return { model, config: cfg };
}
