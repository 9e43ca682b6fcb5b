// Tokenizers from their JSON form, whatever their type: the inverse of `tokenizer.toJSON()`, with
// a FileFormatError naming the source and the field for anything malformed.
import { BpeTokenizer } from "./bpe.js";
import { CharTokenizer } from "./char.js";
import { Gpt2Tokenizer } from "./gpt2.js";
import { JsonReader, type Tokenizer } from "./tokenizer.js";

const TYPES = ["char", "bpe", "gpt2"];

/** Rebuilds any tokenizer from `toJSON()`'s object (`source` names it in errors). */
export function tokenizerFromJSON(json: unknown, source = "tokenizer JSON"): Tokenizer {
  const r: JsonReader = new JsonReader("tokenizerFromJSON", source);
  const obj = r.object(json, "the tokenizer");
  if (obj.type === "char") return CharTokenizer.fromJSON(obj, source);
  if (obj.type === "bpe") return BpeTokenizer.fromJSON(obj, source);
  if (obj.type === "gpt2") return Gpt2Tokenizer.fromJSON(obj, source);
  return r.fail(
    `"type" must be one of ${TYPES.map((t) => `"${t}"`).join(", ")}, got ${JSON.stringify(obj.type) ?? "nothing"}`,
  );
}

/** Parses a saved tokenizer's text (JSON) and rebuilds it. */
export function parseTokenizer(text: string, source = "tokenizer JSON"): Tokenizer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return new JsonReader("parseTokenizer", source).fail(`not valid JSON (${(e as Error).message})`);
  }
  return tokenizerFromJSON(json, source);
}

/** The JSON text a tokenizer is saved as (what parseTokenizer reads). */
export function stringifyTokenizer(tokenizer: Tokenizer): string {
  return JSON.stringify(tokenizer.toJSON()) + "\n";
}
