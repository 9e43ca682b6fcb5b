// LoRA adapters on a GPT, saved and loaded on their own: a small safetensors file holding only the
// lora_a / lora_b weights, with the rank, alpha and wrapped layers in its metadata, so the adapters
// can be put back on a fresh copy of the base model (see nn/lora.ts for the layers themselves).
import * as nb from "../index.js";
import * as nn from "../nn/index.js";
import { loadSafetensors, saveSafetensors } from "../io/index.js";

const META_KEY = "nabla.lora";

interface LoraMeta {
  r: number;
  alpha: number;
  /** the dotted names of the wrapped Linear layers */
  layers: string[];
}

/** The LoRA layers of a model with their dotted names. */
function loraLayers(model: nn.Module): [string, nn.LoRALinear][] {
  return [...model.namedModules()].filter((e): e is [string, nn.LoRALinear] => e[1] instanceof nn.LoRALinear);
}

/** Writes the model's adapter weights (only those) and how to re-apply them to `path`. */
export function saveLoraAdapters(path: string, model: nn.Module): void {
  const layers = loraLayers(model);
  if (layers.length === 0)
    throw new nb.NablaError("saveLoraAdapters: the model has no LoRA layers (applyLora first)");
  const [, first] = layers[0]!;
  if (layers.some(([, l]) => l.r !== first.r || l.alpha !== first.alpha))
    throw new nb.NablaError(
      "saveLoraAdapters: the adapters have different ranks or alphas; save loraStateDict() instead",
    );
  const meta: LoraMeta = { r: first.r, alpha: first.alpha, layers: layers.map(([name]) => name) };
  saveSafetensors(path, nn.loraStateDict(model), { [META_KEY]: JSON.stringify(meta) });
}

/**
 * Loads adapters saved by saveLoraAdapters into `model`: a model without LoRA layers gets them
 * first (on the layers named in the file, with its rank and alpha, freezing the rest).
 */
export function loadLoraAdapters(path: string, model: nn.Module): void {
  const { tensors, metadata } = loadSafetensors(path);
  let meta: LoraMeta;
  try {
    meta = JSON.parse(metadata[META_KEY] ?? "") as LoraMeta;
  } catch {
    throw new nb.NablaError(
      `loadLoraAdapters: ${path} has no "${META_KEY}" metadata; was it written by saveLoraAdapters?`,
    );
  }
  if (loraLayers(model).length === 0) nn.applyLora(model, meta.layers, { r: meta.r, alpha: meta.alpha });
  try {
    nn.loadLoraStateDict(model, tensors);
  } catch (e) {
    throw new nb.NablaError(`loadLoraAdapters: ${path}: ${(e as Error).message}`);
  }
}
