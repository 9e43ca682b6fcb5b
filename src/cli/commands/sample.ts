// `nabla sample`: continues a prompt with a GPT, printing each piece of text as soon as its token
// is sampled (with the KV cache). The model comes from a `nabla train gpt` checkpoint (with its
// own tokenizer) or from GPT-2 weights in Hugging Face's layout (with GPT-2's tokenizer).
import type { Command } from "commander";
import * as nb from "../../index.js";
import type { GPT } from "../../models/gpt.js";
import { TextStream, generate } from "../../models/gpt-sample.js";
import { loadGpt2 } from "../../models/gpt2-hf.js";
import { loadLm } from "../../models/lm-checkpoint.js";
import { defaultPrompt } from "../../models/lm-train.js";
import { UnknownCharacterError, gpt2Tokenizer, type Tokenizer } from "../../text/index.js";
import { UsageError } from "../errors.js";
import { finiteNumber, integer, nonNegativeNumber, positiveInteger } from "../options.js";

interface SampleCliOptions {
  checkpoint?: string;
  gpt2?: string;
  config?: string;
  prompt?: string;
  maxTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  cache: boolean;
  slide: boolean;
}

export function registerSample(program: Command): void {
  program
    .command("sample")
    .description("continue a prompt with a trained GPT (or GPT-2 weights), printing tokens as they come")
    .option("--checkpoint <path>", "a nabla train gpt output folder or checkpoint file (default out/gpt)")
    .option("--gpt2 <path>", "GPT-2 weights in Hugging Face's layout: a folder with config.json and model.safetensors, or a .safetensors file with --config")
    .option("--config <json>", `with --gpt2: the model's sizes, e.g. '{"nLayer":12,"nHead":12}' (HF's keys work too)`)
    .option("--prompt <text>", "text to continue (default: a newline, or <|endoftext|> for GPT-2)")
    .option("--max-tokens <n>", "tokens to generate", positiveInteger, 200)
    .option("--temperature <t>", "0 for greedy, 1 for the model's distribution", nonNegativeNumber, 0.8)
    .option("--top-k <k>", "sample among the k most likely tokens", positiveInteger)
    .option("--top-p <p>", "sample among the most likely tokens whose probabilities reach p", finiteNumber("a number in (0, 1]", (n) => n > 0 && n <= 1))
    .option("--seed <n>", "seed for the sampling", integer, 0)
    .option("--no-cache", "recompute the whole context for every token instead of using the KV cache")
    .option("--slide", "past the block size, keep going with the last half block as context", false)
    .action((o: SampleCliOptions) => runSample(o)); // prettier-ignore
}

function loadModel(o: SampleCliOptions): { model: GPT; tokenizer: Tokenizer } {
  if (o.checkpoint !== undefined && o.gpt2 !== undefined)
    throw new UsageError("sample: give --checkpoint or --gpt2, not both");
  if (o.gpt2 === undefined) {
    if (o.config !== undefined) throw new UsageError("sample: --config goes with --gpt2");
    return loadLm(o.checkpoint ?? "out/gpt");
  }
  let config: unknown;
  if (o.config !== undefined)
    try {
      config = JSON.parse(o.config);
    } catch (e) {
      throw new UsageError(`sample: --config is not valid JSON (${(e as Error).message})`);
    }
  return { model: loadGpt2(o.gpt2, config).model, tokenizer: gpt2Tokenizer() };
}

function encodePrompt(prompt: string, tokenizer: Tokenizer, vocabSize: number): number[] {
  let ids: number[];
  try {
    ids = tokenizer.encode(prompt);
  } catch (e) {
    if (e instanceof UnknownCharacterError)
      throw new UsageError(
        `sample: the prompt has ${JSON.stringify(e.character)} (U+${e.character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) at column ${e.column}${e.line > 1 ? ` of line ${e.line}` : ""}, which is not in the model's vocabulary of ${tokenizer.vocabSize} characters`,
      );
    throw e;
  }
  if (ids.length === 0) throw new UsageError("sample: the prompt is empty once tokenized");
  const bad = ids.find((id) => id >= vocabSize);
  if (bad !== undefined)
    throw new UsageError(
      `sample: the prompt's token ${bad} (${JSON.stringify(tokenizer.decode([bad]))}) is outside the model's vocabulary of ${vocabSize} tokens`,
    );
  return ids;
}

function runSample(o: SampleCliOptions): void {
  const { model, tokenizer } = loadModel(o);
  const { blockSize, vocabSize } = model.config;
  const prompt =
    o.prompt === undefined || o.prompt === ""
      ? defaultPrompt(tokenizer)
      : encodePrompt(o.prompt, tokenizer, vocabSize);
  if (!o.slide && prompt.length + o.maxTokens > blockSize)
    throw new UsageError(
      prompt.length >= blockSize
        ? `sample: the prompt is ${prompt.length} tokens, and the model's block size is ${blockSize}; shorten it, or pass --slide to keep its last ${blockSize} tokens`
        : `sample: the prompt (${prompt.length} token${prompt.length === 1 ? "" : "s"}) plus --max-tokens ${o.maxTokens} exceed the model's block size of ${blockSize} tokens; ask for at most ${blockSize - prompt.length}, or pass --slide to keep going with a sliding context`,
    );
  const stream = new TextStream(tokenizer);
  if (o.prompt) process.stdout.write(o.prompt);
  generate(model, prompt, {
    maxNewTokens: o.maxTokens,
    temperature: o.temperature,
    topK: o.topK,
    topP: o.topP,
    generator: new nb.Generator(o.seed),
    useCache: o.cache,
    slide: o.slide,
    onToken: (id) => process.stdout.write(stream.push(id)),
  });
  process.stdout.write(stream.flush() + "\n");
}
